/**
 * Finding the header row in decoded CSV text, by the planner's rule: `headerRow` counts
 * physical rows from 1, blank lines included, and only a `\n` outside quotes ends a row.
 * The reader and the UTF-16 planning path both use it, so a header is the same row either way.
 */
import { UnprocessableError } from '../../domain/errors.js';

/** A header row longer than this is surely a wrong `headerRow` or not a CSV: fail instead of buffering it. */
export const MAX_HEADER_BYTES = 1024 * 1024;

const QUOTE = 0x22;
const LF = 0x0a;

export interface HeaderSplit {
  /** The header row's text (its `\r\n` or `\n` not included); `undefined` when the file has fewer rows. */
  line: string | undefined;
  /** The text after the header row's line feed, read so far. */
  after: string;
  /** Characters (UTF-16 code units) from the start of the text to the first data row. */
  headerEnd: number;
}

/** Reads from `head`, then `rest`, until the header row ends; text before it is dropped as it goes. */
export async function splitHeaderRow(
  head: string,
  rest: AsyncIterator<string>,
  headerRow: number,
): Promise<HeaderSplit> {
  if (!Number.isSafeInteger(headerRow) || headerRow < 1)
    throw new RangeError(`headerRow must be 1 or more; got ${headerRow}`);
  let text = head;
  let dropped = 0; // characters before `text[0]`
  let headerStart: number | undefined = headerRow === 1 ? 0 : undefined; // index in `text`
  let lineEnds = 0;
  let inQuotes = false;
  let i = 0;
  for (;;) {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) inQuotes = !inQuotes;
      else if (c === LF && !inQuotes) {
        lineEnds++;
        if (lineEnds === headerRow - 1) headerStart = i + 1;
        else if (lineEnds === headerRow && headerStart !== undefined) {
          return { line: text.slice(headerStart, i), after: text.slice(i + 1), headerEnd: dropped + i + 1 };
        }
      }
    }
    // Keep only what the header row may still need.
    const keepFrom = headerStart ?? text.length;
    if (text.length - keepFrom > MAX_HEADER_BYTES) {
      throw new UnprocessableError(
        `The CSV header row (row ${headerRow}) is longer than ${MAX_HEADER_BYTES} characters.`,
      );
    }
    dropped += keepFrom;
    text = text.slice(keepFrom);
    i -= keepFrom;
    if (headerStart !== undefined) headerStart = 0;
    const next = await rest.next();
    if (next.done) {
      const line = headerStart === undefined ? undefined : text;
      return { line, after: '', headerEnd: dropped + text.length };
    }
    text += next.value;
  }
}
