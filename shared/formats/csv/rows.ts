/**
 * CSV rows from text, in the dialect real files are written in (see dialect.ts for the
 * rules and why): a `"` opens a quoted cell only as a cell's first character, `""` inside
 * one is a `"`, a `"` anywhere else is a plain character, and a row ends at LF, CRLF or a
 * lone CR outside quotes. The planner (quote-run.ts) and the row counter (count.ts) apply the
 * same rules to bytes, so a part's rows come out the same whether the part is parsed alone
 * or as a slice of the whole file.
 *
 * Why not udsv or csv-parse: udsv 0.7.3 is only correct on rectangular, well-formed input
 * (ragged rows merge or fold, a short last row without a newline is dropped); csv-parse has
 * no mode that reads text after a closing quote as Python and Excel do, and is several
 * times slower here. This parser measured within ~10% of udsv's speed on the same input.
 */
import { ValidationError } from '../../domain/errors.js';
import { DECODER_LABELS, type Encoding } from '../encoding.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The delimiter as a UTF-16 code unit; it must be one character that cannot clash with quoting or line ends. */
export function csvDelimiterCode(delimiter = ','): number {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ValidationError(
      `CSV delimiter must be one character other than a quote or a line break; got ${JSON.stringify(delimiter)}.`,
    );
  }
  return delimiter.charCodeAt(0);
}

/**
 * What the parser noticed beside the rows. Rows are numbered from 0 over every row one parse
 * gives (blank lines are not rows), so a caller can put a note on the record it makes of it.
 */
export interface CsvRowNotes {
  /**
   * Text follows a quoted cell's closing quote (`"12" pizza` read as `12 pizza`): the cell
   * reads as Python's csv and Excel read it, but a quote is likely unbalanced.
   */
  onQuoteNotClosedCleanly?(row: number, cell: number): void;
  /** The text ends inside a quoted cell of row `row`: it opened and never closed. */
  onUnclosedQuote?(row: number): void;
  /**
   * Row `row` starts on line `line` (1-based, counted from the first character parsed; every
   * LF, CRLF and lone CR is a line break, inside a quoted cell or not, blank lines included:
   * the lines an editor shows). Off unless given: only then are line breaks counted. Called
   * before the batch that holds the row is yielded.
   */
  onRowLine?(row: number, line: number): void;
}

/**
 * Parses the complete rows of `text` into `rows` and returns the index where the first
 * unfinished row starts (`text.length` when none is left). With `final`, the end of the text
 * ends the last row. Stops once `rows` holds `maxRows` rows. Blank lines are skipped.
 * `rowBase` numbers the rows for `notes`: the first row parsed here is row `rowBase + rows.length`.
 * `rowStarts`, when given, gets the index in `text` where each row pushed to `rows` starts.
 */
export function parseCsvText(
  text: string,
  delimiter: number,
  final: boolean,
  rows: string[][],
  maxRows = Number.POSITIVE_INFINITY,
  notes?: CsvRowNotes,
  rowBase = 0,
  rowStarts?: number[],
): number {
  const len = text.length;
  const ends = new CellEnds(text, delimiter);
  let p = 0;
  while (p < len && rows.length < maxRows) {
    const rowStart = p;
    const first = text.charCodeAt(p);
    // A blank line: nothing before its line ending.
    if (first === LF) {
      p++;
      continue;
    }
    if (first === CR) {
      if (p + 1 === len && !final) return rowStart; // a CRLF cut after the CR?
      p += text.charCodeAt(p + 1) === LF ? 2 : 1;
      continue;
    }
    const row: string[] = [];
    let uncleanCells: number[] | undefined;
    cells: for (;;) {
      // One cell per iteration; `p` is at its first character. `end` ends up at its terminator.
      let value: string;
      let end: number;
      if (text.charCodeAt(p) === QUOTE) {
        value = '';
        let from = p + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1) {
            if (!final) return rowStart;
            // The quote never closes: the rest of the text is the cell (as Python's csv reads it).
            notes?.onUnclosedQuote?.(rowBase + rows.length);
            row.push(value + text.slice(from));
            p = len;
            break cells;
          }
          if (close + 1 === len && !final) return rowStart; // `""` or a closing quote?
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += text.slice(from, close);
          end = close + 1;
          break;
        }
        const after = end < len ? text.charCodeAt(end) : -1;
        if (after !== -1 && after !== delimiter && after !== LF && after !== CR) {
          // Text after the closing quote joins the cell, its quotes plain characters.
          const from = end;
          end = ends.after(from);
          if (end === len && !final) return rowStart;
          value += text.slice(from, end);
          uncleanCells ??= [];
          uncleanCells.push(row.length);
        }
      } else {
        end = ends.after(p);
        if (end === len && !final) return rowStart;
        value = text.slice(p, end);
      }
      row.push(value);
      if (end === len) {
        p = len;
        break;
      }
      const terminator = text.charCodeAt(end);
      if (terminator === delimiter) {
        p = end + 1;
        if (p < len) continue;
        if (!final) return rowStart;
        row.push(''); // a delimiter at the very end: one more, empty, cell
        break;
      }
      if (terminator === CR) {
        if (end + 1 === len && !final) return rowStart;
        p = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
      } else {
        p = end + 1;
      }
      break;
    }
    if (uncleanCells && notes?.onQuoteNotClosedCleanly) {
      for (const cell of uncleanCells) notes.onQuoteNotClosedCleanly(rowBase + rows.length, cell);
    }
    rowStarts?.push(rowStart);
    rows.push(row);
  }
  return p;
}

