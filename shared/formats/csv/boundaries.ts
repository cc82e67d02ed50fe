/**
 * Row-boundary planning for a CSV split into byte-range parts. One pass over the file finds,
 * for every nominal part start `i * partSize`, the first row start at or after it, so each
 * part can then read `[boundaries[i], boundaries[i + 1])` with a ranged GET and hold whole
 * rows only. (ranged-plan.ts does the same pass over ranges read at once.)
 *
 * The pass applies the dialect's rules to bytes (`QuoteRun`): it jumps from quote to quote
 * over most of the file and looks for line endings only in the header rows and just after
 * each nominal start. Memory is O(parts).
 *
 * The byte pass needs every byte the rules turn on to be one byte: UTF-16 files, and a
 * delimiter that takes several bytes, are planned as one part instead. The header is then
 * found in the decoded text (a UTF-16 code unit is two bytes, so its end converts to a byte
 * offset exactly).
 */
import { UnprocessableError } from '../../domain/errors.js';
import { CountedBytes } from '../counted-bytes.js';
import { bomLengthOf, decodeAll, decodeText, type Encoding, encodingFromBom, peekText } from '../encoding.js';
import { countLineBreaks } from '../part-bytes.js';
import { DELIMITER_SAMPLE_CHARS, detectDelimiter } from './delimiter.js';
import { delimiterByte } from './dialect.js';
import { MAX_HEADER_BYTES, splitHeaderRow } from './header.js';
import { OUTSIDE, QuoteRun, type RowStartWatch } from './quote-run.js';
import { csvDelimiterCode, parseCsvLine } from './rows.js';

export { MAX_HEADER_BYTES };

export interface CsvLayout {
  /** Total bytes of the file. */
  size: number;
  /** 3 for a UTF-8 BOM (EF BB BF), 2 for a UTF-16 one, else 0. */
  bomLength: number;
  /** The encoding given, else the one the BOM announces, else `utf-8`. */
  encoding: Encoding;
  /** The delimiter given, or the one detected for `'auto'`. */
  delimiter: string;
  /** Byte offset of the first data row: right after the header row (`size` if the header row has no end). */
  headerEnd: number;
  /**
   * Line breaks before `headerEnd` (the header row's and those of the rows above it): the
   * first data row is on line `headerLineBreaks + 1`. Counted by the byte pass; undefined
   * for a file planned as one part.
   */
  headerLineBreaks?: number;
  /** The header row's cells, decoded and parsed as CSV; `[]` when the file has no such row. */
  header: string[];
  /** `parts + 1` offsets: part `i` holds the rows in `[boundaries[i], boundaries[i + 1])`. Non-decreasing. */
  boundaries: number[];
  /**
   * The file ends inside a quoted cell, which opens with the `"` at this byte offset: no row
   * after it can be told apart, so the file cannot be read. Found by the byte pass only.
   */
  unclosedQuoteAt?: number;
}

export interface CsvLayoutOptions {
  /**
   * Nominal bytes per part. Any size ≥ 1 works here; the product's 1 KiB minimum is the
   * caller's to enforce (`byteRangePartCount`), so tests can split tiny files into many parts.
   */
  partSize: number;
  /** One character, or `'auto'` to detect it from the first 64 KiB (see `detectDelimiter`). @default ',' */
  delimiter?: string;
  /** Detected from the BOM when not given; `utf-8` without one. */
  encoding?: Encoding;
  /**
   * 1-based physical row (blank lines count) that holds the header; rows before it are skipped.
   * @default 1
   */
  headerRow?: number;
}

/** Byte-range part count, as `byteRangePartCount` without its product minimum on `partSize`. */
export function csvPartCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

export async function planCsvLayout(
  chunks: AsyncIterable<Uint8Array>,
  options: CsvLayoutOptions,
): Promise<CsvLayout> {
  const source = new CountedBytes(chunks);
  const head = await HeadScan.start(source, options);
  if (!(head instanceof HeadScan)) return planAsOnePart(source, head);
  for await (const chunk of source) head.push(chunk);
  const size = head.offset;
  head.finish(undefined);
  return head.layout(size, head.boundariesUpTo(size), head.unclosedQuoteAt);
}

