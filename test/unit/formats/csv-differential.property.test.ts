/**
 * partwise's CSV reading held against two independent lenient parsers, and against itself cut
 * into parts.
 *
 * - Where csv-parse and papaparse, each as lenient as it goes, read a generated file without an
 *   error and give the same rows, `parseCsvRows` must give those rows.
 * - Where they part ways, partwise follows Python's csv (`excel` dialect, `strict=False`), the
 *   reading dialect.ts sets out: hand-written cases with Python's result as the expected value.
 * - Any valid file, planned into parts of any size (from the start or in ranges) and parsed
 *   part by part, gives the rows its writer wrote, and `CsvRowCounter` counts each part's rows.
 *
 * Every property runs from a fixed seed, so a failure reproduces as it was reported.
 */
import { parse as csvParse } from 'csv-parse/sync';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { CsvRowCounter } from '../../../shared/formats/csv/count.js';
import { planCsvLayoutInRanges, type RangeReader } from '../../../shared/formats/csv/ranged-plan.js';
import { chunked, collectRows, utf8 } from './csv-fixtures.js';

const SEED = 20_250_611;
const NEWLINES = ['\n', '\r\n', '\r'] as const;
type Newline = (typeof NEWLINES)[number];

/** The rows a library read, or `undefined` when it threw or reported an error. */
type Reading = string[][] | undefined;

/**
 * csv-parse, as lenient as it goes: a `"` inside an unquoted cell is kept (`relax_quotes`), rows
 * may differ in length (`relax_column_count`), blank lines are no rows (`skip_empty_lines`),
 * and a leading BOM is dropped (`bom`). The line ending is the file's own, given rather than
 * detected. It still throws on a quote that never closes: that is no reading to compare.
 */
function readWithCsvParse(text: string, newline: Newline): Reading {
  try {
    return csvParse(text, {
      bom: true,
      delimiter: ',',
      quote: '"',
      escape: '"',
      record_delimiter: newline,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch {
    return undefined;
  }
}

/**
 * papaparse, which never throws and tolerates ragged rows and stray quotes by itself, but lists
 * what it had to guess at in `errors` (`InvalidQuotes`, `MissingQuotes`): such a reading is
 * not compared. `skipEmptyLines: true` drops blank lines (and, unlike the dialect, a line that
 * is only `""`: csv-parse keeps that one, so the two disagree there). It drops a leading BOM
 * of a string input by itself.
 */
function readWithPapaparse(text: string, newline: Newline): Reading {
  const result = Papa.parse<string[]>(text, {
    delimiter: ',',
    newline,
    quoteChar: '"',
    escapeChar: '"',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: true,
  });
  return result.errors.length === 0 ? result.data : undefined;
}

/** The rows partwise reads from a whole file: from after the BOM the planner finds, as every part starts. */
async function readWithPartwise(bytes: Uint8Array, chunkSizes: number[]): Promise<string[][]> {
  const { bomLength } = await planCsvLayout(chunked(bytes, chunkSizes), { partSize: bytes.length + 1 });
  return collectRows(chunked(bytes.subarray(bomLength), chunkSizes));
}

/**
 * Pieces of CSV text over the dialect's corners. `\n` in a piece stands for the file's line
 * ending, so each file has one: the libraries are told it, and auto-detection is not what is
 * tested. A line break inside a quoted cell is the file's own too: once a stray quote leaves
 * it outside any quoted cell, a lone CR in an LF file ends a row for partwise (and Python) but
 * is data to a library told the file ends lines with LF (see the hand-written cases).
 */
const piece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'bb', ' ', 'é', '漢', '😀') },
  { weight: 5, arbitrary: fc.constant(',') },
  { weight: 4, arbitrary: fc.constant('\n') },
  { weight: 4, arbitrary: fc.constantFrom('"q,r"', '"l\nm"', '"s ""t"""', '""') },
  { weight: 2, arbitrary: fc.constantFrom('"', '12" x', 'x"y') },
);

const generatedText = fc.record({
  pieces: fc.array(piece, { maxLength: 30 }),
  newline: fc.constantFrom(...NEWLINES),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
});
type GeneratedText = typeof generatedText extends fc.Arbitrary<infer T> ? T : never;

/** The corners a generated file may reach: the comparisons must reach each of them, not just the easy cases. */
const CORNERS: Record<string, (file: GeneratedText, body: string) => boolean> = {
  'a quoted line break': (file) => file.pieces.includes('"l\nm"'),
  'a doubled quote in a quoted cell': (file) => file.pieces.includes('"s ""t"""'),
  'a quoted delimiter': (file) => file.pieces.includes('"q,r"'),
  'an empty quoted cell': (file) => file.pieces.includes('""'),
  'a bare quote inside a cell': (file) => file.pieces.includes('12" x') || file.pieces.includes('x"y'),
  'a multi-byte character': (_, body) => /\P{ASCII}/u.test(body),
  'an empty cell': (_, body) => /(^|,|\r|\n),|,($|\r|\n)/.test(body),
  'a blank line': (file, body) => body.startsWith(file.newline) || body.includes(file.newline.repeat(2)),
  'a BOM': (file) => file.bom,
  'no line ending at the end': (file, body) => body !== '' && !body.endsWith(file.newline),
  'LF line endings': (file) => file.newline === '\n',
  'CRLF line endings': (file) => file.newline === '\r\n',
  'CR line endings': (file) => file.newline === '\r',
};

