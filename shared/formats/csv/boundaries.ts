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
import { CountedBytes } from '../counted-bytes.js';
import {
  bomLengthOf,
  DECODER_LABELS,
  decodeText,
  type Encoding,
  encodingFromBom,
  peekText,
} from '../encoding.js';
import { BoundaryScan } from './boundary-scan.js';
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
