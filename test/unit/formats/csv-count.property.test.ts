import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRowCounter } from '../../../shared/formats/csv/count.js';
import { chunked, collectRows, utf8 } from './csv-fixtures.js';

/** Every byte the rules turn on, in any order: well-formed or not. */
const TOKENS = ['a', ',', ';', '"', '""', '\n', '\r', '\r\n', ' ', 'é', '😀', '\uFEFF'];
const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((tokens) => tokens.join(''));

function count(bytes: Uint8Array, sizes: number[]): number {
  const counter = new CsvRowCounter();
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    counter.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return counter.end();
}

describe('CsvRowCounter', () => {
  it('counts the rows parseCsvRows gives, however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        async (csv, sizes) => {
          const bytes = utf8(csv);
          const rows = await collectRows(chunked(bytes, 64));
          expect(count(bytes, sizes)).toBe(rows.length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('skips blank lines and a lone carriage return, and counts an unclosed quote as a row', () => {
    expect(count(utf8('\n\r\n\r'), [1])).toBe(0);
    expect(count(utf8('a\n\n"b\nc"\r\n\r\r\n,'), [3])).toBe(4);
    expect(count(utf8('x\n"open\n\n'), [2])).toBe(2);
    expect(count(utf8(''), [1])).toBe(0);
  });
});
