/**
 * Writing an XLSX workbook, streamed, with exceljs's `WorkbookWriter`: each row is committed
 * as it comes (the zip is deflated as it goes), so memory holds a batch, not the workbook.
 *
 * Strings are written inline (no shared strings table, which would keep every distinct
 * string in memory to the end). Cells are text; XML-forbidden characters are kept through
 * `_xHHHH_` escapes (see `encodeXString`). An XLSX file is one zip, so unlike the text formats
 * it cannot be written in pieces by parallel parts.
 */
import { type EventEmitter, once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { formulaEscaper } from '../formula.js';
import type { Row, SheetSource, TableSource } from '../table.js';
import { encodeXString } from './cells.js';

export interface XlsxWriteOptions {
  /** The sheet's name when one table is written. @default 'Sheet1' */
  sheetName?: string;
  /** Write the header row. @default true */
  includeHeader?: boolean;
  /** Prefix `'` to cells that a spreadsheet would run as formulas (see `escapeFormula`). @default true */
  escapeFormulas?: boolean;
}

/** Rows committed between two waits for the zip and the reader of the output to catch up. */
const ROWS_PER_TURN = 256;

/** One table as one worksheet, or several named tables as several worksheets, in order. */
export async function* writeXlsx(
  tables: TableSource | readonly SheetSource[],
  options: XlsxWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const sheets: readonly SheetSource[] = Array.isArray(tables)
    ? tables
    : [{ ...(tables as TableSource), name: options.sheetName ?? 'Sheet1' }];
  const guard = formulaEscaper(options.escapeFormulas);
  // A one-run rich text is what exceljs writes as an inline string (`t="inlineStr"`).
  const cellValue = (cell: string | undefined) => ({
    richText: [{ text: encodeXString(guard(cell ?? '')) }],
  });
  const includeHeader = options.includeHeader ?? true;

  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const names = sheetNames(sheets.map((sheet) => sheet.name));
  const writing = (async () => {
    for (const [i, sheet] of sheets.entries()) {
      const worksheet = workbook.addWorksheet(names[i]);
      if (includeHeader && sheet.header.length > 0) worksheet.addRow(sheet.header.map(cellValue)).commit();
      let sinceTurn = 0;
      for await (const batch of sheet.rows) {
        for (const row of batch as Row[]) {
          worksheet.addRow(row.map(cellValue)).commit();
          if (++sinceTurn === ROWS_PER_TURN) {
            sinceTurn = 0;
            await caughtUp(worksheet);
          }
        }
      }
      worksheet.commit();
    }
    await workbook.commit();
  })();
  // A failure while writing ends the output with that error, so the consumer sees it.
  writing.catch((error: unknown) => out.destroy(error as Error));
  for await (const chunk of out) yield chunk as Buffer;
  await writing;
}

/** What exceljs 4.4.0's streaming worksheet writes into: a stream piped into the zip's deflate. */
interface SheetStreamInternals {
  stream?: {
    pipes?: (EventEmitter & { _writableState?: { length: number; needDrain: boolean } })[];
  };
}

/** Sheet XML that may wait for the deflate at most; past it, the writer waits. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/**
 * exceljs's sheet streams never push back: everything written is queued before the deflate,
 * which is slower than making rows. So the writer watches that queue itself (an exceljs
 * internal, pinned with its version) and, past 1 MiB, waits for it to drain — which also
 * holds when the deflate waits for a slow reader of the output. A turn of the event loop
 * between slices of rows lets the zip move either way.
 */
async function caughtUp(worksheet: unknown): Promise<void> {
  await new Promise(setImmediate);
  for (const pipe of (worksheet as SheetStreamInternals).stream?.pipes ?? []) {
    const state = pipe._writableState;
    if (state?.needDrain && state.length > MAX_BACKLOG_BYTES) await once(pipe, 'drain');
  }
}

const FORBIDDEN = /[[\]:*?/\\]/g;

/**
 * Names Excel accepts: at most 31 characters, none of `[ ] : * ? / \`, not starting or ending
 * with `'`, not empty, unique ignoring case. A name that breaks a rule is mended, not refused.
 */
export function sheetNames(wanted: readonly string[]): string[] {
  const taken = new Set<string>();
  return wanted.map((name, i) => {
    let base = name
      .replace(FORBIDDEN, '_')
      .replace(/^'+|'+$/g, '')
      .slice(0, 31)
      .trim();
    if (base === '') base = `Sheet${i + 1}`;
    let candidate = base;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      candidate = base.slice(0, 31 - suffix.length) + suffix;
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