/** The file's text: its line endings in place of `\n`, a BOM first if it has one. */
function textOf(file: GeneratedText): { text: string; body: string } {
  const body = (file.pieces.join('') + (file.trailingNewline ? '\n' : '')).replaceAll('\n', file.newline);
  return { text: (file.bom ? '\uFEFF' : '') + body, body };
}

describe('parseCsvRows against csv-parse and papaparse', () => {
  it('gives the rows both libraries give, wherever they read a file alike without an error', async () => {
    // Prepare
    let runs = 0;
    let compared = 0;
    const reached = new Map<string, number>();
    // Act
    await fc.assert(
      fc.asyncProperty(
        generatedText,
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 3 }),
        async (file, chunkSizes) => {
          runs++;
          const { text, body } = textOf(file);
          const viaCsvParse = readWithCsvParse(text, file.newline);
          const viaPapaparse = readWithPapaparse(text, file.newline);
          if (viaCsvParse === undefined || viaPapaparse === undefined) return;
          if (JSON.stringify(viaCsvParse) !== JSON.stringify(viaPapaparse)) return;
          compared++;
          for (const [corner, reaches] of Object.entries(CORNERS))
            if (reaches(file, body)) reached.set(corner, (reached.get(corner) ?? 0) + 1);
          // Assess
          expect(await readWithPartwise(utf8(text), chunkSizes)).toEqual(viaCsvParse);
        },
      ),
      { numRuns: 3000, seed: SEED },
    );
    // Assess: the property compared most of its inputs, and files that reach every corner.
    expect(runs).toBe(3000);
    expect(compared / runs).toBeGreaterThanOrEqual(0.4);
    for (const corner of Object.keys(CORNERS))
      expect(reached.get(corner) ?? 0, corner).toBeGreaterThanOrEqual(50);
  }, 120_000); // thousands of generated files: minutes on a loaded machine, seconds on a quiet one

  /**
   * Cases where the libraries part ways with each other or with Python's csv module, so the
   * property above cannot speak for them. `python` is what Python 3 gives for the text, via
   * `[r for r in csv.reader(io.StringIO(text, newline='')) if r]` (blank lines dropped).
   */
  const pythonCases: { name: string; text: string; newline: Newline; python: string[][] }[] = [
    {
      name: 'text after a closing quote joins the cell, its quotes plain',
      text: '"ab"c,d\n"x"y"z,w\n',
      newline: '\n',
      python: [
        ['abc', 'd'],
        ['xy"z', 'w'],
      ],
    },
    {
      name: 'a doubled quote, then text after the closing quote',
      text: '"a"""b,c\n',
      newline: '\n',
      python: [['a"b', 'c']],
    },
    {
      name: 'an empty quoted cell followed by text',
      text: '""x,y\n',
      newline: '\n',
      python: [['x', 'y']],
    },
    {
      name: 'a space after a closing quote stays in the cell',
      text: '"a" ,b\n',
      newline: '\n',
      python: [['a ', 'b']],
    },
    {
      name: 'a quote that does not start a cell is a plain character, even after a closed quote',
      text: 'a,"b"c"d",e\n',
      newline: '\n',
      python: [['a', 'bc"d"', 'e']],
    },
    {
      name: 'a lone CR ends a row in an LF file',
      text: 'a\rb\nc\n',
      newline: '\n',
      python: [['a'], ['b'], ['c']],
    },
    {
      name: 'a lone CR ends a row in a CRLF file',
      text: 'a,b\r\nc\rd\r\n',
      newline: '\r\n',
      python: [['a', 'b'], ['c'], ['d']],
    },
    {
      name: 'a line holding only an empty quoted cell is a row, not a blank line',
      text: 'a\n""\nb\n',
      newline: '\n',
      python: [['a'], [''], ['b']],
    },
    {
      name: 'a quote that never closes takes the rest of the text into its cell',
      text: 'a,"b\nc\n',
      newline: '\n',
      python: [['a', 'b\nc\n']],
    },
  ];

  for (const { name, text, newline, python } of pythonCases) {
    it(`reads as Python's csv does where the libraries part ways: ${name}`, async () => {
      // Assess: at least one library reads this otherwise than Python (else the property covers it)...
      const libraries = [readWithCsvParse(text, newline), readWithPapaparse(text, newline)];
      expect(libraries.every((rows) => JSON.stringify(rows) === JSON.stringify(python))).toBe(false);
      // ...and partwise reads it as Python does, whole or a byte at a time.
      expect(await readWithPartwise(utf8(text), [65_536])).toEqual(python);
      expect(await readWithPartwise(utf8(text), [1])).toEqual(python);
    });
  }
});