interface ResolvedOptions {
  encoding: Encoding;
  bomLength: number;
  delimiter: string;
  headerRow: number;
}

async function resolveOptions(source: CountedBytes, options: CsvLayoutOptions): Promise<ResolvedOptions> {
  const { partSize, delimiter: wanted = ',', headerRow = 1 } = options;
  if (!Number.isSafeInteger(partSize) || partSize < 1)
    throw new RangeError(`partSize must be a positive integer; got ${partSize}`);
  if (!Number.isSafeInteger(headerRow) || headerRow < 1)
    throw new RangeError(`headerRow must be 1 or more; got ${headerRow}`);
  if (wanted !== 'auto') csvDelimiterCode(wanted); // before reading anything
  const lead = await source.peek(wanted === 'auto' ? DELIMITER_SAMPLE_CHARS : 3);
  const encoding = options.encoding ?? encodingFromBom(lead)?.encoding ?? 'utf-8';
  const bomLength = bomLengthOf(lead, encoding);
  // The delimiter decides which `"` opens a quoted cell, so it is known before the pass.
  const sample = lead.subarray(bomLength, DELIMITER_SAMPLE_CHARS);
  const delimiter =
    wanted === 'auto'
      ? detectDelimiter(decodeAll(sample, encoding), {
          complete: lead.length <= DELIMITER_SAMPLE_CHARS,
        })
      : wanted;
  return { encoding, bomLength, delimiter, headerRow };
}

/**
 * The planning pass from a file's first byte: the header row, then each part's first row
 * start. `start` hands back the resolved options instead when the file is planned as one
 * part (UTF-16, or a delimiter of several bytes). Pushing stops anywhere: what was found so
 * far stays.
 */
export class HeadScan implements RowStartWatch {
  /** Absolute offset of the next byte to push. */
  offset = 0;
  readonly run: QuoteRun;
  /** Where the header row starts, once known. */
  headerStart: number | undefined;
  headerEnd: number | undefined;
  readonly headerPieces: Buffer[] = [];
  /** `found[i - 1]` is boundary `i`: the first row start ≥ `i * partSize` (and ≥ headerEnd). */
  readonly found: number[] = [];
  private rowEnds = 0;
  private headerBytes = 0;
  /** Line breaks in the bytes before the header's end, so far; and whether the last byte counted was a CR. */
  private headerLineBreaks = 0;
  private crLast = false;

  private constructor(
    readonly options: ResolvedOptions & { partSize: number },
    delimiter: number,
  ) {
    this.run = new QuoteRun(OUTSIDE, delimiter);
    if (options.headerRow === 1) this.headerStart = options.bomLength;
  }

  static async start(source: CountedBytes, options: CsvLayoutOptions): Promise<HeadScan | ResolvedOptions> {
    const resolved = await resolveOptions(source, options);
    const byte = delimiterByte(resolved.delimiter, resolved.encoding === 'latin1');
    const utf16 = resolved.encoding === 'utf-16le' || resolved.encoding === 'utf-16be';
    if (utf16 || byte === undefined) return resolved;
    return new HeadScan({ ...resolved, partSize: options.partSize }, byte);
  }

  get watchFrom(): number {
    // Until the header ends every row end counts; then only those from just before a nominal start.
    return this.headerEnd === undefined
      ? this.options.bomLength
      : (this.found.length + 1) * this.options.partSize - 1;
  }

  rowStart(at: number): void {
    if (this.headerEnd === undefined) {
      this.rowEnds++;
      if (this.rowEnds === this.options.headerRow - 1) this.headerStart = at;
      else if (this.rowEnds === this.options.headerRow && this.headerStart !== undefined) {
        this.headerEnd = at;
        this.resolve(at);
      }
      return;
    }
    this.resolve(at);
  }

  /** `rowStart` is the first row start at or after every nominal start up to it. */
  private resolve(rowStart: number): void {
    while ((this.found.length + 1) * this.options.partSize <= rowStart) this.found.push(rowStart);
  }

