/**
 * A worker thread running a TypeScript module. Node 20 does not pass the main thread's
 * `--import tsx` loader hooks on to worker threads, so each worker registers tsx itself
 * (its documented `tsx/esm/api` register) before importing the module. This works whether
 * the main thread runs under `node --import tsx` or inside vitest.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let tsxApi: string | undefined;

/** tsx's ESM API, by its package's exports (its CJS build registers a path that does not resolve from ESM). */
function tsxApiUrl(): string {
  if (tsxApi) return tsxApi;
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  tsxApi = new URL(entry, pathToFileURL(require.resolve('tsx/package.json'))).href;
  return tsxApi;
}

/** Starts a worker thread on the TypeScript module at `moduleUrl`. */
export function typeScriptWorker(moduleUrl: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const code = `import(${JSON.stringify(tsxApiUrl())})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); })
  .catch((error) => { process.nextTick(() => { throw error; }); });`;
  return new Worker(code, { ...options, eval: true });
}
