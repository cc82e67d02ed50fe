import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../openapi.js';
import { DOCS_RENDERER } from '../public-routes.js';
import type { ApiResult } from '../request.js';

/** The page of GET /docs: Redoc, served by this API (no CDN), reading GET /openapi.json. */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>partwise API reference</title>
  </head>
  <body>
    <redoc spec-url="openapi.json"></redoc>
    <script src="docs/renderer.js"></script>
  </body>
</html>
`;

let document: string | undefined;
let renderer: Promise<string> | undefined;

/** The renderer next to the Lambda bundle, else from node_modules (running from source). */
async function readRenderer(): Promise<string> {
  const bundled = fileURLToPath(new URL(`./${DOCS_RENDERER.file}`, import.meta.url));
  try {
    return await readFile(bundled, 'utf8');
  } catch {
    return readFile(createRequire(import.meta.url).resolve(DOCS_RENDERER.module), 'utf8');
  }
}

const text = (contentType: string, body: string): ApiResult => ({
  statusCode: 200,
  headers: { 'content-type': contentType, 'cache-control': 'public, max-age=300' },
  body,
});

/** The API's own description, for people and programs: no API key needed. */
export function metaRoutes() {
  return [
    {
      method: 'GET' as const,
      path: '/openapi.json',
      handler: async () => {
        document ??= JSON.stringify(openApiDocument());
        return text('application/json', document);
      },
    },
    {
      method: 'GET' as const,
      path: '/docs',
      handler: async () => text('text/html; charset=utf-8', DOCS_PAGE),
    },
    {
      method: 'GET' as const,
      path: '/docs/renderer.js',
      handler: async () => {
        renderer ??= readRenderer();
        const body = await renderer.catch((error: unknown) => {
          renderer = undefined;
          throw error;
        });
        return text('text/javascript; charset=utf-8', body);
      },
    },
  ];
}
