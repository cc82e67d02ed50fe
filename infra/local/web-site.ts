/**
 * The page (web/) on the local stack, at `/` of the API's own origin: built once by esbuild
 * when the stack starts and served from memory, with the `config.json` that points it at
 * this API, its push socket (`/ws`) and the dev-token route (`POST /local/tokens`). On AWS
 * the construct deploys the same build to S3 behind CloudFront.
 */
import type { ServerResponse } from 'node:http';
import { buildWeb, type WebAsset } from '../../web/build.js';

export interface LocalSite {
  /** Writes the asset at `path` and says so; false for any other path. */
  serve(path: string, res: ServerResponse): boolean;
}

export async function localSite(): Promise<LocalSite> {
  const assets = await buildWeb();
  const config: WebAsset = {
    body: new TextEncoder().encode(JSON.stringify({ apiUrl: '', wsUrl: '/ws', tokenUrl: '/local/tokens' })),
    contentType: 'application/json',
  };
  const byPath = new Map<string, WebAsset>([
    ['/', assets.get('index.html') as WebAsset],
    ['/config.json', config],
    ...[...assets].map(([name, asset]) => [`/${name}`, asset] as const),
  ]);
  return {
    serve(path, res) {
      const asset = byPath.get(path);
      if (!asset) return false;
      res.writeHead(200, {
        'content-type': asset.contentType,
        'content-length': asset.body.byteLength,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        // The page loads only its own script and style, and talks only to this origin.
        'content-security-policy':
          "default-src 'self'; connect-src 'self' ws: wss: http://127.0.0.1:* http://localhost:*; img-src 'self' data: blob:; frame-ancestors 'none'",
      });
      res.end(asset.body);
      return true;
    },
  };
}
