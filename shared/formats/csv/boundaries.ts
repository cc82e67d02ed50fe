/**
 * Row-boundary planning for a CSV split into byte-range parts. One streaming pass over the
 * file finds, for every nominal part start `i * partSize`, the first row start at or after
 * it, so each part can then read `[boundaries[i], boundaries[i + 1])` with a ranged GET and
 * hold whole rows only.
 *
 * A position is inside a quoted field exactly when an odd number of `"` bytes precede it
 * (`""` inside quotes adds two), so the pass needs no parsing: it counts quotes over most of
 * the file and looks for an unquoted `\n` only in the header rows and just after each
 * nominal start. `"` and `\n` are ASCII and never occur inside a multi-byte UTF-8 sequence,
 * so bytes are scanned without decoding and chunks may split anywhere. Memory is O(parts).
 * Latin-1 is one byte per character, so the same scan holds.
 *
 * UTF-16 files are planned as one part: there `"` and `\n` are two-byte units, and a 0x22 or
 * 0x0A byte may be half of another character. The header is found in the decoded text
 * instead (a code unit is two bytes, so its end converts to a byte offset exactly).
 */
import { UnprocessableError } from '../../domain/errors.js';
import { CountedBytes } from '../counted-bytes.js';
import {
  bomLengthOf,
  DECODER_LABELS,
  decodeText,
  type Encoding,
  encodingFromBom,
  peekText,
} from '../encoding.js';
import { DELIMITER_SAMPLE_CHARS, detectDelimiter } from './delimiter.js';
import { MAX_HEADER_BYTES, splitHeaderRow } from './header.js';
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
  /** The header row's cells, decoded and parsed as CSV; `[]` when the file has no such row. */
  header: string[];
  /** `parts + 1` offsets: part `i` holds the rows in `[boundaries[i], boundaries[i + 1])`. Non-decreasing. */
  boundaries: number[];
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

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * The number of `"` bytes in `bytes[from, to)`, four bytes per step (SWAR). `Buffer.indexOf`
 * (memchr) is faster while quotes are rare but costs a call per quote: ~330 MB/s on a file
 * whose every cell is quoted, against ~2 GB/s here whatever the quote density.
 */
