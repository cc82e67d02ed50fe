/**
 * The ceiling: partwise's own CSV parser alone, on every core, with nothing else to do — no
 * S3, no DynamoDB, no NDJSON out. The file is planned once with `planCsvLayout` (timed on its
 * own, reported beside), then worker threads take byte ranges from a shared counter and
 * count the rows `parseCsvRows` yields. Only the parallel parse is timed, from the moment
 * every worker is loaded: the strictest ceiling to hold the end-to-end figure against.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { planCsvLayout } from '../shared/formats/csv/boundaries.js';

export interface ParseOnlyResult {
  rows: number;
  ranges: number;
  threads: number;
  planSeconds: number;
  parseSeconds: number;
}

const WORKER_URL = new URL('./parse-only-worker.ts', import.meta.url).href;

/**
 * Node 20 does not hand the main thread's `--import tsx` hooks to worker threads, so the
 * worker registers tsx itself before importing its TypeScript module (as infra/local's
 * worker pool does for the Lambda workers).
 */
function tsWorker(workerData: unknown): Worker {
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  const tsxApi = new URL(entry, pathToFileURL(require.resolve('tsx/package.json'))).href;
  const code = `import(${JSON.stringify(tsxApi)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); })
    .catch((error) => { process.nextTick(() => { throw error; }); });`;
  return new Worker(code, { eval: true, workerData });
}

export async function parseOnly(path: string, partSize: number): Promise<ParseOnlyResult> {
  const planStarted = performance.now();
  const layout = await planCsvLayout(createReadStream(path, { highWaterMark: 1 << 20 }), { partSize });
  const planSeconds = (performance.now() - planStarted) / 1000;
  const ranges = layout.boundaries.slice(0, -1).map((start, i) => ({
    start,
    endExclusive: layout.boundaries[i + 1] as number,
  }));
  const threads = availableParallelism();
  // The next range to take: one Int32 that every worker bumps atomically.
  const next = new SharedArrayBuffer(4);
  const workers = Array.from({ length: threads }, () => tsWorker({ path, ranges, next }));
  try {
    // A worker says 'ready' once loaded and its row count when done; `once` rejects on 'error'.
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const done = workers.map((worker) => once(worker, 'message'));
    const started = performance.now();
    for (const worker of workers) worker.postMessage('go');
    const counts = (await Promise.all(done)).map(([count]) => count as { rows: number });
    const parseSeconds = (performance.now() - started) / 1000;
    const rows = counts.reduce((sum, count) => sum + count.rows, 0);
    return { rows, ranges: ranges.length, threads, planSeconds, parseSeconds };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
