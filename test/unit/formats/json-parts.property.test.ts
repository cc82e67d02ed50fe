/**
 * A JSON array planned into parts (formats/json/ranged-plan.ts) and read part by part
 * (array.ts with `open`/`close`) gives what the whole file read at once gives: the same
 * objects in the same order, the same rejections on the same lines of the file. And a
 * range's effect (array-depth.ts) is the composition of its pieces' effects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonArrayScanOptions, jsonArrayRecords } from '../../../shared/formats/json/array.js';
import { DepthScan, type RangeEffects } from '../../../shared/formats/json/array-depth.js';
import { composeDepthEffects } from '../../../shared/formats/json/array-depth-compose.js';
import { arrayOpening, planJsonArrayInRanges } from '../../../shared/formats/json/ranged-plan.js';
import type { JsonRecord, RecordRejection } from '../../../shared/formats/json/records.js';
import { chunked, utf8 } from './format-fixtures.js';

/** Strings that a scanner of structure gets wrong if it gets anything wrong. */
const nasty = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '[',
    ']',
    ',',
    '{',
    '}',
    '"',
    '\\',
    '\\"',
    '"]',
    '\\\\',
    ',]',
    '{"a":[1,',
    'é',
    '😀',
    '\u2028',
    '\n',
  ),
  fc.stringMatching(/^[[\]{},"\\ :a\n]{0,10}$/),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(nasty, fc.oneof(nasty, fc.array(fc.integer(), { maxLength: 2 })), { maxKeys: 2 }),
);
const object = fc.dictionary(fc.oneof(nasty, fc.constantFrom('a', 'b', '7')), value, { maxKeys: 4 });
/** Mostly objects; now and then an element that is none (a rejected row). */
const element = fc.oneof(
  { weight: 8, arbitrary: object },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), nasty, fc.array(object, { maxLength: 2 })) },
);
const arrayText = fc
  .record({
    elements: fc.array(element, { maxLength: 25 }),
    indent: fc.constantFrom(undefined, 0, 1, 2, '\t'),
    bom: fc.boolean(),
    lead: fc.constantFrom('', ' ', '\n\n', '\r\n  '),
    trail: fc.constantFrom('', '\n', '  \n'),
  })
  .map(({ elements, indent, bom, lead, trail }) => ({
    elements,
    text: `${bom ? '\uFEFF' : ''}${lead}${JSON.stringify(elements, null, indent)}${trail}`,
  }));

type Read = { records: JsonRecord[]; rejections: RecordRejection[]; lines: number };

/** Reads bytes [from, to) of `bytes` as one part, decoded in `chunk`-byte pieces; lines within the part. */
async function readPart(
  bytes: Uint8Array,
  from: number,
  to: number,
  chunk: number,
  scan: JsonArrayScanOptions,
) {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: from !== 0 });
  async function* text() {
    for await (const piece of chunked(bytes.subarray(from, to), chunk))
      yield decoder.decode(piece, { stream: true });
    yield decoder.decode();
  }
  const read: Read = { records: [], rejections: [], lines: 0 };
  for await (const batch of jsonArrayRecords(text(), { ...scan, onReject: (r) => read.rejections.push(r) }))
    read.records.push(...batch);
  return read;
}

const lineFeeds = (bytes: Uint8Array) => bytes.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);

/** Every part read in turn, its rejections' lines made the file's by the line feeds before it. */
async function readParts(bytes: Uint8Array, boundaries: number[], chunk: number): Promise<Read> {
  const all: Read = { records: [], rejections: [], lines: 0 };
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const [from, to] = [boundaries[i] as number, boundaries[i + 1] as number];
    const part = await readPart(bytes, from, to, chunk, { open: from === 0, close: to === bytes.length });
    const before = lineFeeds(bytes.subarray(0, from));
    all.records.push(...part.records);
    all.rejections.push(...part.rejections.map((r) => ({ ...r, line: r.line + before })));
  }
  return all;
}

/** The boundaries by the plain rule, read byte by byte from the start: after the first element-level `,` from each `i × partSize - 1`. */
function referenceBoundaries(bytes: Uint8Array, partSize: number): number[] {
  const commas: number[] = [];
  let [inString, escaped, depth] = [false, false, 0];
  for (const [i, c] of bytes.entries()) {
    if (escaped) escaped = false;
    else if (inString) [inString, escaped] = [c !== 0x22, c === 0x5c];
    else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth === 0) break; // the array is closed
    } else if (c === 0x2c && depth === 1) commas.push(i);
  }
  const boundaries = [0];
  for (let s = partSize; s < bytes.length; s += partSize) {
    const comma = commas.find((at) => at >= s - 1);
    if (comma !== undefined && comma + 1 < bytes.length && comma + 1 > (boundaries.at(-1) as number))
      boundaries.push(comma + 1);
  }
  return [...boundaries, bytes.length];
}

const reader = (bytes: Uint8Array, chunk: number) => async (start: number, end: number) =>
  chunked(bytes.subarray(start, end), chunk);

