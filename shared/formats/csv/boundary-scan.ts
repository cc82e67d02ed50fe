/**
 * The byte scan under CSV planning (boundaries.ts): quote counting, and the streaming state
 * of one pass that finds the header row and each part's first row start.
 */
import { UnprocessableError } from '../../domain/errors.js';
import { MAX_HEADER_BYTES } from './header.js';

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
