/**
 * Counting the rows of CSV bytes without building them, by the dialect's rules (dialect.ts):
 * `parseCsvRows` gives exactly `rows` rows for the same bytes, and exactly `flagged` of them
 * are ragged (a cell count other than `width`) or hold text after a closing quote — the rows
 * a reader puts a message on (a property test holds the two together).
 *
 * Most lines hold no `"` and no lone CR: those are counted a line at a time (memchr for the
 * line feed, a word-at-a-time count of the delimiters). A line with a quote or a CR goes
 * through the rules byte by byte, until a row ends outside quotes. `"`, CR, LF and an ASCII
 * delimiter are single bytes that never occur inside another character in UTF-8 or a
 * single-byte encoding, so chunks may split anywhere; UTF-16 is not counted here.
 */
import { CR, LF, QUOTE } from './dialect.js';

/** Where the byte-by-byte rules stand between two bytes. */
const ROW_START = 0;
const FIELD_START = 1;
const UNQUOTED = 2;
const QUOTED = 3;
const QUOTE_IN_QUOTED = 4;
/** A CR ended a row (or a blank line): a LF right after it belongs to the same line ending. */
const AFTER_CR = 5;

/**
 * The number of `byte` in `bytes[from, to)`, four bytes per step (SWAR). `Buffer.indexOf`
 * (memchr) is faster while the byte is rare but costs a call per occurrence; this costs the
 * same whatever the density.
 */
export function countByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
  let count = 0;
  let i = from;
  // Single bytes up to a 4-byte-aligned address (a Uint32Array view needs one), then words.
  while (i < to && (bytes.byteOffset + i) % 4 !== 0) if (bytes[i++] === byte) count++;
  const words = (to - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    const pattern = Math.imul(byte, 0x01010101);
    for (let w = 0; w < words; w++) {
      const x = (view[w] as number) ^ pattern; // each matching byte becomes 0x00
      // The high bit of each byte is set iff that byte of x is zero; no carry crosses bytes.
      const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (zeroBytes !== 0) count += Math.imul((zeroBytes >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < to) if (bytes[i++] === byte) count++;
  return count;
}

export class CsvRowCounter {
  /** Rows ended so far. */
  rows = 0;
  /** Rows whose cell count is not `width`, or with text after a closing quote. */
  flagged = 0;
  /** Set by `end`: the bytes end inside a quoted cell. */
  unclosedQuote = false;
  private state = ROW_START;
  private cells = 0;
  private unclean = false;

  constructor(
    private readonly delimiter: number,
    /** The header's cell count; 0: no count to hold rows to. */
    private readonly width: number,
  ) {}

  push(bytes: Uint8Array): void {
    const len = bytes.length;
    const delimiter = this.delimiter;
    let p = 0;
    // The next `"`, LF and CR at or after `p` (-1: none left; -2: not searched yet).
    let nextQuote = -2;
    let nextLf = -2;
    let nextCr = -2;
    while (p < len) {
      if (this.state === ROW_START) {
        // A whole line with no quote and no CR before its LF: counted without the rules.
        if (nextLf !== -1 && nextLf < p) nextLf = bytes.indexOf(LF, p);
        if (nextLf === -1) {
          p = this.step(bytes, p, len);
          continue;
        }
        if (nextQuote !== -1 && nextQuote < p) nextQuote = bytes.indexOf(QUOTE, p);
        if (nextCr !== -1 && nextCr < p) nextCr = bytes.indexOf(CR, p);
        const lf = nextLf;
        const clean = (nextQuote === -1 || nextQuote > lf) && (nextCr === -1 || nextCr >= lf - 1);
        if (!clean) {
          p = this.step(bytes, p, lf + 1);
          continue;
        }
        const contentEnd = nextCr === lf - 1 ? lf - 1 : lf;
        if (contentEnd > p) this.endRow(1 + countByte(bytes, delimiter, p, contentEnd), false);
        p = lf + 1;
        continue;
      }
      p = this.step(bytes, p, len);
    }
  }

  /**
   * The rules byte by byte over `bytes[p, to)`, stopping early once a row has ended and the
   * counter stands at a row start again. Returns where it stopped.
   */
  private step(bytes: Uint8Array, p: number, to: number): number {
    const delimiter = this.delimiter;
    let state = this.state;
    while (p < to) {
      const b = bytes[p] as number;
      if (state === AFTER_CR) {
        this.state = ROW_START;
        return b === LF ? p + 1 : p; // a LF right after the CR is the same line ending
      }
      if (state === ROW_START) {
        if (b === LF || b === CR) {
          this.state = b === CR ? AFTER_CR : ROW_START; // a blank line
          return p + 1;
        }
        this.cells = 1;
        this.unclean = false;
        state = FIELD_START; // the row's first byte is its first cell's
      }
      if (state === QUOTED) {
        const close = bytes.indexOf(QUOTE, p);
        if (close === -1 || close >= to) {
          p = to;
          break;
        }
        p = close + 1;
        state = QUOTE_IN_QUOTED;
        continue;
      }
      p++;
      if (b === delimiter) {
        this.cells++;
        state = FIELD_START;
      } else if (b === LF || b === CR) {
        this.endRow(this.cells, this.unclean);
        this.state = b === CR ? AFTER_CR : ROW_START;
        return p;
      } else if (state === FIELD_START) {
        state = b === QUOTE ? QUOTED : UNQUOTED;
      } else if (state === QUOTE_IN_QUOTED) {
        if (b === QUOTE)
          state = QUOTED; // `""`: a quote inside the cell
        else {
          this.unclean = true; // text after the closing quote joins the cell
          state = UNQUOTED;
        }
      }
    }
    this.state = state;
    return p;
  }

  private endRow(cells: number, unclean: boolean): void {
    this.rows++;
    if (unclean || (this.width > 0 && cells !== this.width)) this.flagged++;
  }

  /** The total, once every byte was pushed: the end of the bytes ends their last row. */
  end(): number {
    const state = this.state;
    if (state === QUOTED) this.unclosedQuote = true;
    if (state !== ROW_START && state !== AFTER_CR) this.endRow(this.cells, this.unclean);
    this.state = ROW_START;
    return this.rows;
  }
}
