/**
 * CSV slice segments (segment-layout.ts describes the layout): the rows of a slice counted,
 * or converted and checked, while its bytes are stored, and read back into record rows. The
 * writer of a typed slice and every reader turn cells into rows with the same `SliceReader`,
 * so a record reads as the part that stored it saw it; the writer builds only the invalid
 * ones (`rowChecker` tells a valid row from its cells, as `rowTyper` would type it).
 */
import { UnprocessableError } from '../domain/errors.js';
import { type Field, type RecordRow, recordIds, rowIsValid } from '../domain/resources.js';
import { rowChecker, rowTyper } from '../domain/values.js';
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

/**
 * What the writer of a typed slice is told of its invalid records (a report taps them): the
 * line of each, told right before the batch that holds it passes `tap`. Valid rows are only
 * counted: no record row is built for them.
 */
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
    const lines: number[] = [];
    const onRowLine = watch?.onRowLine;
    const notes = {
      ...(onRowLine ? { onRowLine: (_row: number, line: number) => lines.push(line) } : {}),
      onUnclosedQuote: (row: number) => {
        unclosed = row;
      },
    };
    let count = 0;
    let invalid = 0;
    async function* invalidRows(fields: readonly SliceField[]): AsyncGenerator<RecordRow[]> {
      const reader = new SliceReader(keys, csv, fields);
      for await (const cells of parseSliceCells(reader, written(), notes)) {
        const rows: RecordRow[] = [];
        for (let r = 0; r < cells.length; r++) {
          const row = reader.invalidRow(cells[r] as string[], count + r);
          if (!row) continue;
          rows.push(row);
          onRowLine?.(count + r, lines[r] as number);
        }
        count += cells.length;
        invalid += rows.length;
        lines.length = 0;
        if (rows.length > 0) yield rows;
      }
    }
    const rows = invalidRows(csv.fields);
    for await (const _ of watch?.tap ? watch.tap(rows) : rows);
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
 * The record rows of a CSV slice's bytes, in batches as they are parsed: what a reader reads.
 * `notes` hears the parser's lines and an unclosed quote.
 */
export async function* csvSliceRows(
  keys: readonly string[],
  csv: CsvSlice,
  bytes: AsyncIterable<Uint8Array>,
  notes?: Pick<CsvRowNotes, 'onRowLine' | 'onUnclosedQuote'>,
): AsyncGenerator<RecordRow[]> {
  const reader = new SliceReader(keys, csv, csv.fields);
  let n = 0;
  for await (const cells of parseSliceCells(reader, bytes, notes)) {
    const rows: RecordRow[] = new Array(cells.length);
    for (let r = 0; r < cells.length; r++) rows[r] = reader.row(cells[r] as string[], n++);
    yield rows;
  }
}

/** The parsed rows of a slice's bytes, in batches, the cells with text after a closing quote noted on `reader`. */
function parseSliceCells(
  reader: SliceReader,
  bytes: AsyncIterable<Uint8Array>,
  notes?: Pick<CsvRowNotes, 'onRowLine' | 'onUnclosedQuote'>,
): AsyncGenerator<string[][]> {
  const { encoding, delimiter } = reader.csv;
  return parseCsvRows(bytes, {
    encoding,
    delimiter,
    notes: { ...notes, onQuoteNotClosedCleanly: reader.unclean },
  });
}

/**
 * Makes record row `n` of a slice from its cells, in order. A row whose shape is to be checked
 * (ragged, or with text after a closing quote) gets shape messages; a typed slice's values
 * are converted as a typed extract part converts them, shape messages added to type messages.
 */
class SliceReader {
  private readonly shape: RowShape;
  /** Per parsed row, its cells with text after a closing quote, as the parser noted them. */
  private readonly uncleanCells = new Map<number, number[]>();
  private readonly idOf: (n: number) => string;
  private readonly pick: (cells: readonly unknown[]) => readonly unknown[];
  private readonly typed: ((id: string, raw: readonly unknown[]) => RecordRow) | undefined;
  private readonly valid: ((raw: readonly unknown[]) => boolean) | undefined;

  constructor(
    keys: readonly string[],
    readonly csv: CsvSlice,
    fields: readonly SliceField[] | undefined,
  ) {
    this.shape = { keys, columns: csv.columns, width: csv.width ?? 0 };
    this.idOf = recordIds(csv.ordinal);
    this.pick = rowPicker(csv.columns);
    this.typed = fields ? rowTyper(fields) : undefined;
    this.valid = fields ? rowChecker(fields) : undefined;
  }

  readonly unclean = (row: number, cell: number): void => {
    const cells = this.uncleanCells.get(row);
    if (cells) cells.push(cell);
    else this.uncleanCells.set(row, [cell]);
  };

  /** Whether row `n`'s shape is to be checked: a ragged row, or one the parser noted. */
  private misshapen(cells: readonly string[], n: number): boolean {
    const { width } = this.shape;
    return (width > 0 && cells.length !== width) || this.uncleanCells.has(n);
  }

  /** The cells of row `n` with text after a closing quote when its shape is to be checked, else `undefined`. */
  private flagged(cells: readonly string[], n: number): number[] | undefined {
    if (!this.misshapen(cells, n)) return undefined;
    const unclean = this.uncleanCells.get(n) ?? [];
    this.uncleanCells.delete(n);
    return unclean;
  }

  row(cells: readonly string[], n: number): RecordRow {
    const unclean = this.flagged(cells, n);
    const messages = unclean ? rowShapeMessages(cells, this.shape, unclean) : undefined;
    if (this.typed)
      return withShapeMessages(this.typed(this.idOf(n), this.pick(cells)), this.shape.keys.length, messages);
    const row: RecordRow = [this.idOf(n)];
    for (const column of this.shape.columns) row.push(column < 0 ? null : (cells[column] ?? null));
    if (messages) row.push(messages);
    return row;
  }

  /** Record row `n` when it is invalid, else `undefined`: a valid row of a typed slice is only checked, not built. */
  invalidRow(cells: readonly string[], n: number): RecordRow | undefined {
    if (this.valid && !this.misshapen(cells, n) && this.valid(this.pick(cells))) return undefined;
    const row = this.row(cells, n);
    return rowIsValid(this.shape.keys, row) ? undefined : row;
  }
}
