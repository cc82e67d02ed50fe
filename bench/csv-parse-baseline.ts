/**
 * The baseline: the script a developer would write without partwise — one process, csv-parse
 * streaming the file into one object per record, each written as a line of NDJSON.
 *
 *   node --import tsx bench/csv-parse-baseline.ts <in.csv> <out.ndjson>
 *
 * Prints one JSON line: `{ records, seconds }`. run.ts starts it as its own process so
 * nothing else shares its event loop.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: csv-parse-baseline.ts <in.csv> <out.ndjson>');

let records = 0;
const started = performance.now();
await pipeline(
  createReadStream(input),
  parse({ columns: true }),
  new Transform({
    writableObjectMode: true,
    transform(record: Record<string, string>, _encoding, done) {
      records++;
      done(null, `${JSON.stringify(record)}\n`);
    },
  }),
  createWriteStream(output),
);
console.log(JSON.stringify({ records, seconds: (performance.now() - started) / 1000 }));
