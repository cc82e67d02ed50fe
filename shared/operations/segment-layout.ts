/**
 * What a sheet's segment object holds (segments.ts writes, registers and reads them).
 *
 * A segment object starts with a header line, `{"segment":2,"keys":[…]}`, that names the
 * fields in order. Then, in one of two layouts:
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
 * - a typed CSV slice (the header has `typedCsv`, with `fields`): the same bytes, for fields of other
 *   types. The part that stores it parses, converts and checks every cell as it passes, to
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
 */
import type { Readable } from 'node:stream';
import { UnprocessableError } from '../domain/errors.js';
import {
  type Field,
  type RecordRow,
  recordId,
  recordToRow,
  rowIsValid,
  type SheetRecord,
} from '../domain/resources.js';
import { rowTyper } from '../domain/values.js';
import { CsvRowCounter } from '../formats/csv/count.js';
import { delimiterByte } from '../formats/csv/dialect.js';
import { type CsvRowNotes, parseCsvRows } from '../formats/csv/rows.js';
import type { Encoding } from '../formats/encoding.js';
import { rowPicker } from './columns.js';
import { type RowShape, rowShapeMessages, withShapeMessages } from './row-notes.js';

const SEGMENT_VERSION = 2;
/** Rows per line: a reader holds one line at a time. */
const ROWS_PER_LINE = 1000;
const LF = 0x0a;

/** How a CSV slice segment's bytes read. */
export interface CsvSlice {
  encoding: Encoding;
  delimiter: string;
  /** Per key, the column its value is in (-1: none). */
  columns: number[];
  /** The header's cell count: a row with another count reads with a message (absent in older slices). */
  width?: number;
  /** The segment's ordinal: record `n` of the slice has id `recordId(ordinal, n)`. */
  ordinal: number;
  /**
   * A typed slice: the fields (one per key, in order) whose types each cell is converted to
   * on read. Absent: every field is optional text, and a value is its cell as it is.
   */
  fields?: SliceField[];
}

/** What converting a cell needs of its field. */
export type SliceField = Pick<Field, 'key' | 'type' | 'required' | 'options'>;

/** The part of a field a typed slice's header keeps (not its label or description). */
export const sliceField = ({ key, type, required, options }: Field): SliceField => ({
  key,
  type,
  ...(required !== undefined ? { required } : {}),
  ...(options !== undefined ? { options } : {}),
});

/** What the writer of a typed slice is told as its rows are read: their lines, and the rows (a report taps them). */
export interface SliceRowsWatch {
  onRowLine?: (row: number, line: number) => void;
  tap?: (rows: AsyncIterable<RecordRow[]>) => AsyncIterable<RecordRow[]>;
}

/** What storing a slice counted: its rows, and those a reader will put a shape message on. */
export interface SliceCount {
  rows: number;
  flagged: number;
}

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

/**
 * The rows of CSV bytes, counted as each chunk is handed to `write`, and the rows a reader
 * will flag (see row-notes.ts). Bytes that end inside a quoted cell are refused.
 */
export async function countWhileWriting(
  keys: readonly string[],
  csv: CsvSlice,
  bytes: AsyncIterable<Uint8Array>,
  write: (chunk: Uint8Array) => Promise<void>,
  observe?: (chunk: Uint8Array) => void,
  watch?: SliceRowsWatch,
): Promise<SliceCount> {
  const width = csv.width ?? 0;
  const byte = delimiterByte(csv.delimiter, csv.encoding === 'latin1');
  if (!csv.fields && (csv.encoding === 'utf-8' || csv.encoding === 'latin1') && byte !== undefined) {
    // From the bytes, by the parser's rules: no cell is built.
    const counter = new CsvRowCounter(byte, width);
    for await (const chunk of bytes) {
      observe?.(chunk);
      counter.push(chunk);
      await write(chunk);
    }
    counter.end();
    if (counter.unclosedQuote) throw unclosedQuoteError(counter.rows);
    return { rows: counter.rows, flagged: counter.flagged };
  }
  async function* written(): AsyncGenerator<Uint8Array> {
    for await (const chunk of bytes) {
      observe?.(chunk);
      await write(chunk);
      yield chunk;
    }
  }
  if (csv.fields) {
    // Every row converted and checked as a reader will read it: the records it finds invalid
    // are the ones a reader finds invalid.
    let unclosed: number | undefined;
    const notes = {
      ...(watch?.onRowLine ? { onRowLine: watch.onRowLine } : {}),
      onUnclosedQuote: (row: number) => {
        unclosed = row;
      },
    };
    const rows = csvSliceRows(keys, csv, written(), notes);
    let count = 0;
    let invalid = 0;
    for await (const batch of watch?.tap ? watch.tap(rows) : rows) {
      count += batch.length;
      for (const row of batch) if (!rowIsValid(keys, row)) invalid++;
    }
    if (unclosed !== undefined) throw unclosedQuoteError(unclosed + 1);
    return { rows: count, flagged: invalid };
  }
  const unclean = new Set<number>();
  let unclosedRow: number | undefined;
  const notes = {
    onQuoteNotClosedCleanly: (row: number) => unclean.add(row),
    onUnclosedQuote: (row: number) => {
      unclosedRow = row;
    },
  };
  let rows = 0;
  let flagged = 0;
  for await (const batch of parseCsvRows(written(), { ...csv, notes })) {
    for (const cells of batch) {
      if (unclean.has(rows) || (width > 0 && cells.length !== width)) flagged++;
      rows++;
    }
  }
  if (unclosedRow !== undefined) throw unclosedQuoteError(unclosedRow + 1);
  return { rows, flagged };
}