/** Cell text over the dialect's corners; a cell is written quoted only where it needs to be. */
const cellText = fc
  .array(fc.constantFrom('a', 'bb', ' ', ',', '"', '""', '\n', '\r', '\r\n', 'é', '漢', '😀', '12" x'), {
    maxLength: 4,
  })
  .map((pieces) => pieces.join(''));
/** Rows differ in length on purpose: neither planning nor parsing may assume a rectangle. */
const cells = fc.array(cellText, { minLength: 1, maxLength: 4 });

const validFile = fc.record({
  header: cells,
  rows: fc.array(cells, { maxLength: 12 }),
  newline: fc.constantFrom(...NEWLINES),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  /** Cycled over the cells: leave a `"` that does not start the cell bare (`12" x`), as real files do. */
  bareQuotes: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
});
type ValidFile = typeof validFile extends fc.Arbitrary<infer T> ? T : never;

function serialize(file: ValidFile): Uint8Array {
  let n = 0;
  const lines = [file.header, ...file.rows].map((row) =>
    row
      .map((value) => {
        const quote =
          /[,\r\n]/.test(value) ||
          value.startsWith('"') ||
          // A lone empty cell unquoted would be a blank line, which is no row.
          (row.length === 1 && value === '') ||
          (value.includes('"') && !file.bareQuotes[n++ % file.bareQuotes.length]);
        return quote ? `"${value.replaceAll('"', '""')}"` : value;
      })
      .join(','),
  );
  return utf8(
    (file.bom ? '\uFEFF' : '') + lines.join(file.newline) + (file.trailingNewline ? file.newline : ''),
  );
}

function rangeReader(bytes: Uint8Array, chunkSize: number): RangeReader {
  return async (start, end) => chunked(bytes.subarray(start, end), chunkSize);
}

/** `CsvRowCounter` over `bytes` in chunks of the given sizes, with the header's width. */
function counted(bytes: Uint8Array, chunkSizes: number[], width: number): CsvRowCounter {
  const counter = new CsvRowCounter(0x2c, width);
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = chunkSizes[i % chunkSizes.length] as number;
    counter.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  counter.end();
  return counter;
}

/** A UTF-8 continuation byte: an offset that holds one falls inside a multi-byte character. */
const insideCharacter = (bytes: Uint8Array, offset: number) => ((bytes[offset] ?? 0) & 0xc0) === 0x80;

describe('a CSV cut into parts', () => {
  it('gives, part by part, the rows its writer wrote and the one-part parse gives, at any part size', async () => {
    // Prepare
    let runs = 0;
    let runsCuttingACharacter = 0;
    let runsOfFourPartsOrMore = 0;
    // Act
    await fc.assert(
      fc.asyncProperty(
        validFile,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }),
        async (file, partScale, headSeed, ranges, chunkSizes) => {
          runs++;
          const bytes = serialize(file);
          const size = bytes.length;
          // From 1 byte to the file's size, log-uniform: runs of hundreds of parts as well as of two.
          const partSize = Math.max(1, Math.min(size, Math.round(size ** partScale)));
          const options = { partSize, delimiter: ',' };
          const layout = await planCsvLayout(chunked(bytes, chunkSizes), options);
          const inRanges = await planCsvLayoutInRanges(rangeReader(bytes, chunkSizes[0] as number), size, {
            ...options,
            headBytes: 1 + (headSeed % size),
            ranges,
          });
          const width = file.header.length;
          const partRows: string[][] = [];
          for (let i = 0; i + 1 < layout.boundaries.length; i++) {
            const part = bytes.subarray(layout.boundaries[i], layout.boundaries[i + 1]);
            const rows = await collectRows(chunked(part, chunkSizes));
            // Assess: the counter counts the rows the parser gives, part by part, and flags the ragged ones.
            const counter = counted(part, chunkSizes, width);
            expect(counter.rows, `rows of part ${i}`).toBe(rows.length);
            expect(counter.flagged, `flagged in part ${i}`).toBe(
              rows.filter((row) => row.length !== width).length,
            );
            partRows.push(...rows);
          }
          const wholeRows = await collectRows(chunked(bytes.subarray(layout.headerEnd), chunkSizes));
          // Assess
          expect(inRanges).toEqual(layout);
          expect(layout).toMatchObject({ size, bomLength: file.bom ? 3 : 0, header: file.header });
          expect(layout.unclosedQuoteAt).toBeUndefined();
          expect(wholeRows).toEqual(file.rows);
          expect(partRows).toEqual(file.rows);
          let start = partSize;
          while (start < size && !insideCharacter(bytes, start)) start += partSize;
          if (start < size) runsCuttingACharacter++;
          if (layout.boundaries.length > 4) runsOfFourPartsOrMore++;
        },
      ),
      { numRuns: 2000, seed: SEED },
    );
    // Assess: nominal part starts fell inside multi-byte characters, and files were cut into many parts.
    expect(runs).toBe(2000);
    expect(runsCuttingACharacter).toBeGreaterThanOrEqual(500);
    expect(runsOfFourPartsOrMore).toBeGreaterThanOrEqual(1000);
  }, 120_000); // thousands of generated files: minutes on a loaded machine, seconds on a quiet one
});
