/**
 * An XLSX workbook opened by random access: its sheets are listed from the workbook part, and
 * reading one opens that worksheet's zip entry and nothing else but the shared strings and
 * styles (loaded once per book). Memory holds the shared strings table (the format makes it
 * random access) and a batch of rows, never the workbook.
 */
import { UnprocessableError } from '../../domain/errors.js';
import type { Row, SheetReadResult } from '../table.js';
import type { XlsxCellContext } from './cells.js';
import {
  type Relationship,
  readRelationships,
  readSharedStrings,
  readStyles,
  readWorkbook,
  relsPathOf,
} from './parts.js';
import type { RandomAccessSource } from './source.js';
import { type SheetRow, sheetRows } from './worksheet.js';
import { ZipArchive } from './zip.js';

export interface XlsxSheetOptions {
  /**
   * 1-based row number of the header; rows above it are skipped. A sheet whose row of that
   * number is empty or missing has the header `[]`.
   * @default 1
   */
  headerRow?: number;
  /** Takes each data row's worksheet row number, in order, before the batch that holds the row is yielded. */
  onRowNumber?: (number: number) => void;
}

export interface XlsxSheetRead extends SheetReadResult {
  /** The data rows after the header. Return it (a `for await` that breaks does) to close the sheet's entry early. */
  rows: AsyncGenerator<Row[]>;
}

export interface XlsxBook {
  /** Worksheets in the workbook's own order (workbook.xml `<sheets>`), chartsheets and dialog sheets left out; `index` is the position in this list. */
  sheets: { name: string; index: number }[];
  /** One worksheet's header row and its data rows after it, streamed in batches. An `index` not in `sheets` is a bug: `RangeError`. */
  readSheet(index: number, options?: XlsxSheetOptions): Promise<XlsxSheetRead>;
  /** Closes every entry stream still open. */
  close(): Promise<void>;
}

/** The file is not a zip, or holds no workbook: `UnprocessableError`; the source fails: its error. */
export async function openXlsx(source: RandomAccessSource): Promise<XlsxBook> {
  const zip = await ZipArchive.open(source);
  try {
    const workbookPath = await findWorkbook(zip);
    const relationships = await relationshipsOf(zip, workbookPath);
    const workbook = await readWorkbook(await zip.openEntry(workbookPath), workbookPath);
    const sheets: { name: string; part: string }[] = [];
    for (const { name, relationshipId } of workbook.sheets) {
      const target = relationships.find((r) => r.id === relationshipId);
      if (!target?.part)
        throw new UnprocessableError(`The XLSX workbook lists a sheet "${name}" that it does not hold.`);
      if (target.kind !== 'worksheet') continue; // a chartsheet or dialog sheet has no rows
      if (!zip.has(target.part))
        throw new UnprocessableError(`The XLSX workbook's sheet "${name}" is missing (no ${target.part}).`);
      sheets.push({ name, part: target.part });
    }
    return new Book(zip, sheets, workbook.date1904, {
      sharedStrings: partOf(relationships, 'sharedStrings', workbookPath, 'sharedStrings.xml'),
      styles: partOf(relationships, 'styles', workbookPath, 'styles.xml'),
    });
  } catch (error) {
    await zip.close();
    throw zip.readError(error);
  }
}

/** The workbook part, as the package's relationships name it (`_rels/.rels`), else where Excel puts it. */
async function findWorkbook(zip: ZipArchive): Promise<string> {
  const packageRels = relsPathOf('');
  if (zip.has(packageRels)) {
    const relationships = await readRelationships(await zip.openEntry(packageRels), packageRels, '');
    const office = relationships.find((r) => r.kind === 'officeDocument' && r.part && zip.has(r.part));
    if (office?.part) return office.part;
  }
  if (zip.has('xl/workbook.xml')) return 'xl/workbook.xml';
  throw new UnprocessableError('The file is a ZIP archive but not an XLSX workbook (no xl/workbook.xml).');
}

async function relationshipsOf(zip: ZipArchive, part: string): Promise<Relationship[]> {
  const path = relsPathOf(part);
  return zip.has(path) ? readRelationships(await zip.openEntry(path), path, part) : [];
}