/** A part's bytes end inside a quoted cell: the planner refuses such files, so only a one-part plan meets it here. */
export function unclosedQuoteError(row: number): UnprocessableError {
  return new UnprocessableError(
    `A quoted cell opens in data row ${row} of the part and never closes: the file ends inside it. Close the quote (or remove the stray one) and extract again.`,
  );
}

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

/**
 * The record rows of a CSV slice's bytes, in batches as they are parsed: what a reader reads,
 * and what the part that stores a typed slice checks. `notes` hears the parser's lines and an
 * unclosed quote.
 */
async function* csvSliceRows(
  keys: readonly string[],
  csv: CsvSlice,
  bytes: AsyncIterable<Uint8Array>,
  notes?: Pick<CsvRowNotes, 'onRowLine' | 'onUnclosedQuote'>,
): AsyncGenerator<RecordRow[]> {
  const shape: RowShape = { keys, columns: csv.columns, width: csv.width ?? 0 };
  const toRow = sliceRow(shape, csv);
  const unclean = new Map<number, number[]>();
  const parserNotes: CsvRowNotes = {
    ...notes,
    onQuoteNotClosedCleanly: (row: number, cell: number) => {
      const cells = unclean.get(row);
      if (cells) cells.push(cell);
      else unclean.set(row, [cell]);
    },
  };
  let n = 0;
  const options = { encoding: csv.encoding, delimiter: csv.delimiter, notes: parserNotes };
  for await (const cells of parseCsvRows(bytes, options)) {
    const rows: RecordRow[] = new Array(cells.length);
    for (let r = 0; r < cells.length; r++) {
      const source = cells[r] as string[];
      const flagged = (shape.width > 0 && source.length !== shape.width) || unclean.has(n);
      rows[r] = toRow(source, n, flagged ? (unclean.get(n) ?? []) : undefined);
      if (flagged) unclean.delete(n);
      n++;
    }
    yield rows;
  }
}

/**
 * Makes record row `n` of a slice from its cells; `unclean` (given when the row's shape is to
 * be checked) are its cells with text after a closing quote. A typed slice's values are
 * converted as a typed extract part converts them, shape messages added to type messages.
 */
function sliceRow(
  shape: RowShape,
  csv: CsvSlice,
): (cells: readonly string[], n: number, unclean: readonly number[] | undefined) => RecordRow {
  const { columns, ordinal } = csv;
  const fields = csv.fields;
  if (fields) {
    const typed = rowTyper(fields);
    const pick = rowPicker(columns);
    return (cells, n, unclean) => {
      const row = typed(recordId(ordinal, n), pick(cells));
      const messages = unclean ? rowShapeMessages(cells, shape, unclean) : undefined;
      return withShapeMessages(row, shape.keys.length, messages);
    };
  }
  return (cells, n, unclean) => {
    const row: RecordRow = [recordId(ordinal, n)];
    for (const column of columns) row.push(column < 0 ? null : (cells[column] ?? null));
    const messages = unclean ? rowShapeMessages(cells, shape, unclean) : undefined;
    if (messages) row.push(messages);
    return row;
  };
}
