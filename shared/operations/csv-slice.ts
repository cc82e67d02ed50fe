/**
 * CSV slice segments (segment-layout.ts describes the layout): the rows of a slice counted,
 * or converted and checked, while its bytes are stored, and read back into record rows. The
 * writer of a typed slice and every reader turn cells into rows with the same function
 * (`csvSliceRows`), so a record reads as the part that stored it saw it.
 */
import { UnprocessableError } from '../domain/errors.js';
import { type Field, type RecordRow, recordIds, rowIsValid } from '../domain/resources.js';
import { rowTyper } from '../domain/values.js';
import { CsvRowCounter } from '../formats/csv/count.js';
import { delimiterByte } from '../formats/csv/dialect.js';
import { type CsvRowNotes, parseCsvRows } from '../formats/csv/rows.js';
import type { Encoding } from '../formats/encoding.js';
import { rowPicker } from './columns.js';
import { type RowShape, rowShapeMessages, withShapeMessages } from './row-notes.js';

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

/**
 * The record rows of a CSV slice's bytes, in batches as they are parsed: what a reader reads,
 * and what the part that stores a typed slice checks. `notes` hears the parser's lines and an
 * unclosed quote.
 */
export async function* csvSliceRows(
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
  const idOf = recordIds(ordinal);
  if (fields) {
    const typed = rowTyper(fields);
    const pick = rowPicker(columns);
    return (cells, n, unclean) => {
      const row = typed(idOf(n), pick(cells));
      const messages = unclean ? rowShapeMessages(cells, shape, unclean) : undefined;
      return withShapeMessages(row, shape.keys.length, messages);
    };
  }
  return (cells, n, unclean) => {
    const row: RecordRow = [idOf(n)];
    for (const column of columns) row.push(column < 0 ? null : (cells[column] ?? null));
    const messages = unclean ? rowShapeMessages(cells, shape, unclean) : undefined;
    if (messages) row.push(messages);
    return row;
  };
}