  push(chunk: Uint8Array): void {
    const base = this.offset;
    const skip = Math.max(0, Math.min(chunk.length, this.options.bomLength - base)); // the BOM is no data
    this.run.push(skip > 0 ? chunk.subarray(skip) : chunk, base + skip, this);
    this.offset += chunk.length;
    this.collectHeader(chunk, base);
    this.countHeaderLines(chunk, base);
  }

  private countHeaderLines(chunk: Uint8Array, base: number): void {
    const to = Math.min(chunk.length, (this.headerEnd ?? Number.POSITIVE_INFINITY) - base);
    if (to <= 0) return;
    const counted = countLineBreaks(chunk.subarray(0, to), 'csv', this.crLast);
    this.headerLineBreaks += counted.breaks;
    // The header ends after a line ending, never between its CR and LF: a CR last there is a break.
    this.crLast = counted.crLast && to === chunk.length && this.headerEnd === undefined;
    if (counted.crLast && !this.crLast) this.headerLineBreaks++;
  }

  /** The bytes pushed end: the file's end (`next` undefined), or before the byte `next`. */
  finish(next: number | undefined): void {
    this.run.finish(this.offset, next, this);
  }

  /** Boundaries from the header's end to `size`, for a file whose every byte was pushed. */
  boundariesUpTo(size: number): number[] {
    const parts = csvPartCount(size, this.options.partSize);
    const boundaries = [this.headerEnd ?? size];
    for (let i = 1; i < parts; i++) boundaries.push(this.found[i - 1] ?? size);
    boundaries.push(size);
    return boundaries;
  }

  /** The layout of a file of `size` bytes whose head this scanned, with its boundaries. */
  layout(size: number, boundaries: number[], unclosedQuoteAt: number | undefined): CsvLayout {
    const { encoding, bomLength, delimiter } = this.options;
    const headerBytes = Buffer.concat(this.headerPieces);
    const decoded = decodeAll(headerBytes, encoding, { ignoreBOM: true });
    const header = this.headerStart === undefined ? [] : parseCsvLine(decoded, delimiter);
    const headerEnd = this.headerEnd ?? size;
    return {
      size,
      bomLength,
      encoding,
      delimiter,
      headerEnd,
      headerLineBreaks: this.headerLineBreaks + (this.crLast ? 1 : 0),
      header,
      boundaries,
      ...(unclosedQuoteAt === undefined ? {} : { unclosedQuoteAt }),
    };
  }

  /** Where the quoted cell the file ends in opens, when the whole file went through this scan. */
  get unclosedQuoteAt(): number | undefined {
    return this.run.state === OUTSIDE ? undefined : this.run.lastOpen;
  }

  private collectHeader(chunk: Uint8Array, base: number): void {
    if (this.headerStart === undefined) return;
    const from = Math.max(0, this.headerStart - base);
    const to = Math.min(chunk.length, (this.headerEnd ?? Number.POSITIVE_INFINITY) - base);
    if (to <= from) return;
    this.headerBytes += to - from;
    if (this.headerBytes > MAX_HEADER_BYTES) {
      throw new UnprocessableError(
        `The CSV header row (row ${this.options.headerRow}) is longer than ${MAX_HEADER_BYTES} bytes.`,
      );
    }
    // Copy: the caller may reuse the chunk's memory once `push` returns.
    this.headerPieces.push(Buffer.from(chunk.subarray(from, to)));
  }
}

/** The one-part plan: the header found in decoded text, then one part over the rest. */
async function planAsOnePart(source: CountedBytes, options: ResolvedOptions): Promise<CsvLayout> {
  const { encoding, bomLength, headerRow, delimiter } = options;
  const { text } = await decodeText(source, encoding);
  const { head, rest } = await peekText(text, DELIMITER_SAMPLE_CHARS);
  const split = await splitHeaderRow(head, rest, headerRow, delimiter);
  await source.drain(); // the size is all that is left to know: count the bytes, don't decode them
  const size = source.offset;
  const headerEnd = Math.min(size, bomLength + split.headerEndBytes[encoding]);
  const header = split.line === undefined ? [] : parseCsvLine(split.line, delimiter);
  return { size, bomLength, encoding, delimiter, headerEnd, header, boundaries: [headerEnd, size] };
}
