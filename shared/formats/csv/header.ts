/**
 * Finding the header row in decoded CSV text: `headerRow` counts physical rows from 1, blank
 * lines included, and a row ends only at a line ending outside a quoted cell. The rules are
 * the planner's own (`QuoteRun`), run over the text's UTF-16 code units, so the reader, the
 * UTF-16 planning path and the byte planner find the same header row.
 */
import { UnprocessableError } from '../../domain/errors.js';
import type { Encoding } from '../encoding.js';
import { OUTSIDE, QuoteRun, type RowStartWatch } from './quote-run.js';

/** A header row longer than this is surely a wrong `headerRow` or not a CSV: fail instead of buffering it. */
export const MAX_HEADER_BYTES = 1024 * 1024;

export interface HeaderSplit {
  /** The header row's text, its line ending included; `undefined` when the file has fewer rows. */
  line: string | undefined;
  /** The text after the header row's line ending, read so far. */
  after: string;
  /** Characters (UTF-16 code units) from the start of the text to the first data row. */
  headerEnd: number;
  /** The same length in bytes, in each encoding the text may have been decoded from. */
  headerEndBytes: Record<Encoding, number>;
}

function codeUnits(text: string): Uint16Array {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

/** Counts row ends from the start of the text until the header row has ended. */
class HeaderWatch implements RowStartWatch {
  rowEnds = 0;
  headerStart: number | undefined;
  headerEnd: number | undefined;

  constructor(private readonly headerRow: number) {
    if (headerRow === 1) this.headerStart = 0;
  }

  get watchFrom(): number {
    return this.headerEnd === undefined ? 0 : Number.POSITIVE_INFINITY;
  }

  rowStart(at: number): void {
    this.rowEnds++;
    if (this.rowEnds === this.headerRow - 1) this.headerStart = at;
    else if (this.rowEnds === this.headerRow) this.headerEnd = at;
  }
}

/** Reads from `head`, then `rest`, until the header row ends; text before it is dropped as it goes. */
export async function splitHeaderRow(
  head: string,
  rest: AsyncIterator<string>,
  headerRow: number,
  delimiter: string,
): Promise<HeaderSplit> {
  if (!Number.isSafeInteger(headerRow) || headerRow < 1)
    throw new RangeError(`headerRow must be 1 or more; got ${headerRow}`);
  const run = new QuoteRun(OUTSIDE, delimiter.charCodeAt(0));
  const watch = new HeaderWatch(headerRow);
  let text = ''; // from `dropped` on: what the header row may still need
  let dropped = 0;
  let piece = head;
  let offset = 0; // characters pushed through the run
  let droppedUtf8 = 0; // UTF-8 bytes of the text before `dropped`
  const bytes = (headerEnd: number, utf8: number): Record<Encoding, number> => ({
    'utf-8': utf8,
    latin1: headerEnd,
    'utf-16le': 2 * headerEnd,
    'utf-16be': 2 * headerEnd,
  });
  const found = (headerEnd: number): HeaderSplit => {
    const start = (watch.headerStart ?? 0) - dropped;
    const end = headerEnd - dropped;
    const utf8 = droppedUtf8 + Buffer.byteLength(text.slice(0, end), 'utf8');
    return {
      line: text.slice(start, end),
      after: text.slice(end),
      headerEnd,
      headerEndBytes: bytes(headerEnd, utf8),
    };
  };
  for (;;) {
    run.push(codeUnits(piece), offset, watch);
    offset += piece.length;
    text += piece;
    if (watch.headerEnd !== undefined) return found(watch.headerEnd);
    const keepFrom = watch.headerStart ?? offset;
    if (offset - keepFrom > MAX_HEADER_BYTES) {
      throw new UnprocessableError(
        `The CSV header row (row ${headerRow}) is longer than ${MAX_HEADER_BYTES} characters.`,
      );
    }
    droppedUtf8 += Buffer.byteLength(text.slice(0, keepFrom - dropped), 'utf8');
    text = text.slice(keepFrom - dropped);
    dropped = keepFrom;
    const next = await rest.next();
    if (next.done) {
      run.finish(offset, undefined, watch);
      if (watch.headerEnd !== undefined) return found(watch.headerEnd); // a CR last ended it
      const line = watch.headerStart === undefined ? undefined : text.slice(watch.headerStart - dropped);
      const utf8 = droppedUtf8 + Buffer.byteLength(text, 'utf8');
      return { line, after: '', headerEnd: offset, headerEndBytes: bytes(offset, utf8) };
    }
    piece = next.value;
  }
}
