/**
 * A CSV slice segment (segments.ts) stores a part's bytes as they are. Whatever the bytes,
 * the column picks, the encoding and the fields' types, reading it back gives the records the
 * rows layout gives for the same part: ids by position, each field the cell of its column
 * (converted to its type, with the message when it does not fit), null past a row's end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Field,
  type RecordRow,
  recordId,
  rowToRecord,
  segmentOrdinal,
} from '../../../shared/domain/resources.js';
import { rowTyper } from '../../../shared/domain/values.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import type { Encoding } from '../../../shared/formats/encoding.js';
import { rowPicker } from '../../../shared/operations/columns.js';
import { sliceField } from '../../../shared/operations/csv-slice.js';
import { bytesOf } from '../../../shared/operations/file-bytes.js';
import { rowShapeMessages, withShapeMessages } from '../../../shared/operations/row-notes.js';
import { readRecords, writeCsvSliceSegment, writeSegment } from '../../../shared/operations/segments.js';
import { memoryServices, newJob } from './memory-services.js';

const TOKENS = ['a', '7', ' ', ';', ',', '"', 'x"y', '\n', '\r\n', '\r', 'é', '漢', '😀', '\uFEFF'];
/** Cells a typed field takes (or, joined with others, refuses). */
const TYPED_TOKENS = ['-1.5', '1,000', 'yes', 'No', '2026-11-28', '28 Nov 2026', '11/28/2026', 'Closed'];
const FIELD: fc.Arbitrary<Omit<Field, 'key'>> = fc.oneof(
  fc.record({ type: fc.constant('string' as const), required: fc.boolean() }),
  fc.record({
    type: fc.constantFrom('number' as const, 'boolean' as const, 'date' as const),
    required: fc.boolean(),
  }),
  fc.record({ type: fc.constant('enum' as const), options: fc.constant<string[]>(['Active', 'closed']) }),
);
const cell = fc
  .array(fc.constantFrom(...TOKENS, ...TYPED_TOKENS), { maxLength: 4 })
  .map((tokens) => tokens.join(''));
const row = fc.array(cell, { minLength: 1, maxLength: 5 });

/** Cells quoted where they must be; a `"` that does not start a cell left bare when `loose`, as real files do. */
function csvText(rows: string[][], delimiter: string, newline: string, loose: boolean): string {
  const needsQuotes = (v: string, alone: boolean) =>
    /[;,\r\n]/.test(v) || v.startsWith('"') || (v.includes('"') && !loose) || (alone && v === '');
  const line = (cells: string[]) =>
    cells
      .map((v) => (needsQuotes(v, cells.length === 1) ? `"${v.replaceAll('"', '""')}"` : v))
      .join(delimiter);
  return rows.map(line).join(newline);
}

