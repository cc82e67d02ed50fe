/** One thread of the parse-only ceiling (parse-only.ts): takes ranges until none is left, counts rows. */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { parseCsvRows } from '../shared/formats/csv/rows.js';

const { path, ranges, next } = workerData as {
  path: string;
  ranges: { start: number; endExclusive: number }[];
  next: SharedArrayBuffer;
};
const port = parentPort;
if (!port) throw new Error('parse-only-worker.ts must run in a worker thread');
const counter = new Int32Array(next);

port.once('message', async () => {
  let rows = 0;
  for (let i = Atomics.add(counter, 0, 1); i < ranges.length; i = Atomics.add(counter, 0, 1)) {
    const range = ranges[i] as { start: number; endExclusive: number };
    if (range.endExclusive <= range.start) continue;
    // `end` is inclusive in createReadStream.
    const bytes = createReadStream(path, {
      start: range.start,
      end: range.endExclusive - 1,
      highWaterMark: 1 << 20,
    });
    for await (const batch of parseCsvRows(bytes)) rows += batch.length;
  }
  port.postMessage({ rows });
});
port.postMessage('ready');