export function countQuotes(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  let i = from;
  // Single bytes up to a 4-byte-aligned address (a Uint32Array view needs one), then words.
  while (i < to && (bytes.byteOffset + i) % 4 !== 0) if (bytes[i++] === QUOTE) count++;
  const words = (to - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const x = (view[w] as number) ^ 0x22222222; // each quote byte becomes 0x00
      // The high bit of each byte is set iff that byte of x is zero; no carry crosses bytes.
      const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (zeroBytes !== 0) count += Math.imul((zeroBytes >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < to) if (bytes[i++] === QUOTE) count++;
  return count;
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
  if (head === undefined) return planAsOnePart(source, layoutOptions(options, await source.peek(3)));
  for await (const chunk of source) head.push(chunk);
  const size = head.scan.offset;
  const parts = csvPartCount(size, options.partSize);
  const headerEnd = head.scan.headerEnd ?? size;
  const boundaries = [headerEnd];
  for (let i = 1; i < parts; i++) boundaries.push(head.scan.found[i - 1] ?? size);
  boundaries.push(size);
  return head.layout(size, boundaries);
}

function layoutOptions(options: CsvLayoutOptions, lead: Uint8Array) {
  const encoding = options.encoding ?? encodingFromBom(lead)?.encoding ?? 'utf-8';
  return {
    encoding,
    bomLength: bomLengthOf(lead, encoding),
    delimiter: options.delimiter ?? ',',
    headerRow: options.headerRow ?? 1,
  };
}

/**
 * The planning pass from a file's first byte, for the byte encodings: the boundary scan, and
 * the delimiter sample and header it needs. `start` answers undefined for UTF-16, which is
 * planned as one part. Pushing stops anywhere: `scan` holds what was found so far.
 */
export class HeadScan {
  readonly scan: BoundaryScan;
  private readonly sample: Buffer[] = [];
  private sampled = 0;

  private constructor(
    private readonly options: CsvLayoutOptions,
    readonly encoding: Encoding,
    private readonly bomLength: number,
  ) {
    this.scan = new BoundaryScan(options.partSize, options.headerRow ?? 1);
  }

  static async start(source: CountedBytes, options: CsvLayoutOptions): Promise<HeadScan | undefined> {
    const { partSize, delimiter: wanted = ',', headerRow = 1 } = options;
    if (!Number.isSafeInteger(partSize) || partSize < 1)
      throw new RangeError(`partSize must be a positive integer; got ${partSize}`);
    if (!Number.isSafeInteger(headerRow) || headerRow < 1)
      throw new RangeError(`headerRow must be 1 or more; got ${headerRow}`);
    // Validate the delimiter before reading anything, not after a whole-file scan.
    if (wanted !== 'auto') csvDelimiterCode(wanted);
    const { encoding, bomLength } = layoutOptions(options, await source.peek(3));
    if (encoding === 'utf-16le' || encoding === 'utf-16be') return undefined;
    return new HeadScan(options, encoding, bomLength);
  }

  push(chunk: Uint8Array): void {
    if (this.sampled < DELIMITER_SAMPLE_CHARS && this.options.delimiter === 'auto') {
      this.sample.push(Buffer.from(chunk.subarray(0, DELIMITER_SAMPLE_CHARS - this.sampled)));
      this.sampled += Math.min(chunk.length, DELIMITER_SAMPLE_CHARS - this.sampled);
    }
    this.scan.push(chunk);
  }

  /** The layout of a file of `size` bytes whose head this scanned, with its boundaries. */
  layout(size: number, boundaries: number[]): CsvLayout {
    const { encoding, bomLength, scan } = this;
    const wanted = this.options.delimiter ?? ',';
    const decode = (bytes: Uint8Array) =>
      new TextDecoder(DECODER_LABELS[encoding], { ignoreBOM: true }).decode(bytes);
    const delimiter =
      wanted === 'auto'
        ? detectDelimiter(decode(Buffer.concat(this.sample).subarray(bomLength)), {
            complete: size <= this.sampled,
          })
        : wanted;
    let headerBytes = Buffer.concat(scan.headerPieces);
    if (scan.headerStart === 0 && bomLength > 0) headerBytes = headerBytes.subarray(bomLength);
    const header = scan.headerStart === undefined ? [] : parseCsvLine(decode(headerBytes), delimiter);
    return { size, bomLength, encoding, delimiter, headerEnd: scan.headerEnd ?? size, header, boundaries };
  }
}

/** The UTF-16 plan: the header found in decoded text, then one part over the rest. */
async function planAsOnePart(
  source: CountedBytes,
  options: { encoding: Encoding; bomLength: number; delimiter: string; headerRow: number },
): Promise<CsvLayout> {
  const { encoding, bomLength, headerRow } = options;
  const { text } = await decodeText(source, encoding);
  const { head, complete, rest } = await peekText(text, DELIMITER_SAMPLE_CHARS);
  const delimiter = options.delimiter === 'auto' ? detectDelimiter(head, { complete }) : options.delimiter;
  const split = await splitHeaderRow(head, rest, headerRow);
  await source.drain(); // the size is all that is left to know: count the bytes, don't decode them
  const size = source.offset;
  const headerEnd = Math.min(size, bomLength + 2 * split.headerEnd);
  const header = split.line === undefined ? [] : parseCsvLine(split.line, delimiter);
  return { size, bomLength, encoding, delimiter, headerEnd, header, boundaries: [headerEnd, size] };
}

/** The streaming state of one planning pass. Offsets are absolute byte positions in the file. */
export class BoundaryScan {
  /** Bytes seen so far. */
  offset = 0;
  /** Where the header row starts, once known. */
  headerStart: number | undefined;
  headerEnd: number | undefined;
  readonly headerPieces: Buffer[] = [];
  /** `found[i - 1]` is boundary `i`: the first row start ≥ `i * partSize` (and ≥ headerEnd). */
  readonly found: number[] = [];

  /** Whether the bytes seen so far end inside quotes (an odd number of `"`). */
  inQuotes = false;
  private rowEnds = 0;
  private headerBytes = 0;

  constructor(
    private readonly partSize: number,
    private readonly headerRow: number,
  ) {
    if (headerRow === 1) this.headerStart = 0;
  }

  /** The next nominal part start still waiting for its row start. */
  private get nextNominal(): number {
    return (this.found.length + 1) * this.partSize;
  }

  push(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const base = this.offset;
    const length = bytes.length;

    // The next `"` and `\n` at or after `p`, each searched for once per occurrence so no byte
    // is searched twice however quotes and line feeds interleave (-1: none left in the chunk).
    let nextQuote = -2;
    let nextLf = -2;
    const flipQuotesBetween = (from: number, to: number) => {
      if (countQuotes(bytes, from, to) % 2 === 1) this.inQuotes = !this.inQuotes;
    };

    let p = 0;
    while (p < length) {
      // Until the header ends, and from just before each nominal start, every unquoted `\n`
      // matters. Elsewhere only the quote parity does.
      const watchFrom = this.headerEnd === undefined ? base : this.nextNominal - 1;
      if (base + p < watchFrom) {
        const to = Math.min(length, watchFrom - base);
        flipQuotesBetween(p, to);
        p = to;
        continue;
      }
      if (nextLf !== -1 && nextLf < p) nextLf = bytes.indexOf(LF, p);
      if (nextLf === -1) {
        flipQuotesBetween(p, length);
        break;
      }
      // A line is short next to a part: find its quotes one by one.
      if (nextQuote !== -1 && nextQuote < p) nextQuote = bytes.indexOf(QUOTE, p);
      while (nextQuote !== -1 && nextQuote < nextLf) {
        this.inQuotes = !this.inQuotes;
        nextQuote = bytes.indexOf(QUOTE, nextQuote + 1);
      }
      if (!this.inQuotes) this.rowEnd(bytes, base, nextLf);
      p = nextLf + 1;
    }
    if (this.headerStart !== undefined && this.headerEnd === undefined) {
      this.collectHeader(bytes, Math.max(0, this.headerStart - base), length);
    }
    this.offset += length;
  }

  /** An unquoted `\n` at local index `n`: the next row starts at `base + n + 1`. */
  private rowEnd(bytes: Buffer, base: number, n: number): void {
    const rowStart = base + n + 1;
    if (this.headerEnd === undefined) {
      this.rowEnds++;
      if (this.rowEnds === this.headerRow - 1) {
        this.headerStart = rowStart;
      } else if (this.rowEnds === this.headerRow && this.headerStart !== undefined) {
        this.collectHeader(bytes, Math.max(0, this.headerStart - base), n);
        this.headerEnd = rowStart;
        this.resolve(rowStart);
      }
      return;
    }
    this.resolve(rowStart);
  }

  /** `rowStart` is the first row start at or after every nominal start up to it. */
  private resolve(rowStart: number): void {
    while (this.nextNominal <= rowStart) this.found.push(rowStart);
  }

  private collectHeader(bytes: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.headerBytes += to - from;
    if (this.headerBytes > MAX_HEADER_BYTES) {
      throw new UnprocessableError(
        `The CSV header row (row ${this.headerRow}) is longer than ${MAX_HEADER_BYTES} bytes.`,
      );
    }
    // Copy: the caller may reuse the chunk's memory once `push` returns.
    this.headerPieces.push(Buffer.from(bytes.subarray(from, to)));
  }
}
