/**
 * Counting the rows of CSV bytes without building them: `parseCsvRows` would give exactly
 * this many rows for the same bytes (a property test holds the two together).
 *
 * The parser's rules, seen from the bytes: a `"` toggles "inside quotes" (a `""` toggles
 * twice), so a row ends at a `\n` after an even number of quotes, as the boundary planner
 * finds it; and a row is skipped as blank when what precedes its `\n` (or the end of the
 * text) is nothing or a lone `\r`. Anything else — a delimiter, a quote, any character —
 * makes a row. `"`, `\n` and `\r` are single bytes that never occur inside another
 * character in UTF-8 or Latin-1, so chunks may split anywhere; UTF-16 is not counted here.
 */
import { countQuotes } from './boundary-scan.js';

const LF = 0x0a;
const CR = 0x0d;

export class CsvRowCounter {
  /** Rows ended so far. */
  rows = 0;
  private inQuotes = false;
  /** Bytes of the current row seen in earlier chunks, and the first of them. */
  private carried = 0;
  private carriedFirst = -1;

  push(bytes: Uint8Array): void {
    const length = bytes.length;
    let rowStart = 0;
    let counted = 0;
    for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
      if (countQuotes(bytes, counted, lf) % 2 === 1) this.inQuotes = !this.inQuotes;
      counted = lf;
      if (this.inQuotes) continue;
      this.endRow(lf - rowStart, lf > rowStart ? (bytes[rowStart] as number) : -1);
      rowStart = lf + 1;
    }
    if (countQuotes(bytes, counted, length) % 2 === 1) this.inQuotes = !this.inQuotes;
    if (length > rowStart) {
      if (this.carried === 0) this.carriedFirst = bytes[rowStart] as number;
      this.carried += length - rowStart;
    }
  }

  /** The total, once every byte was pushed: the text's end ends its last row. */
  end(): number {
    this.endRow(0, -1);
    return this.rows;
  }

  private endRow(bytesHere: number, firstHere: number): void {
    const length = this.carried + bytesHere;
    const first = this.carried > 0 ? this.carriedFirst : firstHere;
    if (length > 1 || (length === 1 && first !== CR)) this.rows++;
    this.carried = 0;
    this.carriedFirst = -1;
  }
}