describe('JSON array parts', () => {
  it('read part by part, give the elements JSON.parse gives, in order, whatever the part size and ranges', async () => {
    await fc.assert(
      fc.asyncProperty(
        arrayText,
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 17 }),
        async ({ elements, text }, partSize, ranges, minRangeBytes, chunk) => {
          // Prepare
          const bytes = utf8(text);
          const head = bytes.subarray(0, 64);
          // Act
          const boundaries = await planJsonArrayInRanges(reader(bytes, chunk), bytes.length, {
            partSize,
            head,
            ranges,
            minRangeBytes,
          });
          const parts = await readParts(bytes, boundaries, chunk);
          const whole = await readPart(bytes, 0, bytes.length, 4096, {});
          // Assess: the parts tile the file, each after a `,` between elements.
          expect(boundaries[0]).toBe(0);
          expect(boundaries.at(-1)).toBe(bytes.length);
          for (let i = 1; i + 1 < boundaries.length; i++) {
            expect(boundaries[i] as number).toBeGreaterThan(boundaries[i - 1] as number);
            expect(bytes[(boundaries[i] as number) - 1]).toBe(0x2c);
          }
          const objects = elements.filter((e) => typeof e === 'object' && e !== null && !Array.isArray(e));
          const plain = (records: JsonRecord[]) =>
            records.map((r) => (r instanceof Map ? Object.fromEntries(r) : r));
          expect(plain(parts.records)).toEqual(objects);
          expect(parts.records.length + parts.rejections.length).toBe(elements.length);
          expect(parts).toEqual(whole);
          expect(boundaries).toEqual(referenceBoundaries(bytes, partSize));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('fail a malformed file as the whole file fails: text after "]", an unclosed array or string', async () => {
    const cases = [
      '[{"a":1},{"a":2}] [{"b":1},{"b":2}]',
      '[{"a":1},{"a":2},{"a":3}',
      '[{"a":1},{"a":"2,{"a":3}]',
      '[{"a":1},{"a":2} {"a":3},{"a":4}]',
    ];
    for (const text of cases) {
      const bytes = utf8(text);
      for (const partSize of [1, 3, 8]) {
        const boundaries = await planJsonArrayInRanges(reader(bytes, 5), bytes.length, {
          partSize,
          head: bytes,
          ranges: 3,
          minRangeBytes: 4,
        });
        await expect(readParts(bytes, boundaries, 5), `${text} in parts of ${partSize}`).rejects.toThrow(
          /The JSON array is malformed/,
        );
      }
    }
  });

  it('keep a file that is no array one part, for the reader to say what it holds', async () => {
    for (const text of ['{"a":[1,2,3]}', '  "x,y,z"', '', '   ']) {
      const bytes = utf8(text);
      expect(arrayOpening(bytes)).toBeUndefined();
      expect(
        await planJsonArrayInRanges(reader(bytes, 3), bytes.length, { partSize: 1, head: bytes }),
      ).toEqual([0, bytes.length]);
    }
  });
});

/** Structure-heavy bytes, not necessarily JSON: every entry state must be right, not only the true one. */
const structure = fc
  .array(fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', 'a', ' ', '\n', 'é', '\\"', '"\\\\"'), {
    minLength: 1,
    maxLength: 120,
  })
  .map((tokens) => utf8(tokens.join('')));

function scan(bytes: Uint8Array, start: number, watches: number[], chunk: number): RangeEffects {
  const depth = new DepthScan(start, watches);
  for (let at = 0; at < bytes.length; at += chunk) depth.push(bytes.subarray(at, at + chunk));
  return depth.finish();
}

/** One entry state's effect by the plain rules, byte by byte: no runs shared, none paired. */
function referenceEffect(bytes: Uint8Array, start: number, watches: number[], entry: number) {
  const at = [start, ...watches.filter((w) => w > start)];
  const seen: { at: number; depth: number; min: number; levels: { reach: number; comma?: number }[] }[] = [];
  let [state, depth] = [entry, 0];
  for (let i = 0; i <= bytes.length; i++) {
    if (at[seen.length] === start + i)
      seen.push({ at: start + i, depth, min: depth, levels: [{ reach: start + i }] });
    if (i === bytes.length) break;
    const c = bytes[i] as number;
    if (state === 2) state = 1;
    else if (state === 1) state = c === 0x22 ? 0 : c === 0x5c ? 2 : 1;
    else if (c === 0x22) state = 1;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      for (const w of seen) {
        if (depth >= w.min) continue;
        w.min = depth;
        w.levels.push({ reach: start + i });
      }
    } else if (c === 0x2c)
      for (const w of seen) {
        const last = w.levels.at(-1);
        if (last && depth === w.min && last.comma === undefined) last.comma = start + i;
      }
  }
  const shown = seen.map(({ at, depth, levels }) => ({ at, depth, levels, truncated: false }));
  return { exit: state, depth, watches: shown };
}

describe('the depth effect of a range', () => {
  it('is, from every entry state, what the plain rules give byte by byte', () => {
    fc.assert(
      fc.property(
        structure,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.integer({ min: 1, max: 9 }),
        (bytes, watchSeeds, chunk) => {
          const watches = [...new Set(watchSeeds.map((w) => 10 + (w % bytes.length)))].sort((x, y) => x - y);
          const effects = scan(bytes, 10, watches, chunk);
          for (const entry of [0, 1, 2])
            expect(effects[entry]).toEqual(referenceEffect(bytes, 10, watches, entry));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('of A then B is the composition of their effects, from every entry state', () => {
    fc.assert(
      fc.property(
        structure,
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 50 }),
        (bytes, cutSeed, watchSeeds, chunk, base) => {
          // A non-empty A: an empty one's start watch and B's would be one offset watched twice.
          const cut = 1 + (cutSeed % bytes.length);
          const watches = [...new Set(watchSeeds.map((w) => base + (w % bytes.length)))]
            .filter((w) => w < base + bytes.length)
            .sort((x, y) => x - y);
          const inA = watches.filter((w) => w < base + cut);
          const inB = watches.filter((w) => w >= base + cut);
          const whole = scan(bytes, base, [...new Set([...inA, base + cut, ...inB])], chunk);
          const composed = composeDepthEffects(
            scan(bytes.subarray(0, cut), base, inA, chunk),
            scan(bytes.subarray(cut), base + cut, inB, chunk),
          );
          expect(composed).toEqual(whole);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
