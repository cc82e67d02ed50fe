/**
 * Throughput of the CSV planner and part parser on an in-memory ~16 MB file, fed in 64 KiB
 * chunks as an S3 GET would. Run `npx vitest bench test/unit/formats --run`;
 * MB/s = the MB in the title × hz.
 */
import { bench, describe } from 'vitest';
import { planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import { chunked, utf8 } from './csv-fixtures.js';

const words = ['alpha', 'beta', 'café', '漢字', 'omega', 'lorem'];
const rows = [['id', 'name', 'amount', 'note', 'flag']];
for (let id = 0, size = 0; size < 16_000_000; id++) {
  const word = words[id % words.length] ?? '';
  const note = id % 5 === 0 ? `${word}, "quoted"\nline` : `${word} ${id % 97}`;
  const row = [String(id), `${word}-${id % 13}`, (id * 7.31).toFixed(2), note, String(id % 2 === 0)];
  rows.push(row);
  size += row.join(',').length + 1;
}
const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
const serialize = (quoteAll: boolean) =>
  utf8(
    `${rows.map((row) => row.map((cell) => (quoteAll || /[,"\n]/.test(cell) ? quote(cell) : cell)).join(',')).join('\n')}\n`,
  );
const file = serialize(false);
const everyCellQuoted = serialize(true);

describe(`planCsvLayout (${(file.length / 1e6).toFixed(1)} MB)`, () => {
  bench('8 MiB parts', async () => {
    await planCsvLayout(chunked(file, 65_536), { partSize: 8 * 1024 * 1024 });
  });
  bench('1 KiB parts', async () => {
    await planCsvLayout(chunked(file, 65_536), { partSize: 1024 });
  });
  bench('8 MiB parts, every cell quoted', async () => {
    await planCsvLayout(chunked(everyCellQuoted, 65_536), { partSize: 8 * 1024 * 1024 });
  });
});

describe(`parseCsvRows (${(file.length / 1e6).toFixed(1)} MB)`, () => {
  bench('whole file', async () => {
    for await (const batch of parseCsvRows(chunked(file, 65_536)))
      if (batch.length === 0) throw new Error('empty');
  });
});
