/**
 * The planner's view of the dialect (dialect.ts), over bytes: whether each position is inside
 * a quoted cell, and where rows end. Planning needs no cells, so a run jumps from `"` to `"`
 * (memchr) and looks for line endings only where the caller watches for a row start.
 *
 * Whether a `"` opens a quoted cell depends on the byte before it: outside quotes, a `"`
 * right after the delimiter, CR or LF (or at the start of the data) is a cell's first
 * character and opens one; any other `"` is plain. Inside, `""` is data and a lone `"`
 * closes. So the state that carries from one byte to the next is one of three: outside,
 * inside, or just after a `"` seen inside (`""` or a close? the next byte tells).
 */
import * as dialect from './dialect.js';

// Module-level copies: an imported binding can compile to a getter call (tsx, CommonJS
// interop), which costs more than the byte comparisons in these loops themselves.
const { CR, LF, QUOTE } = dialect;

export const OUTSIDE = 0;
export const INSIDE = 1;
/** A `"` was the last byte seen inside a quoted cell: the next byte says whether it was `""` or a close. */
export const AFTER_QUOTE = 2;
export type QuoteState = typeof OUTSIDE | typeof INSIDE | typeof AFTER_QUOTE;
export const QUOTE_STATES: readonly QuoteState[] = [OUTSIDE, INSIDE, AFTER_QUOTE];

/** Where a caller watches for row starts. */
export interface RowStartWatch {
  /** Row endings at or after this absolute offset are reported (`Infinity`: none for now). */
  readonly watchFrom: number;
  /** A row starts at absolute offset `at`: right after a line ending at or after `watchFrom`. */
  rowStart(at: number): void;
}

/** One pass of the rules over consecutive bytes, from a given state. */
export class QuoteRun {
  /** Absolute offset of the last `"` that opened a quoted cell (-1: none yet). */
  lastOpen = -1;
  /** A CR ended a row as the last byte pushed: the row starts after it, or after the LF that may follow. */
  private pendingCr = false;

  constructor(
    public state: QuoteState,
    private readonly delimiter: number,
    /** The byte before the first one pushed; LF at the start of the data (a `"` there opens a cell). */
    private previous = LF,
  ) {}

  push(bytes: Uint8Array | Uint16Array, base: number, watch: RowStartWatch): void {
    const len = bytes.length;
    if (len === 0) return;
    let p = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (bytes[0] === LF) p = 1;
      watch.rowStart(base + p);
    } else if (this.state === AFTER_QUOTE) {
      if (bytes[0] === QUOTE) {
        this.state = INSIDE;
        p = 1;
      } else {
        this.state = OUTSIDE; // the quote closed; this byte is read outside
      }
    }
    const delimiter = this.delimiter;
    // The next `"`, LF and CR at or after a position, each searched once per occurrence
    // (-1: none left in the chunk; -2: not searched yet).
    let nextQuote = -2;
    let nextLf = -2;
    let nextCr = -2;
    while (p < len) {
      if (this.state === OUTSIDE) {
        if (nextQuote !== -1 && nextQuote < p) nextQuote = bytes.indexOf(QUOTE, p);
        const watchAt = watch.watchFrom - base;
        if (watchAt < len) {
          const from = Math.max(watchAt, p);
          if (nextLf !== -1 && nextLf < from) nextLf = bytes.indexOf(LF, from);
          if (nextCr !== -1 && nextCr < from) nextCr = bytes.indexOf(CR, from);
          const lineEnd = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
          if (lineEnd !== -1 && (nextQuote === -1 || lineEnd < nextQuote)) {
            if (bytes[lineEnd] === CR) {
              if (lineEnd + 1 === len) {
                this.pendingCr = true;
                break;
              }
              p = bytes[lineEnd + 1] === LF ? lineEnd + 2 : lineEnd + 1;
            } else {
              p = lineEnd + 1;
            }
            watch.rowStart(base + p);
            continue;
          }
        }
        if (nextQuote === -1) break;
        const q = nextQuote;
        const before = q > 0 ? bytes[q - 1] : this.previous;
        if (before === delimiter || before === LF || before === CR) {
          this.state = INSIDE;
          this.lastOpen = base + q;
        }
        p = q + 1;
      } else {
        const q = bytes.indexOf(QUOTE, p);
        if (q === -1) break;
        if (q + 1 === len) {
          this.state = AFTER_QUOTE;
          break;
        }
        if (bytes[q + 1] === QUOTE) {
          p = q + 2;
        } else {
          this.state = OUTSIDE;
          p = q + 1;
        }
      }
    }
    this.previous = bytes[len - 1] as number;
  }

  /**
   * The data ends (the file's end, or a range's, with `next` the byte after it): a CR that
   * ended the last row reports its row start, and a `"` seen last inside quotes is settled.
   * `end` is the absolute offset just past the last byte pushed.
   */
  finish(end: number, next: number | undefined, watch: RowStartWatch): void {
    if (this.pendingCr) {
      this.pendingCr = false;
      watch.rowStart(next === LF ? end + 1 : end);
    }
    // A `"` last, inside quotes: at the file's end it closed; before a range's next byte, the
    // state stays AFTER_QUOTE and the next range's run starts from it.
    if (this.state === AFTER_QUOTE && next === undefined) this.state = OUTSIDE;
  }

  /** Whether the run stands exactly where `other` stands: from here on both see the same. */
  sameAs(other: QuoteRun): boolean {
    return (
      this.state === other.state && this.pendingCr === other.pendingCr && this.previous === other.previous
    );
  }
}
