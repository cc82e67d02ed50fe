/**
 * The ceiling: partwise's own CSV parser alone, on every core, with nothing else to do — no
 * S3, no DynamoDB, no NDJSON out. The file is planned once with `planCsvLayout` (timed on its
 * own, reported beside), then worker threads take byte ranges from a shared counter and
 * count the rows `parseCsvRows` yields. Only the parallel parse is timed, from the moment
 * every worker is loaded: the strictest ceiling to hold the end-to-end figure against.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { typeScriptWorker } from '../infra/local/ts-worker.js';
import { planCsvLayout } from '../shared/formats/csv/boundaries.js';

export interface ParseOnlyResult {
  rows: number;
  ranges: number;
  threads: number;
  planSeconds: number;
  parseSeconds: number;
}

const WORKER_URL = new URL('./parse-only-worker.ts', import.meta.url).href;

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
  const workers = Array.from({ length: threads }, () =>
    typeScriptWorker(WORKER_URL, { workerData: { path, ranges, next } }),
  );
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
