/**
 * `npm run bench:row-lines`: what the rejected-rows report's line tracking costs the CSV
 * parser (docs/report.md). The same file is parsed with and without `onRowLine`, alternately,
 * in one process; the ratio of the medians is printed. Nothing is asserted.
 *
 *   node --import tsx bench/row-lines.ts [--rows=200000] [--repeat=7]
 */
import { createReadStream } from 'node:fs';
import { parseCsvRows } from '../shared/formats/csv/rows.js';
import { csvFile } from './data-files.js';

const args = process.argv.slice(2).join(' ');
const rows = Number(/--rows=(\d+)/.exec(args)?.[1] ?? 200_000);
const repeat = Number(/--repeat=(\d+)/.exec(args)?.[1] ?? 7);

async function parse(path: string, lines: boolean): Promise<{ ms: number; rows: number }> {
  let count = 0;
  let last = 0;
  const notes = lines
    ? {
        onRowLine: (_row: number, line: number) => {
          last = line;
        },
      }
    : undefined;
  const started = performance.now();
  for await (const batch of parseCsvRows(createReadStream(path, { highWaterMark: 1 << 20 }), { notes }))
    count += batch.length;
  const ms = performance.now() - started;
  if (lines && last < count) throw new Error(`the last row's line ${last} is before row ${count}`);
  return { ms, rows: count };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const file = await csvFile(rows);
await parse(file.path, false); // warm up: JIT and page cache
const plain: number[] = [];
const tracked: number[] = [];
for (let i = 0; i < repeat; i++) {
  plain.push((await parse(file.path, false)).ms);
  tracked.push((await parse(file.path, true)).ms);
}
const mb = file.bytes / 1e6;
const row = (name: string, runs: number[]) =>
  `${name.padEnd(22)} median ${median(runs).toFixed(0).padStart(5)} ms  ${(mb / (median(runs) / 1000)).toFixed(0).padStart(4)} MB/s  runs ${runs.map((ms) => ms.toFixed(0)).join(' ')}`;
console.log(
  `CSV parse of ${file.rows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB (${repeat} runs each, alternating)`,
);
console.log(row('without row lines', plain));
console.log(row('with row lines', tracked));
console.log(`with / without: ${(median(tracked) / median(plain)).toFixed(2)}× the time`);
