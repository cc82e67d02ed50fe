/**
 * A CSV slice segment (segments.ts) stores a part's bytes as they are. Whatever the bytes,
 * the column picks and the encoding, reading it back gives the records the rows layout gives
 * for the same part: ids by position, each field the cell of its column, null past a row's end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Field, recordId, rowToRecord, segmentOrdinal } from '../../../shared/domain/resources.js';
import { rowTyper } from '../../../shared/domain/values.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import type { Encoding } from '../../../shared/formats/encoding.js';
import { rowPicker } from '../../../shared/operations/columns.js';
import { readRecords, writeCsvSliceSegment, writeSegment } from '../../../shared/operations/segments.js';
import { memoryServices, newJob } from './memory-services.js';

const TOKENS = ['a', '7', ' ', ';', ',', '"', '\n', '\r\n', 'é', '漢', '😀', '\uFEFF'];
const cell = fc.array(fc.constantFrom(...TOKENS), { maxLength: 4 }).map((tokens) => tokens.join(''));
const row = fc.array(cell, { minLength: 1, maxLength: 5 });

function csvText(rows: string[][], delimiter: string, newline: string): string {
  const line = (cells: string[]) =>
    cells
      .map((v) =>
        /[;,"\r\n]/.test(v) || (cells.length === 1 && v === '') ? `"${v.replaceAll('"', '""')}"` : v,
      )
      .join(delimiter);
  return rows.map(line).join(newline);
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('CSV slice segments', () => {
  it('read back as the records the rows layout stores for the same part', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 12 }),
        fc.constantFrom(',', ';'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<Encoding>('utf-8', 'latin1', 'utf-16le'),
        fc.integer({ min: 1, max: 9 }),
        async (rows, delimiter, newline, trailing, columns, encoding, chunk) => {
          const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
          const text = csvText(rows, delimiter, newline) + (trailing ? newline : '');
          const bytes = Buffer.from(
            text,
            encoding === 'utf-8' ? 'utf8' : encoding === 'latin1' ? 'latin1' : 'utf16le',
          );
          const fields: Field[] = columns.map((_, i) => ({ key: `f${i}`, type: 'string' }));
          const keys = fields.map((field) => field.key);
          const ordinal = segmentOrdinal(3, 1);

          await writeCsvSliceSegment(
            env.services,
            { sheetId: 'sh_slice', ordinal, jobId: 'job_a' },
            keys,
            { encoding, delimiter, columns },
            chunksOf(bytes, chunk),
            bytes.length,
          );
          const typed = rowTyper(fields);
          const pick = rowPicker(columns);
          let n = 0;
          async function* typedRows() {
            for await (const batch of parseCsvRows(chunksOf(bytes, chunk), { delimiter, encoding }))
              yield batch.map((cells) => typed(recordId(ordinal, n++), pick(cells)));
          }
          const rowsSegment = await writeSegment(
            env.services,
            { sheetId: 'sh_rows', ordinal, jobId: 'job_a' },
            keys,
            typedRows(),
          );

          const slice = await readRecords(env.services, 'sh_slice', 0, 1000);
          const expected = await readRecords(env.services, 'sh_rows', 0, 1000);
          expect(slice).toEqual(expected);
          expect((await env.resources.getSegment('sh_slice', ordinal))?.rows).toBe(rowsSegment.rows);
          expect(slice.records.every((record) => record.valid)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps ids by position and reads a slice from any offset', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const ordinal = segmentOrdinal(1, 0);
    const bytes = Buffer.from('x,"a\nb"\n\ny,z,extra\nshort\n');
    await writeCsvSliceSegment(
      env.services,
      { sheetId: 'sh_a', ordinal, jobId: 'job_a' },
      ['first', 'second', 'none'],
      { encoding: 'utf-8', delimiter: ',', columns: [0, 1, -1] },
      chunksOf(bytes, 4),
      bytes.length,
    );
    const { records, total } = await readRecords(env.services, 'sh_a', 1, 10);
    expect(total).toBe(3);
    expect(records).toEqual([
      rowToRecord(['first', 'second', 'none'], [recordId(ordinal, 1), 'y', 'z', null]),
      rowToRecord(['first', 'second', 'none'], [recordId(ordinal, 2), 'short', null, null]),
    ]);
  });
});
