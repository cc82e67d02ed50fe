/**
 * Counting the rows of CSV bytes without building them, by the dialect's rules (dialect.ts):
 * `parseCsvRows` gives exactly `rows` rows for the same bytes, and exactly `flagged` of them
 * are ragged (a cell count other than `width`) or hold text after a closing quote — the rows
 * a reader puts a message on (a property test holds the two together).
 *
 * A row's cells are 1 + the delimiters outside its quoted cells, so the counter never looks
 * at a byte one at a time: a line with no `"` and no CR is counted with memchr for its LF and
 * a word-at-a-time count of its delimiters; a line with quotes jumps from quote to quote as
 * the planner does (quote-run.ts), counting the delimiters of the stretches between quoted
 * cells. `"`, CR, LF and an ASCII delimiter are single bytes that never occur inside another
 * character in UTF-8 or a single-byte encoding, so chunks may split anywhere; UTF-16 is not
 * counted here.
 */
import * as dialect from './dialect.js';

// Module-level copies: an imported binding can compile to a getter call (tsx, CommonJS
// interop), which costs more than the byte comparisons in these loops themselves.
const { CR, LF, QUOTE } = dialect;

/** Where the counter stands between two chunks. */
const ROW_START = 0;
/** Inside a row, outside any quoted cell. */
const IN_ROW = 1;
const QUOTED = 2;
/** A `"` was the last byte seen inside a quoted cell: `""` or a close? The next byte tells. */
const QUOTE_IN_QUOTED = 3;
/** A CR ended the last row (or a blank line): a LF right after it belongs to the same line ending. */
const AFTER_CR = 4;

/**
 * The number of `byte` in `bytes[from, to)`, four bytes per step (SWAR). `Buffer.indexOf`
 * (memchr) is faster while the byte is rare but costs a call per occurrence; this costs the
 * same whatever the density.
 */
