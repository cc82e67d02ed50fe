/** Streams and collectors for the reader and writer tests. */
import fc from 'fast-check';
import type { Row, TableReader } from '../../../shared/formats/table.js';

export { chunked, splitAt, utf8 } from './csv-fixtures.js';

/** All bytes of a writer's output. */
export async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const chunk of chunks) pieces.push(chunk);
  return Buffer.concat(pieces);
}

/** `bytes` as a one-chunk stream. */
export async function* streamOf(...pieces: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield piece;
}

/** Every row of a table, batches flattened. */
export async function rowsOf(table: Pick<TableReader, 'rows'>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of table.rows) rows.push(...batch);
  return rows;
}

/** Reads a whole table: its header (as it ends up) and its rows. */
export async function tableOf(
  table: TableReader | Promise<TableReader>,
): Promise<{ header: string[]; rows: Row[] }> {
  const resolved = await table;
  const rows = await rowsOf(resolved);
  return { header: resolved.header, rows };
}

/**
 * Cell text that exercises quoting and escaping: quotes, every delimiter, line breaks, a
 * leading BOM or formula sign, control characters, non-BMP characters.
 */
export const cellArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.constantFrom(
          '"',
          ',',
          ';',
          '\t',
          '|',
          '\n',
          '\r',
          '\r\n',
          ' ',
          'a',
          'é',
          '漢',
          '😀',
          '=',
          '\uFEFF',
          '\\',
        ),
        {
          maxLength: 8,
        },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

/** A header of distinct non-empty names and rows of 1..header.length cells each. */
export const tableArbitrary = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 })
  .chain((header) =>
    fc.record({
      header: fc.constant(header),
      rows: fc.array(fc.array(cellArbitrary, { minLength: header.length, maxLength: header.length }), {
        maxLength: 8,
      }),
    }),
  );
