/**
 * The page (web/) on the local stack, at `/` of the API's own origin: built once by esbuild
 * on its first request and served from memory, with the `config.json` that points it at
 * this API, its push socket (`/ws`) and the dev-token route (`POST /local/tokens`). On AWS
 * the construct deploys the same build to S3 behind CloudFront.
 */
import type { ServerResponse } from 'node:http';
import { buildWeb, type WebAsset } from '../../web/build.js';

export interface LocalSite {
  /** Writes the asset at `path` and says so; false for any other path. */
  serve(path: string, res: ServerResponse): boolean;
}

/** The page's files by the path they are served at. */
const FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.css': 'app.css',
  '/app.js': 'app.js',
};

const CONFIG: WebAsset = {
  body: new TextEncoder().encode(JSON.stringify({ apiUrl: '', wsUrl: '/ws', tokenUrl: '/local/tokens' })),
  contentType: 'application/json',
};

/** The page, built by esbuild on its first request (a stack that no browser opens builds nothing). */
export function localSite(): LocalSite {
  let built: Promise<Map<string, WebAsset>> | undefined;
  return {
    serve(path, res) {
      if (path === '/config.json') {
        write(res, CONFIG);
        return true;
      }
      const name = FILES[path];
      if (!name) return false;
      built ??= buildWeb();
      built
        .then((assets) => {
          const asset = assets.get(name);
          if (!asset) throw new Error(`the build wrote no ${name}`);
          write(res, asset);
        })
        .catch((error: unknown) => {
          built = undefined; // the next request builds again
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`The page could not be built: ${error instanceof Error ? error.message : String(error)}`);
        });
      return true;
    },
  };
}

function write(res: ServerResponse, asset: WebAsset): void {
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
}
