/**
 * Builds the page: `src/app.tsx` bundled by esbuild (Preact included, nothing from a CDN),
 * beside `index.html` and `app.css`. The local stack serves the result from memory; the
 * construct deploys it to its site bucket. `config.json` is the host's to add.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface WebAsset {
  body: Uint8Array;
  contentType: string;
}

const HERE = import.meta.dirname;

export async function buildWeb(): Promise<Map<string, WebAsset>> {
  const result = await build({
    entryPoints: [join(HERE, 'src', 'app.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    outfile: 'app.js',
    logLevel: 'silent',
  });
  const script = result.outputFiles.find((file) => file.path.endsWith('app.js'));
  if (!script) throw new Error('esbuild wrote no app.js');
  return new Map([
    [
      'index.html',
      { body: await readFile(join(HERE, 'index.html')), contentType: 'text/html; charset=utf-8' },
    ],
    ['app.css', { body: await readFile(join(HERE, 'app.css')), contentType: 'text/css; charset=utf-8' }],
    ['app.js', { body: script.contents, contentType: 'text/javascript; charset=utf-8' }],
  ]);
}