export function countByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
  let count = 0;
  let i = from;
  if (to - i < 64) {
    // A short stretch (a cell, a line): a word view costs more to make than it saves.
    for (; i < to; i++) if (bytes[i] === byte) count++;
    return count;
  }
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
  /** The byte before the current chunk (a `"` right after the delimiter, CR or LF opens a cell). */
  private previous = LF;
  // Per chunk: the next `"`, LF and CR at or after a position (-1: none left; -2: not searched).
  private bytes: Uint8Array = new Uint8Array(0);
  /** The chunk as 32-bit words from its first 4-byte-aligned byte (`wordsFrom`), for counting delimiters. */
  private words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  private wordsFrom = 0;
  private nextQuote = -2;
  private nextLf = -2;
  private nextCr = -2;

  constructor(
    private readonly delimiter: number,
    /** The header's cell count; 0: no count to hold rows to. */
    private readonly width: number,
  ) {}

  push(bytes: Uint8Array): void {
    const len = bytes.length;
    if (len === 0) return;
    this.bytes = bytes;
    this.wordsFrom = (4 - (bytes.byteOffset % 4)) % 4;
    this.words =
      len > this.wordsFrom
        ? new Uint32Array(bytes.buffer, bytes.byteOffset + this.wordsFrom, (len - this.wordsFrom) >>> 2)
        : new Uint32Array(0);
    this.nextQuote = this.nextLf = this.nextCr = -2;
    let p = 0;
    if (this.state === AFTER_CR) {
      this.state = ROW_START;
      if (bytes[0] === LF) p = 1; // the CR's LF: the same line ending
    } else if (this.state === QUOTE_IN_QUOTED) {
      p = this.afterQuote(0);
    } else if (this.state === QUOTED) {
      p = this.closeQuote(0);
    }
    while (p < len) p = this.state === ROW_START ? this.rowStart(p) : this.inRow(p);
    this.previous = bytes[len - 1] as number;
  }

  /** The total, once every byte was pushed: the end of the bytes ends their last row. */
  end(): number {
    const state = this.state;
    if (state === QUOTED || state === QUOTE_IN_QUOTED) this.unclosedQuote = state === QUOTED;
    if (state !== ROW_START && state !== AFTER_CR) this.endRow();
    this.state = ROW_START;
    return this.rows;
  }

  private quoteAt(p: number): number {
    if (this.nextQuote !== -1 && this.nextQuote < p) this.nextQuote = this.bytes.indexOf(QUOTE, p);
    return this.nextQuote;
  }

  /** The first CR or LF at or after `p`, or -1. */
  private lineEndAt(p: number): number {
    const bytes = this.bytes;
    if (this.nextLf !== -1 && this.nextLf < p) this.nextLf = bytes.indexOf(LF, p);
    if (this.nextCr !== -1 && this.nextCr < p) this.nextCr = bytes.indexOf(CR, p);
    const lf = this.nextLf;
    const cr = this.nextCr;
    return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  }

  /** Delimiters in `[from, to)` of the chunk: bytes at the edges, 32-bit words (SWAR, as in `countByte`) between. */
  private delimitersIn(from: number, to: number): number {
    const bytes = this.bytes;
    const delimiter = this.delimiter;
    let count = 0;
    let i = from;
    const firstWord = i <= this.wordsFrom ? 0 : (i - this.wordsFrom + 3) >>> 2;
    const wordStart = this.wordsFrom + firstWord * 4;
    const lastWord = (to - this.wordsFrom) >> 2; // exclusive
    if (to - from < 16 || lastWord <= firstWord) {
      for (; i < to; i++) if (bytes[i] === delimiter) count++;
      return count;
    }
    for (; i < wordStart; i++) if (bytes[i] === delimiter) count++;
    const words = this.words;
    const pattern = Math.imul(delimiter, 0x01010101);
    for (let w = firstWord; w < lastWord; w++) {
      const x = (words[w] as number) ^ pattern;
      const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (zeroBytes !== 0) count += Math.imul((zeroBytes >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    for (i = this.wordsFrom + lastWord * 4; i < to; i++) if (bytes[i] === delimiter) count++;
    return count;
  }

  /** At a row start: a blank line, a line with no quote counted whole, or the row's first cell. */
  private rowStart(p: number): number {
    const end = this.lineEndAt(p);
    if (end === p) return this.lineEnd(p); // a blank line
    this.cells = 1;
    this.unclean = false;
    this.state = IN_ROW;
    const quote = this.quoteAt(p);
    if (end !== -1 && (quote === -1 || quote > end)) {
      this.cells += this.delimitersIn(p, end);
      return this.lineEnd(end);
    }
    return this.inRow(p);
  }

  /** Inside a row, outside quotes, from `p`: the stretch to the next quote or line ending. */
  private inRow(p: number): number {
    const bytes = this.bytes;
    const delimiter = this.delimiter;
    for (;;) {
      const end = this.lineEndAt(p);
      const quote = this.quoteAt(p);
      if (end !== -1 && (quote === -1 || end < quote)) {
        this.cells += this.delimitersIn(p, end);
        return this.lineEnd(end);
      }
      if (quote === -1) {
        this.cells += this.delimitersIn(p, bytes.length);
        return bytes.length;
      }
      this.cells += this.delimitersIn(p, quote);
      const before = quote > 0 ? bytes[quote - 1] : this.previous;
      if (before !== delimiter && before !== LF && before !== CR) {
        p = quote + 1; // a `"` that does not start a cell is a plain character
        continue;
      }
      this.state = QUOTED;
      return this.closeQuote(quote + 1);
    }
  }

  /** Inside a quoted cell from `from`: to its closing quote. */
  private closeQuote(from: number): number {
    const bytes = this.bytes;
    let i = from;
    for (;;) {
      const close = bytes.indexOf(QUOTE, i);
      if (close === -1) return bytes.length;
      if (close + 1 === bytes.length) {
        this.state = QUOTE_IN_QUOTED;
        return bytes.length;
      }
      if (bytes[close + 1] === QUOTE) {
        i = close + 2; // `""`: a quote inside the cell
        continue;
      }
      return this.afterQuote(close + 1);
    }
  }

  /** Right after a `"` inside a quoted cell, at `p`: another `"`, or the close and what follows it. */
  private afterQuote(p: number): number {
    const b = this.bytes[p] as number;
    if (b === QUOTE) {
      this.state = QUOTED;
      return this.closeQuote(p + 1);
    }
    if (b !== this.delimiter && b !== LF && b !== CR) this.unclean = true; // text after the closing quote
    this.state = IN_ROW;
    return p;
  }

  /** A row ends at the line ending at `at` (a LF, or a CR and perhaps its LF); returns where the next row starts. */
  private lineEnd(at: number): number {
    const bytes = this.bytes;
    if (this.state !== ROW_START) this.endRow();
    this.state = ROW_START;
    if (bytes[at] === LF) return at + 1;
    if (at + 1 === bytes.length) {
      this.state = AFTER_CR;
      return at + 1;
    }
    return bytes[at + 1] === LF ? at + 2 : at + 1;
  }

  private endRow(): void {
    this.rows++;
    if (this.unclean || (this.width > 0 && this.cells !== this.width)) this.flagged++;
  }
}