/** The part a relationship of `kind` names, else where Excel puts it, beside the workbook (the zip may hold neither). */
function partOf(relationships: Relationship[], kind: string, workbookPath: string, usual: string) {
  const named = relationships.find((r) => r.kind === kind && r.part)?.part;
  return named ?? `${workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1)}${usual}`;
}

/** The header row asked for, 1 by default; anything but a positive integer is a bug: `RangeError`. */
export function checkedHeaderRow(options: XlsxSheetOptions): number {
  const headerRow = options.headerRow ?? 1;
  if (!Number.isSafeInteger(headerRow) || headerRow < 1)
    throw new RangeError(`headerRow must be 1 or more; got ${headerRow}`);
  return headerRow;
}

class Book implements XlsxBook {
  readonly sheets: { name: string; index: number }[];
  private context: Promise<XlsxCellContext> | undefined;
  private closed = false;

  constructor(
    private readonly zip: ZipArchive,
    private readonly parts: { name: string; part: string }[],
    private readonly date1904: boolean,
    private readonly shared: { sharedStrings: string; styles: string },
  ) {
    this.sheets = parts.map(({ name }, index) => ({ name, index }));
  }

  async readSheet(index: number, options: XlsxSheetOptions = {}): Promise<XlsxSheetRead> {
    if (this.closed) throw new Error('The workbook is closed.');
    const sheet = this.parts[index];
    if (!sheet) throw new RangeError(`The workbook has no worksheet ${index} (it has ${this.parts.length}).`);
    const headerRow = checkedHeaderRow(options);
    try {
      this.context ??= this.loadContext();
      const context = await this.context;
      const rows = this.rowsAfterHeader(sheet.part, context, headerRow, options.onRowNumber);
      // Run to the first yield, which hands out the header. The generator then waits at a
      // yield, where `return()` runs its `finally` and closes the entry, unlike one not started.
      const first = await rows.next();
      return { name: sheet.name, header: first.value?.[0] ?? [], rows };
    } catch (error) {
      throw this.zip.readError(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.zip.close();
  }

  /** Yields the header (as a batch of one row) first, then the batches of data rows after it. */
  private async *rowsAfterHeader(
    part: string,
    context: XlsxCellContext,
    headerRow: number,
    onRowNumber?: (number: number) => void,
  ) {
    const cellsOf = (rows: SheetRow[]) =>
      rows.map((row) => {
        onRowNumber?.(row.number);
        return row.cells;
      });
    const entry = await this.zip.openEntry(part);
    try {
      const batches = sheetRows(entry, part, context);
      let header: Row = [];
      let first: Row[] = [];
      // Not `for await`: breaking out of it would end `batches` before the data rows.
      for (let next = await batches.next(); !next.done; next = await batches.next()) {
        // Rows arrive in order; those above the header row are skipped.
        const batch = next.value;
        const at = batch.findIndex((row) => row.number >= headerRow);
        if (at === -1) continue;
        const found = batch[at] as SheetRow;
        if (found.number === headerRow) header = found.cells;
        first = cellsOf(batch.slice(found.number === headerRow ? at + 1 : at));
        break;
      }
      yield [header];
      if (first.length > 0) yield first;
      for await (const batch of batches) yield cellsOf(batch);
    } catch (error) {
      throw this.zip.readError(error);
    } finally {
      entry.destroy();
    }
  }

  private async loadContext(): Promise<XlsxCellContext> {
    const { zip } = this;
    const { sharedStrings, styles } = this.shared;
    // A workbook of numbers and inline strings may have neither part.
    const [strings, numFmtOf] = await Promise.all([
      zip.has(sharedStrings)
        ? zip.openEntry(sharedStrings).then((e) => readSharedStrings(e, sharedStrings))
        : [],
      zip.has(styles) ? zip.openEntry(styles).then((e) => readStyles(e, styles)) : () => undefined,
    ]);
    return { sharedStrings: strings, date1904: this.date1904, numFmtOf };
  }
}
