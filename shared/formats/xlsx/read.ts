/**
 * Reading an XLSX workbook, streamed: every worksheet becomes one `SheetReadResult`, in the
 * order the file stores them. The zip is read entry by entry and a sheet row by row, so
 * memory holds the shared strings table (the format makes it random access) and a batch of
 * rows, never the workbook. Worksheets stored before the shared strings (Excel's order, and
 * any file without shared strings) are spilled by exceljs to temp files until the end of
 * the zip; that takes disk (Lambda's `/tmp`), not memory.
 */
import { Readable } from 'node:stream';
import { PartwiseError, UnprocessableError } from '../../domain/errors.js';
import type { Row, SheetReadResult } from '../table.js';
import { type SheetRow, WorkbookStream } from './workbook-reader.js';

export interface XlsxReadOptions {
  /**
   * 1-based row number of the header in every sheet; rows above it are skipped. A sheet whose
   * row of that number is empty has the header `[]`.
   * @default 1
   */
  headerRow?: number;
}

/**
 * Sheets in turn. A sheet's `rows` must be read (or left) before the next sheet is asked
 * for: the zip is one stream, so asking for the next sheet reads the rest of this one
 * through and drops it.
 */
export async function* readXlsx(
  bytes: AsyncIterable<Uint8Array>,
  options: XlsxReadOptions = {},
): AsyncGenerator<SheetReadResult> {
  const headerRow = options.headerRow ?? 1;
  if (!Number.isSafeInteger(headerRow) || headerRow < 1)
    throw new RangeError(`headerRow must be 1 or more; got ${headerRow}`);
  // exceljs pipes the input into the unzipper, and a pipe does not pass errors on: a failing
  // source (a dropped S3 connection) would be an unhandled stream error. So the source's
  // error is kept aside, the input just ends, and the error is rethrown as it was.
  let sourceError: { error: unknown } | undefined;
  async function* guarded(): AsyncGenerator<Uint8Array> {
    try {
      yield* bytes;
    } catch (error) {
      sourceError = { error };
    }
  }
  const input = Readable.from(guarded(), { objectMode: false });
  try {
    for await (const sheet of new WorkbookStream(input)) {
      const source = sheet.rows;
      const { header, first } = await splitHeader(source, headerRow);
      let done = false;
      async function* rows(): AsyncGenerator<Row[]> {
        if (first.length > 0) yield first.splice(0);
        for (let next = await source.next(); !next.done; next = await source.next()) {
          yield next.value.map((row) => row.cells);
        }
        done = true;
      }
      yield { name: sheet.name, header, rows: rows() };
      // The caller is done with this sheet: read its rest so the zip can move on.
      if (!done) for (let next = await source.next(); !next.done; next = await source.next());
    }
  } catch (error) {
    if (sourceError) throw sourceError.error;
    if (error instanceof PartwiseError) throw error;
    // Anything else comes from unzipping or parsing: the file is not a workbook we can read.
    throw new UnprocessableError(`The XLSX file cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    input.destroy();
  }
  if (sourceError) throw sourceError.error;
}

/** Reads up to the header row; returns its cells and the data rows read with it. */
async function splitHeader(
  source: AsyncGenerator<SheetRow[]>,
  headerRow: number,
): Promise<{ header: string[]; first: Row[] }> {
  for (let next = await source.next(); !next.done; next = await source.next()) {
    const batch = next.value;
    // Rows arrive in order; those above the header row are skipped.
    const at = batch.findIndex((row) => row.number >= headerRow);
    if (at === -1) continue;
    const found = batch[at] as SheetRow;
    const header = found.number === headerRow ? found.cells : [];
    const from = found.number === headerRow ? at + 1 : at;
    return { header, first: batch.slice(from).map((row) => row.cells) };
  }
  return { header: [], first: [] };
}