/** Latin-1 holds U+0000–U+00FF only: anything else becomes `?`, as a Latin-1 file would have it. */
const inLatin1 = (text: string) => [...text].map((c) => ((c.codePointAt(0) ?? 0) > 0xff ? '?' : c)).join('');

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('CSV slice segments', () => {
  it('read back as the records the rows layout stores for the same part, shape and type messages included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 12 }),
        fc.constantFrom(',', ';'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom<Encoding>('utf-8', 'latin1', 'utf-16le'),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.array(FIELD, { minLength: 4, maxLength: 4 })),
        async (rows, delimiter, newline, trailing, loose, columns, width, encoding, chunk, types) => {
          const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
          const csv = csvText(rows, delimiter, newline, loose) + (trailing ? newline : '');
          const text = encoding === 'latin1' ? inLatin1(csv) : csv;
          const bytes = Buffer.from(
            text,
            encoding === 'utf-8' ? 'utf8' : encoding === 'latin1' ? 'latin1' : 'utf16le',
          );
          const fields: Field[] = columns.map((_, i) => ({ key: `f${i}`, type: 'string', ...types?.[i] }));
          const keys = fields.map((field) => field.key);
          const ordinal = segmentOrdinal(3, 1);

          const tapped: RecordRow[] = [];
          await writeCsvSliceSegment(
            env.services,
            { environmentId: 'env_test', sheetId: 'sh_slice', ordinal, jobId: 'job_a' },
            keys,
            { encoding, delimiter, columns, width, ...(types ? { fields: fields.map(sliceField) } : {}) },
            chunksOf(bytes, chunk),
            bytes.length,
            undefined,
            {
              tap: async function* (batches) {
                for await (const batch of batches) {
                  tapped.push(...batch);
                  yield batch;
                }
              },
            },
          );
          const typed = rowTyper(fields);
          const pick = rowPicker(columns);
          const shape = { keys, columns, width };
          const unclean = new Map<number, number[]>();
          const notes = {
            onQuoteNotClosedCleanly: (r: number, c: number) => unclean.set(r, [...(unclean.get(r) ?? []), c]),
          };
          let n = 0;
          async function* typedRows() {
            for await (const batch of parseCsvRows(chunksOf(bytes, chunk), { delimiter, encoding, notes }))
              yield batch.map((cells) => {
                const flagged = (width > 0 && cells.length !== width) || unclean.has(n);
                const messages = flagged ? rowShapeMessages(cells, shape, unclean.get(n)) : undefined;
                return withShapeMessages(typed(recordId(ordinal, n++), pick(cells)), keys.length, messages);
              });
          }
          const rowsSegment = await writeSegment(
            env.services,
            { environmentId: 'env_test', sheetId: 'sh_rows', ordinal, jobId: 'job_a' },
            keys,
            typedRows(),
          );

          const slice = await readRecords(env.services, 'sh_slice', 0, 1000);
          const expected = await readRecords(env.services, 'sh_rows', 0, 1000);
          expect(slice).toEqual(expected);
          // A typed slice's writer sees the invalid records a reader reads (its report lists
          // their messages); the valid ones it only counts.
          if (types)
            expect(tapped.map((row) => rowToRecord(keys, row))).toEqual(
              expected.records.filter((record) => !record.valid),
            );
          const stored = await env.resources.getSegment('sh_slice', ordinal);
          expect({ rows: stored?.rows, invalid: stored?.invalid }).toEqual({
            rows: rowsSegment.rows,
            invalid: rowsSegment.invalid,
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps ids by position and reads a slice from any offset', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const ordinal = segmentOrdinal(1, 0);
    const bytes = Buffer.from('x,"a\nb"\n\ny,z,extra\nshort\n');
    await writeCsvSliceSegment(
      env.services,
      { environmentId: 'env_test', sheetId: 'sh_a', ordinal, jobId: 'job_a' },
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

  it('names a typed slice typedCsv in its header, which a reader from before typed slices fails on rather than reading cells as values', async () => {
    // Prepare
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const ordinal = segmentOrdinal(1, 0);
    const fields: Field[] = [
      { key: 'n', type: 'number' },
      { key: 'when', type: 'date', label: 'When' },
    ];
    const bytes = Buffer.from('"1,000",28 Nov 2026\nx,2026-11-28\n');
    // Act
    const segment = await writeCsvSliceSegment(
      env.services,
      { sheetId: 'sh_a', ordinal, jobId: 'job_a', environmentId: 'env_a' },
      ['n', 'when'],
      { encoding: 'utf-8', delimiter: ',', columns: [0, 1], width: 2, fields: fields.map(sliceField) },
      chunksOf(bytes, 5),
      bytes.length,
    );
    // Assess
    const stored = Buffer.concat(await bytesOf(await env.services.blobs.read(segment.key))).toString('utf8');
    const header = JSON.parse(stored.slice(0, stored.indexOf('\n')));
    expect(header).not.toHaveProperty('csv');
    expect(header.typedCsv.fields).toEqual([
      { key: 'n', type: 'number' },
      { key: 'when', type: 'date' },
    ]);
    expect({ rows: segment.rows, invalid: segment.invalid }).toEqual({ rows: 2, invalid: 1 });
    const { records } = await readRecords(env.services, 'sh_a', 0, 10);
    expect(records.map((r) => [r.values, r.messages])).toEqual([
      [{ n: 1000, when: '2026-11-28' }, undefined],
      [{ n: 'x', when: '2026-11-28' }, { n: '"x" is not a number' }],
    ]);
  });
});
