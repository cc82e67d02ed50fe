/**
 * Read and write throughput of every format on a generated table, fed and drained in 64 KiB
 * chunks as S3 would. Not a test (nothing is asserted): run
 * `node --import tsx test/unit/formats/throughput.ts [rows] [xlsxRows]`.
 * MB/s is of the file's bytes; heap is the peak heap growth seen while the format ran
 * (garbage not yet collected included; for writes, the output kept in memory too).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { FORMATS, type Format, readSheets, writeTable } from '../../../shared/formats/index.js';
import '../../../shared/formats/xlsx/codec.js';
import type { Row } from '../../../shared/formats/table.js';
import { chunked } from './format-fixtures.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const rowCount = Number(process.argv[2] ?? 200_000);
const xlsxRowCount = Number(process.argv[3] ?? 100_000);
const BATCH = 1000;

const header = ['id', 'name', 'city', 'amount', 'note', 'active'];
const words = ['alpha', 'beta', 'café', '漢字', 'omega', 'lorem'];
function* batches(count: number): Generator<Row[]> {
  for (let start = 0; start < count; start += BATCH) {
    const batch: Row[] = [];
    for (let id = start; id < Math.min(count, start + BATCH); id++) {
      const word = words[id % words.length] ?? '';
      const note = id % 5 === 0 ? `${word}, "quoted"\nline` : `${word} ${id % 97}`;
      batch.push([
        String(id),
        `${word}-${id % 13}`,
        'Zürich',
        (id * 7.31).toFixed(2),
        note,
        String(id % 2 === 0),
      ]);
    }
    yield batch;
  }
}

let base = 0;
let peak = 0;
/** Called per chunk or batch: the heap's growth since the run began, garbage not yet collected included. */
const sampleHeap = () => {
  peak = Math.max(peak, process.memoryUsage().heapUsed - base);
};

/** Runs `work`; returns seconds and the peak heap growth in MB. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; heapMb: number }> {
  gc();
  base = process.memoryUsage().heapUsed;
  peak = 0;
  const start = performance.now();
  const value = await work();
  const seconds = (performance.now() - start) / 1000;
  return { value, seconds, heapMb: peak / 1e6 };
}

async function measure(format: Format) {
  const rows = format === 'xlsx' ? xlsxRowCount : rowCount;
  const write = await measured(async () => {
    const pieces: Uint8Array[] = [];
    for await (const chunk of writeTable(format, { header, rows: batches(rows) })) {
      pieces.push(chunk);
      sampleHeap();
    }
    return Buffer.concat(pieces);
  });
  const bytes = write.value;
  // The written file itself is held for the read, not counted as the writer's.
  const read = await measured(async () => {
    let count = 0;
    for await (const sheet of readSheets(format, chunked(bytes, 65_536), { delimiter: ',' }))
      for await (const batch of sheet.rows) {
        count += batch.length;
        sampleHeap();
      }
    return count;
  });
  if (read.value !== rows) throw new Error(`${format}: read ${read.value} rows of ${rows}`);
  const mb = bytes.length / 1e6;
  const line = (what: string, m: { seconds: number; heapMb: number }) =>
    `${format.padEnd(6)} ${what.padEnd(5)} ${String(rows).padStart(8)} rows ${mb.toFixed(1).padStart(6)} MB ` +
    `${Math.round(rows / m.seconds)
      .toLocaleString('en')
      .padStart(10)} rows/s ` +
    `${(mb / m.seconds).toFixed(1).padStart(6)} MB/s  heap +${m.heapMb.toFixed(1)} MB`;
  console.log(line('write', write));
  console.log(line('read', read));
}

console.log(`node ${process.version}, ${rowCount} rows (${xlsxRowCount} for xlsx), 6 columns`);
for (const format of FORMATS) await measure(format);
