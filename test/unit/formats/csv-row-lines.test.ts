/**
 * The line each CSV row starts on (`notes.onRowLine`), which the rejected-rows report gives
 * for an invalid record: the lines an editor shows, whatever the line endings, blank lines
 * and line breaks inside quoted cells, and however the text arrives in chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import { chunked, referenceRowStarts, utf8 } from './csv-fixtures.js';

/** Each row's first cell and its line, with the text cut into chunks of `size` bytes. */
async function rowLines(text: string, size: number | number[] = 65536): Promise<[string, number][]> {
  const lines = new Map<number, number>();
  const found: [string, number][] = [];
  let row = 0;
  const notes = { onRowLine: (at: number, line: number) => lines.set(at, line) };
  for await (const batch of parseCsvRows(chunked(utf8(text), size), { notes })) {
    for (const cells of batch) {
      found.push([cells[0] ?? '', lines.get(row) ?? -1]);
      lines.delete(row++);
    }
  }
  return found;
}

/** The same, from a line count of the text by hand: row `name` on `line`. */
const expected = (...rows: [string, number][]) => rows;

describe('parseCsvRows line numbers', () => {
  it('numbers rows by their LF lines', async () => {
    expect(await rowLines('a,1\nb,2\nc,3\n')).toEqual(expected(['a', 1], ['b', 2], ['c', 3]));
  });

  it('counts a CRLF as one line break and a lone CR as one', async () => {
    expect(await rowLines('a,1\r\nb,2\rc,3\r\nd,4')).toEqual(
      expected(['a', 1], ['b', 2], ['c', 3], ['d', 4]),
    );
  });

  it('counts the blank lines it skips', async () => {
    expect(await rowLines('\na,1\n\n\r\n\rb,2\n\nc,3\n')).toEqual(expected(['a', 2], ['b', 6], ['c', 8]));
  });

  it('counts the line breaks inside a quoted cell, so the next row starts lines later', async () => {
    const text = 'a,"one\ntwo\r\nthree\rfour"\nb,2\n"c\n\nc",3\nd,4\n';
    expect(await rowLines(text)).toEqual(expected(['a', 1], ['b', 5], ['c\n\nc', 6], ['d', 9]));
  });

  it('gives the same lines however the text is cut into chunks, a CRLF cut included', async () => {
    const text = '\r\na,"x\r\ny"\r\n\r\nb,2\rc,"3\r"\r\n\nd,4\r\n';
    const whole = await rowLines(text);
    expect(whole).toEqual(expected(['a', 2], ['b', 5], ['c', 6], ['d', 9]));
    for (const size of [1, 2, 3, 5, 7])
      expect(await rowLines(text, size), `chunks of ${size}`).toEqual(whole);
  });

  it('counts nothing unless asked: rows come out the same either way', async () => {
    const text = 'a,"1\n2"\r\n\nb,3\n';
    const plain: string[][] = [];
    for await (const batch of parseCsvRows(chunked(utf8(text), 3))) plain.push(...batch);
    expect(plain).toEqual([
      ['a', '1\n2'],
      ['b', '3'],
    ]);
    expect((await rowLines(text, 3)).map(([cell]) => cell)).toEqual(['a', 'b']);
  });

  it('agrees with a line count of the bytes before each row start, by the reference rules, in any chunks', async () => {
    const TOKENS = ['a', 'b', ',', '"', '""', '\n', '\r', '\r\n', ' '];
    const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((tokens) => tokens.join(''));
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        async (csv, sizes) => {
          // Prepare: each row start the reference lists (blank lines are no rows), with its line.
          const bytes = utf8(csv);
          const breaksBefore = (end: number) => {
            let breaks = 0;
            for (let i = 0; i < end; i++)
              if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) breaks++;
            return breaks;
          };
          const starts = [0, ...referenceRowStarts(bytes)].filter(
            (at) => at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d,
          );
          // Act
          const lines = (await rowLines(csv, sizes)).map(([, line]) => line);
          // Assess
          expect(lines).toEqual(starts.map((at) => breaksBefore(at) + 1));
        },
      ),
      { numRuns: 500 },
    );
  });
});
