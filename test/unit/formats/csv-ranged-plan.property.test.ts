/**
 * planCsvLayoutInRanges reads ranges of the file at once; planCsvLayout reads it from the
 * start. They must give the same layout for any bytes, part size, head, ranges and window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { planCsvLayoutInRanges, type RangeReader } from '../../../shared/formats/csv/ranged-plan.js';
import { chunked, naiveBoundaries, utf8 } from './csv-fixtures.js';

/** Quoted fields longer than a small window, line breaks inside quotes, quotes doubled, blank lines. */
const TOKENS = [
  'a',
  'bb',
  ',',
  ';',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  '12" x',
  '"x\ny"',
  '"long, quoted\n\nfield"',
  'é',
  '😀',
];
const csv = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 80 })
  .map((tokens) => `h1,h2\n${tokens.join('')}`);

function reader(bytes: Uint8Array, chunk: number, reads: [number, number][] = []): RangeReader {
  return async (start, end) => {
    reads.push([start, end]);
    return chunked(bytes.subarray(start, end), chunk);
  };
}

describe('planCsvLayoutInRanges', () => {
  it('plans exactly as the pass from the start does, and as the reference rules do', async () => {
    await fc.assert(
      fc.asyncProperty(
        csv,
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        async (text, bom, partSize, headBytes, ranges, chunk) => {
          const bytes = utf8((bom ? '\uFEFF' : '') + text);
          const options = { partSize, delimiter: ',' };
          const expected = await planCsvLayout(chunked(bytes, 7), options);
          const planned = await planCsvLayoutInRanges(reader(bytes, chunk), bytes.length, {
            ...options,
            headBytes,
            ranges,
          });
          expect(planned).toEqual(expected);
          expect(planned).toMatchObject(naiveBoundaries(bytes, partSize));
          // The lines above the data: every LF, and every CR no LF follows.
          const head = Buffer.from(bytes.subarray(0, planned.headerEnd)).toString('latin1');
          expect(planned.headerLineBreaks).toBe((head.match(/\r\n|\r|\n/g) ?? []).length);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads a large file in its head and parallel ranges, with the same boundaries', async () => {
    const words = ['alpha', 'a,b', 'say ""hi""', 'two\r\nlines', 'x\ny', '漢字'];
    const lines = ['id,name,note'];
    for (let id = 0; lines.length < 60_000; id++)
      lines.push(`${id},"${words[id % words.length]}","${words[(id * 7) % words.length]}"`);
    const bytes = utf8(`\uFEFF${lines.join('\r\n')}\r\n`);
    for (const partSize of [4099, 65_536, 1_000_000]) {
      const reads: [number, number][] = [];
      const options = { partSize, delimiter: 'auto' };
      const planned = await planCsvLayoutInRanges(reader(bytes, 65_536, reads), bytes.length, {
        ...options,
        headBytes: 256 * 1024,
      });
      expect(planned).toEqual(await planCsvLayout(chunked(bytes, 65_536), options));
      // The head, then 8 ranges that cover the rest once, each read with the byte before it
      // and the byte after it (they decide a `"` and a CR at the range's edges).
      expect(reads[0]).toEqual([0, 256 * 1024 + 1]);
      const ranges = reads.slice(1).sort(([a], [b]) => a - b);
      expect(ranges[0]?.[0]).toBe(256 * 1024 - 1);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBe((ranges[i - 1]?.[1] ?? 0) - 2);
      expect(ranges.at(-1)?.[1]).toBe(bytes.length);
      expect(reads).toHaveLength(9);
    }
  });
});
