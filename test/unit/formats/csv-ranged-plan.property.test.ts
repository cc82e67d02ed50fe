/**
 * planCsvLayoutInRanges reads ranges of the file at once; planCsvLayout reads it from the
 * start. They must give the same layout for any bytes, part size, head, ranges and window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import {
  type CsvRange,
  type CsvRangeScan,
  planCsvLayoutInRanges,
  type RangeReader,
  scanCsvRange,
} from '../../../shared/formats/csv/ranged-plan.js';
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

  /**
   * Distributed planning: each range scanned on its own (in any order, as scan functions
   * finish), its result stored as JSON and read back, then composed. The ranges are as small
   * as a part, so quoted cells span range ends, and a `"` inside an unquoted cell (`12" x`)
   * meets a range's start.
   */
  it('composes ranges scanned apart and stored as JSON exactly as the sequential pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        csv,
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.func(fc.integer()),
        async (text, bom, partSize, headBytes, chunk, order) => {
          const bytes = utf8((bom ? '\uFEFF' : '') + text);
          const options = { partSize, delimiter: ',' };
          const expected = await planCsvLayout(chunked(bytes, 7), options);
          const scanned: CsvRange[] = [];
          const planned = await planCsvLayoutInRanges(reader(bytes, chunk), bytes.length, {
            ...options,
            headBytes,
            ranges: Math.max(1, Math.ceil((bytes.length - headBytes) / partSize)),
            scanRanges: async (ranges, delimiter) => {
              scanned.push(...ranges);
              const stored = new Map<number, string>();
              const shuffled = ranges
                .map((range, k) => ({ range, k }))
                .sort((a, b) => order(a.k) - order(b.k));
              for (const { range, k } of shuffled) {
                const source = chunked(
                  bytes.subarray(range.start - 1, Math.min(bytes.length, range.end + 1)),
                  chunk,
                );
                stored.set(k, JSON.stringify(await scanCsvRange(source, range, delimiter, bytes.length)));
              }
              return ranges.map((_, k) => JSON.parse(stored.get(k) ?? 'null') as CsvRangeScan);
            },
          });
          expect(planned).toEqual(expected);
          expect(planned).toMatchObject(naiveBoundaries(bytes, partSize));
          // The ranges tile the file after the head.
          for (let k = 1; k < scanned.length; k++) expect(scanned[k]?.start).toBe(scanned[k - 1]?.end);
          if (scanned.length > 0) expect(scanned.at(-1)?.end).toBe(bytes.length);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('places a boundary after a quoted cell that spans several ranges', async () => {
    // The cell holds line breaks and a doubled quote across three 8-byte ranges; a `"` in
    // an unquoted cell follows. Scanned from "outside" alone, a range in the middle would
    // take the cell's line breaks for row ends.
    const text = 'h1,h2\n1,"a\nb\nc""d\ne\nf\ng\nh"\n2,12" x\n3,"y\nz"\n4,w\n';
    const bytes = utf8(text);
    for (const partSize of [3, 5, 8]) {
      const options = { partSize, delimiter: ',' };
      const planned = await planCsvLayoutInRanges(reader(bytes, 4), bytes.length, {
        ...options,
        headBytes: 6,
        ranges: Math.ceil((bytes.length - 6) / 8),
        scanRanges: (ranges, delimiter) =>
          Promise.all(
            ranges.map((range) =>
              scanCsvRange(
                chunked(bytes.subarray(range.start - 1, Math.min(bytes.length, range.end + 1)), 3),
                range,
                delimiter,
                bytes.length,
              ),
            ),
          ),
      });
      expect(planned).toEqual(await planCsvLayout(chunked(bytes, 7), options));
      const rowStarts = [6, text.indexOf('2,'), text.indexOf('3,'), text.indexOf('4,'), bytes.length];
      for (const boundary of planned.boundaries) expect(rowStarts).toContain(boundary);
    }
  });
});
