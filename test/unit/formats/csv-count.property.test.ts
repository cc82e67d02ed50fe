import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRowCounter } from '../../../shared/formats/csv/count.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import { chunked, utf8 } from './csv-fixtures.js';

/** Every byte the rules turn on, in any order: well-formed or not. */
const TOKENS = ['a', ',', ';', '"', '""', '\n', '\r', '\r\n', ' ', 'é', '😀', '\uFEFF', '12" x', '"q,\n"'];
const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((tokens) => tokens.join(''));

function count(bytes: Uint8Array, sizes: number[], width = 0): CsvRowCounter {
  const counter = new CsvRowCounter(0x2c, width);
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    counter.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  counter.end();
  return counter;
}

/** What the parser says of the same bytes: its rows, which of them a reader flags, and whether a quote stays open. */
async function parsed(bytes: Uint8Array, width: number) {
  const unclean = new Set<number>();
  let unclosed = false;
  const rows: string[][] = [];
  const notes = {
    onQuoteNotClosedCleanly: (row: number) => unclean.add(row),
    onUnclosedQuote: () => {
      unclosed = true;
    },
  };
  for await (const batch of parseCsvRows(chunked(bytes, 64), { notes })) rows.push(...batch);
  const flagged = rows.filter((row, i) => unclean.has(i) || (width > 0 && row.length !== width)).length;
  return { rows: rows.length, flagged, unclosed };
}

describe('CsvRowCounter', () => {
  it('counts the rows parseCsvRows gives, and flags the same ragged and unclean ones, however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 4 }),
        async (csv, sizes, width) => {
          const bytes = utf8(csv);
          const expected = await parsed(bytes, width);
          const counter = count(bytes, sizes, width);
          expect({ rows: counter.rows, flagged: counter.flagged, unclosed: counter.unclosedQuote }).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('skips blank lines, counts a lone carriage return as a line ending, and an unclosed quote as a row', () => {
    expect(count(utf8('\n\r\n\r'), [1]).rows).toBe(0);
    expect(count(utf8('a\n\n"b\nc"\r\n\r\r\n,'), [3]).rows).toBe(3);
    expect(count(utf8('a\rb\rc'), [2]).rows).toBe(3);
    const open = count(utf8('x\n"open\n\n'), [2]);
    expect(open.rows).toBe(2);
    expect(open.unclosedQuote).toBe(true);
    expect(count(utf8(''), [1]).rows).toBe(0);
  });

  it('flags rows whose cells are not the header’s count, and text after a closing quote', () => {
    const counter = count(utf8('1,2,3\n1,2\n1,2,3,4\n"a"b,2,3\n1,"2",3\r\n'), [4], 3);
    expect(counter.rows).toBe(5);
    expect(counter.flagged).toBe(3);
  });
});
