/**
 * What a sheet's segment object holds (segments.ts writes, registers and reads them).
 *
 * A segment object starts with a header line, `{"segment":2,"keys":[…]}`, that names the
 * fields in order. Then, in one of three layouts:
 * - rows: lines that each hold a JSON array of up to 1,000 rows (`RecordRow`: the id, one
 *   value per key, the messages when invalid). Keys are written once, not per record, and a
 *   line serializes and parses in one call.
 * - a CSV slice (the header has `csv`): the bytes of a CSV part exactly as the source file
 *   holds them. An extract into text fields, which keeps every cell as it is, stores its
 *   part this way: it counts the part's rows (`CsvRowCounter`: the parser's rules, no cell
 *   built) and serializes nothing; readers parse the slice with the same parser, delimiter
 *   and encoding. A record's id is `recordId(ordinal, row)`, its values the cells of its
 *   columns; a ragged row, or one with text after a closing quote, reads with the message
 *   row-notes.ts gives it (and the counter counted it as invalid when the slice was stored).
 * - a typed CSV slice (the header has `typedCsv`, with `fields`): the same bytes, for
 *   fields of other types. The part that stores it parses, converts and checks every cell as it passes, to
 *   count its invalid records and list them in its report, but stores neither rows nor
 *   values: readers convert each cell again with the same converter (`rowTyper` over the
 *   fields the header names), so a record reads exactly as the rows layout would have stored
 *   it, and nothing has to be serialized on the way in (issue 14: building the JSON rows cost
 *   about as much as parsing the part). The header keeps the fields as they were when the
 *   part ran, so a later change to the sheet's fields does not change how it reads; a change
 *   to the conversion rules themselves (values.ts, dates.ts) does, and would make the
 *   segment's stored invalid count disagree with its rows: such a change must keep what
 *   stored text converts to, or rewrite typed slices as rows.
 * Objects of the first layout (one record object per line, no header) are still read.
 * How a slice is counted while it is stored, and read back into rows, is csv-slice.ts's.
 */
import type { Readable } from 'node:stream';
import { type RecordRow, recordToRow, rowIsValid, type SheetRecord } from '../domain/resources.js';
import { type CsvSlice, csvSliceRows } from './csv-slice.js';

const SEGMENT_VERSION = 2;
/** Rows per line: a reader holds one line at a time. */
const ROWS_PER_LINE = 1000;
const LF = 0x0a;

interface SegmentHeader {
  segment: number;
  keys: string[];
  csv?: CsvSlice;
  /**
   * A typed slice, under a name of its own: a reader from before typed slices would read a
   * `csv` slice as text, cells for values; this name it does not know, and it fails on the
   * CSV lines instead of answering with wrong records (a rollback after typed extracts).
   */
  typedCsv?: CsvSlice;
}

/** The header line of a segment whose rows hold values for `keys`. */
export const segmentHeader = (keys: readonly string[], csv?: CsvSlice): string =>
  `${JSON.stringify({ segment: SEGMENT_VERSION, keys, ...(csv ? (csv.fields ? { typedCsv: csv } : { csv }) : {}) })}\n`;

/** The lines of `rows` (no header), and how many of them are invalid. */
export function segmentLines(
  keys: readonly string[],
  rows: readonly RecordRow[],
): { text: string; invalid: number } {
  let text = '';
  let invalid = 0;
  for (let from = 0; from < rows.length; from += ROWS_PER_LINE) {
    const line = rows.length <= ROWS_PER_LINE ? rows : rows.slice(from, from + ROWS_PER_LINE);
    text += `${JSON.stringify(line)}\n`;
  }
  for (const row of rows) if (!rowIsValid(keys, row)) invalid++;
  return { text, invalid };
}

/** A whole segment object's text: tests and small writers. */
export const encodeSegment = (keys: readonly string[], rows: readonly RecordRow[]): string =>
  segmentHeader(keys) + (rows.length > 0 ? segmentLines(keys, rows).text : '');

/** Rows of a segment, with the keys their values follow. */
export interface SegmentBatch {
  keys: readonly string[];
  rows: RecordRow[];
}

async function* bytesOf(stream: Readable): AsyncGenerator<Buffer> {
  for await (const data of stream as AsyncIterable<Buffer | string>)
    yield typeof data === 'string' ? Buffer.from(data) : data;
}

/** The complete lines of bytes, in batches as they arrive (split on `\n` bytes: UTF-8 never has one inside a character). */
async function* linesOf(bytes: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let pending: Buffer[] = [];
  const take = (piece: Buffer): string => {
    const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
    pending = [];
    return line.toString('utf8');
  };
  for await (const chunk of bytes) {
    let start = 0;
    let end = chunk.indexOf(LF);
    if (end < 0) {
      pending.push(chunk);
      continue;
    }
    const lines: string[] = [];
    while (end >= 0) {
      const line = take(chunk.subarray(start, end));
      if (line.length > 0) lines.push(line);
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  const last = take(Buffer.alloc(0));
  if (last.trim() !== '') yield [last];
}

/** The first line of a segment's bytes, and the bytes after it. */
async function firstLine(bytes: AsyncIterator<Buffer>): Promise<{ line?: string; rest: Buffer }> {
  const pieces: Buffer[] = [];
  for (;;) {
    const next = await bytes.next();
    if (next.done) {
      const line = Buffer.concat(pieces).toString('utf8');
      return { ...(line.trim() ? { line } : {}), rest: Buffer.alloc(0) };
    }
    const end = next.value.indexOf(LF);
    if (end < 0) {
      pieces.push(next.value);
      continue;
    }
    pieces.push(next.value.subarray(0, end));
    return { line: Buffer.concat(pieces).toString('utf8'), rest: next.value.subarray(end + 1) };
  }
}

async function* after(rest: Buffer, bytes: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (rest.length > 0) yield rest;
  for (let next = await bytes.next(); !next.done; next = await bytes.next()) yield next.value;
}

/** The rows of a segment object, in batches as the bytes arrive. */
export async function* segmentBatches(stream: Readable): AsyncGenerator<SegmentBatch> {
  try {
    const bytes = bytesOf(stream);
    const { line, rest } = await firstLine(bytes);
    if (line === undefined) return;
    const head = JSON.parse(line) as SegmentHeader | SheetRecord;
    if ('segment' in head) {
      const slice = head.csv ?? head.typedCsv;
      if (slice) yield* csvSliceBatches(head.keys, slice, after(rest, bytes));
      else yield* rowLineBatches(head.keys, linesOf(after(rest, bytes)));
      return;
    }
    // The first layout: one record object per line, every record with every key.
    const keys = Object.keys(head.values);
    yield { keys, rows: [recordToRow(keys, head)] };
    for await (const lines of linesOf(after(rest, bytes)))
      yield { keys, rows: lines.map((text) => recordToRow(keys, JSON.parse(text) as SheetRecord)) };
  } finally {
    stream.destroy();
  }
}

async function* rowLineBatches(
  keys: readonly string[],
  lines: AsyncIterable<string[]>,
): AsyncGenerator<SegmentBatch> {
  for await (const batch of lines) {
    const rows: RecordRow[] = [];
    for (const text of batch) for (const row of JSON.parse(text) as RecordRow[]) rows.push(row);
    if (rows.length > 0) yield { keys, rows };
  }
}

async function* csvSliceBatches(
  keys: readonly string[],
  csv: CsvSlice,
  bytes: AsyncIterable<Buffer>,
): AsyncGenerator<SegmentBatch> {
  for await (const rows of csvSliceRows(keys, csv, bytes)) yield { keys, rows };
}