/**
 * Where an unquoted cell ends: its delimiter, CR or LF, or the end of the text. The next of
 * each is found by `indexOf` (far faster than a loop over every character) and kept until the
 * cells pass it: a row's LF is looked for once, not once per cell, and a text with no CR once.
 */
class CellEnds {
  private readonly delimiter: string;
  private nextDelimiter = -1;
  private nextLf = -1;
  private nextCr = -1;

  constructor(
    private readonly text: string,
    delimiter: number,
  ) {
    this.delimiter = String.fromCharCode(delimiter);
  }

  /** Where an unquoted cell starting at `from` ends. */
  after(from: number): number {
    const text = this.text;
    if (this.nextDelimiter < from) this.nextDelimiter = found(text.indexOf(this.delimiter, from), text);
    if (this.nextLf < from) this.nextLf = found(text.indexOf('\n', from), text);
    if (this.nextCr < from) this.nextCr = found(text.indexOf('\r', from), text);
    return Math.min(this.nextDelimiter, this.nextLf, this.nextCr);
  }
}

/** An `indexOf` result, with "not found" as the end of the text. */
const found = (at: number, text: string): number => (at === -1 ? text.length : at);

/** The cells of the first row of `text` (a header line, say); `[]` when it has no row. */
export function parseCsvLine(text: string, delimiter = ','): string[] {
  const rows: string[][] = [];
  const code = csvDelimiterCode(delimiter);
  parseCsvText(text, code, true, rows, 1);
  return rows[0] ?? [];
}

export interface CsvRowsOptions {
  delimiter?: string;
  /** The file's encoding. @default 'utf-8' */
  encoding?: Encoding;
  notes?: CsvRowNotes;
}

/**
 * Parses a byte range that holds whole CSV rows into rows of cells. Yields batches of rows
 * (arrays of strings) so callers can stream. Cells are the file's strings exactly: quoted
 * delimiters and line breaks kept, `""` unescaped to `"`. Blank lines are skipped.
 *
 * A leading U+FEFF is kept as data: a part never starts with the file's BOM (the planner's
 * boundaries start after it), so a U+FEFF here belongs to a cell.
 *
 * `encoding` (default `utf-8`) is the file's: a Latin-1 range decodes byte by byte, a UTF-16
 * one must start on a code unit (the planner gives UTF-16 files one part, after the header).
 */
export async function* parseCsvRows(
  chunks: AsyncIterable<Uint8Array>,
  options: CsvRowsOptions = {},
): AsyncGenerator<string[][]> {
  const delimiter = csvDelimiterCode(options.delimiter);
  // Decoding before parsing, with `stream: true`, keeps a multi-byte char that is split
  // across two chunks whole.
  const decoder = new TextDecoder(DECODER_LABELS[options.encoding ?? 'utf-8'], { ignoreBOM: true });
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  }
  yield* parseCsvTextChunks(text(), delimiter, '', options.notes);
}

/**
 * Rows of CSV text that arrives in pieces (of any size, split anywhere), in batches: one per
 * piece that completes a row, and one at the end.
 */
export async function* parseCsvTextChunks(
  pieces: AsyncIterable<string>,
  delimiter: number,
  pending = '',
  notes?: CsvRowNotes,
): AsyncGenerator<string[][]> {
  // An unfinished row is re-parsed from its start when more text arrives. Waiting until the
  // text has doubled before retrying keeps a row far longer than a chunk linear, not quadratic.
  let retryAt = 0;
  let rowBase = 0;
  const lines = notes?.onRowLine ? new RowLines(notes.onRowLine.bind(notes)) : undefined;
  const starts = lines ? ([] as number[]) : undefined;
  const parse = (final: boolean, rows: string[][]) => {
    const consumed = parseCsvText(pending, delimiter, final, rows, undefined, notes, rowBase, starts);
    if (lines && starts) lines.note(pending, starts, consumed, rowBase);
    return consumed;
  };
  for await (const piece of pieces) {
    pending += piece;
    if (pending.length < retryAt) continue;
    const rows: string[][] = [];
    const consumed = parse(false, rows);
    pending = pending.slice(consumed);
    retryAt = pending.length * 2;
    rowBase += rows.length;
    if (rows.length > 0) yield rows;
  }
  const rows: string[][] = [];
  parse(true, rows);
  if (rows.length > 0) yield rows;
}

/**
 * Tells each row's line from where the rows start in the text parsed. A parse never stops
 * between the CR and the LF of a CRLF (it waits for the next character), so the text it
 * consumed ends on a whole line break and the count carries over to the text after it.
 */
class RowLines {
  /** The line the unconsumed text starts on. */
  private line = 1;

  constructor(private readonly onRowLine: (row: number, line: number) => void) {}

  /** Rows `rowBase`… start at `starts` in `text`, of which `consumed` characters are done with; empties `starts`. */
  note(text: string, starts: number[], consumed: number, rowBase: number): void {
    // The next LF and CR, found by `indexOf` (far faster than a loop over every character).
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    const countTo = (to: number) => {
      for (; lf !== -1 && lf < to; lf = text.indexOf('\n', lf + 1)) this.line++;
      for (; cr !== -1 && cr < to; cr = text.indexOf('\r', cr + 1))
        if (text.charCodeAt(cr + 1) !== LF) this.line++;
    };
    for (let i = 0; i < starts.length; i++) {
      countTo(starts[i] as number);
      this.onRowLine(rowBase + i, this.line);
    }
    countTo(consumed);
    starts.length = 0;
  }
}
