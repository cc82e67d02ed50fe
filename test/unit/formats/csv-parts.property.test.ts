/**
 * The contract between the planner and the part parser: cutting a CSV at the planned
 * boundaries and parsing each part alone gives exactly the rows of the whole file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { chunked, naiveBoundaries, rowsOfRange, utf8 } from './csv-fixtures.js';

/** Pieces of cell text chosen to hit every rule: delimiters, quotes, both line breaks, multi-byte chars. */
const TOKENS = ['a', 'b', '7', ' ', ',', ';', '"', '""', '\n', '\r\n', '\r', 'é', '漢', '😀', '\uFEFF'];

const cell = fc.array(fc.constantFrom(...TOKENS), { maxLength: 5 }).map((tokens) => tokens.join(''));
/** Rows differ in length on purpose: nothing in planning or parsing may assume a rectangle. */
const row = fc.array(cell, { minLength: 1, maxLength: 4 });

const csvFile = fc.record({
  preamble: fc.array(row, { maxLength: 2 }),
  header: row,
  rows: fc.array(row, { maxLength: 10 }),
  newline: fc.constantFrom('\n', '\r\n', '\r'),
  /** Write a cell with a `"` that is not its first character bare, as real files do (`12" pizza`). */
  looseQuotes: fc.boolean(),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  /** Cycled over the cells: quote this one even though it does not need quotes. */
  extraQuotes: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
});
type CsvFile = typeof csvFile extends fc.Arbitrary<infer T> ? T : never;

function serialize(file: CsvFile): Uint8Array {
  let n = 0;
  const lines = [...file.preamble, file.header, ...file.rows].map((cells, rowIndex) =>
    cells
      .map((value, cellIndex) => {
        const quote =
          /[,\r\n]/.test(value) ||
          value.startsWith('"') ||
          (value.includes('"') && !file.looseQuotes) ||
          // A lone empty cell would be a blank line, which readers skip.
          (cells.length === 1 && value === '') ||
          // Without a BOM, a leading U+FEFF in the file's first cell would read as one.
          (rowIndex === 0 && cellIndex === 0 && value.startsWith('\uFEFF')) ||
          file.extraQuotes[n++ % file.extraQuotes.length];
        return quote ? `"${value.replaceAll('"', '""')}"` : value;
      })
      .join(','),
  );
  const text = lines.join(file.newline) + (file.trailingNewline ? file.newline : '');
  return utf8((file.bom ? '\uFEFF' : '') + text);
}

describe('csv parts', () => {
  it('parse, part by part at the planned boundaries, into exactly the rows of the whole file', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvFile,
        fc.integer({ min: 1, max: 48 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }),
        async (file, partSize, chunkSizes) => {
          // Prepare
          const bytes = serialize(file);
          const headerRow = file.preamble.length + 1;
          // Act
          const layout = await planCsvLayout(chunked(bytes, chunkSizes), { partSize, headerRow });
          const partRows: string[][] = [];
          for (let i = 0; i + 1 < layout.boundaries.length; i++) {
            const from = layout.boundaries[i] ?? 0;
            const to = layout.boundaries[i + 1] ?? 0;
            partRows.push(...(await rowsOfRange(bytes, from, to, chunkSizes)));
          }
          const wholeRows = await rowsOfRange(bytes, layout.bomLength, bytes.length, chunkSizes);
          // Assess
          expect(layout.size).toBe(bytes.length);
          expect(layout.header).toEqual(file.header);
          expect(layout).toMatchObject(naiveBoundaries(bytes, partSize, headerRow));
          expect(wholeRows).toEqual([...file.preamble, file.header, ...file.rows]);
          expect(partRows).toEqual(file.rows);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('plans a multi-megabyte file streamed in 64 KiB chunks as the naive byte-by-byte reference does', async () => {
    // Prepare: ~4 MB of CRLF rows behind a BOM, with quoted delimiters, doubled quotes and
    // quoted line breaks, from a fixed-seed generator so a failure reproduces.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const words = ['alpha', 'beta', 'café', '漢字', '😀', 'a,b', 'say ""hi""', 'two\r\nlines', 'x\ny'];
    const lines = ['id,name,note,amount'];
    for (let id = 0; lines.length < 80_000; id++) {
      const word = () => words[Math.floor(random() * words.length)] ?? '';
      lines.push(`${id},"${word()}-${word()}","${word()} ${word()}",${Math.floor(random() * 1e6)}`);
    }
    const bytes = utf8(`\uFEFF${lines.join('\r\n')}\r\n`);
    expect(bytes.length).toBeGreaterThan(3_000_000);

    for (const partSize of [1024, 4099, 65_536, 1_048_576]) {
      // Act
      const layout = await planCsvLayout(chunked(bytes, 65_536), { partSize });
      // Assess
      expect(layout, `partSize ${partSize}`).toMatchObject(naiveBoundaries(bytes, partSize));
      expect(layout.header).toEqual(['id', 'name', 'note', 'amount']);
    }

    // Cutting at the 64 KiB plan gives back every row, in order.
    const layout = await planCsvLayout(chunked(bytes, 65_536), { partSize: 65_536 });
    const partRows: string[][] = [];
    for (let i = 0; i + 1 < layout.boundaries.length; i++) {
      partRows.push(...(await rowsOfRange(bytes, layout.boundaries[i] ?? 0, layout.boundaries[i + 1] ?? 0)));
    }
    expect(partRows).toEqual(await rowsOfRange(bytes, layout.headerEnd, bytes.length));
    expect(partRows).toHaveLength(lines.length - 1);
  });
});
