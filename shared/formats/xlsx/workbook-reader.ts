/**
 * exceljs's streaming `WorkbookReader`, with its text handling replaced. We keep what it does
 * well — unzipping entry by entry, relationships, sheet names, styles, the shared strings
 * cache, spilling sheets that precede the shared strings to temp files — and swap the parts
 * that lose data in exceljs 4.4.0 (the last release; pinned exactly in package.json because
 * this overrides its `_parse*` methods):
 *
 * - Each inflated chunk is decoded on its own (`parse-sax`'s `bufferToString`), so a
 *   multi-byte UTF-8 character cut by a chunk edge becomes U+FFFD (exceljs issues #2084,
 *   #2316). Here every entry is decoded by one streaming decoder before parsing.
 * - Inline and formula strings are entity-decoded twice (`&amp;lt;` comes back as `<`); an
 *   inline string of several runs keeps only its last; a shared string with phonetic runs
 *   (`<rPh>`, Japanese files) reads as the phonetic text; `_xHHHH_` escapes stay encoded.
 * - Rows become exceljs `Row`/`Cell` objects with style lookups, a cost per cell we don't need.
 */
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import parseSax, { type SaxEvent } from 'exceljs/lib/utils/parse-sax.js';
import { decodeXString, type XlsxCellContext, xlsxCellText } from './cells.js';

/** One row of a worksheet: its 1-based row number and its cells as text (gaps filled with `''`). */
export interface SheetRow {
  number: number;
  cells: string[];
}

/** A worksheet as the workbook stream hands it out: read its rows to the end before asking for the next sheet. */
export interface WorksheetStream {
  name: string;
  rows: AsyncGenerator<SheetRow[]>;
}

/** What this module relies on inside exceljs 4.4.0's WorkbookReader. */
interface WorkbookReaderInternals {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { id: number; name: string; rId: string }[] };
  properties?: { model?: { date1904?: boolean } };
  sharedStrings?: string[];
  styles: { getStyleModel(id: number): { numFmt?: string } | null };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  [Symbol.asyncIterator](): AsyncGenerator<WorksheetStream>;
}

const ExcelJsWorkbookReader = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (
  input: Readable,
  options: object,
) => WorkbookReaderInternals;

/** Iterate it for the worksheets, in the order the zip holds them. */
export class WorkbookStream extends ExcelJsWorkbookReader {
  constructor(input: Readable) {
    // Styles are needed to tell a date from a number; hyperlinks and rich formatting are not.
    super(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore' });
  }

  // String mode decodes with Node's StringDecoder, which carries a cut character over.
  override _parseRels(entry: Readable): Promise<void> {
    entry.setEncoding('utf8');
    return super._parseRels(entry);
  }

  override _parseWorkbook(entry: Readable): Promise<void> {
    entry.setEncoding('utf8');
    return super._parseWorkbook(entry);
  }

  /** Replaces exceljs's: plain text of each `<si>`, its runs joined, phonetic runs left out. */
  // biome-ignore lint/correctness/useYield: exceljs's parse() delegates to it with `yield*`; it has nothing to emit.
  async *_parseSharedStrings(entry: Readable): AsyncGenerator<never> {
    entry.setEncoding('utf8');
    const strings: string[] = [];
    let text = '';
    let inText = false;
    let inPhonetic = false;
    for await (const events of parseSax(entry as AsyncIterable<string>)) {
      for (const event of events) {
        if (event.eventType === 'text') {
          if (inText && !inPhonetic) text += event.value;
          continue;
        }
        const open = event.eventType === 'opentag';
        switch (event.value.name) {
          case 't':
            inText = open;
            break;
          case 'rPh':
            inPhonetic = open;
            break;
          case 'si':
            if (open) text = '';
            else strings.push(decodeXString(text));
            break;
        }
      }
    }
    this.sharedStrings = strings;
  }

  /** Replaces exceljs's: yields our worksheet stream instead of its `WorksheetReader`. */
  *_parseWorksheet(
    chunks: AsyncIterable<Uint8Array>,
    sheetNo: string,
  ): Generator<{ eventType: 'worksheet'; value: WorksheetStream }> {
    const target = `worksheets/sheet${sheetNo}.xml`;
    const rel = this.workbookRels?.find((r) => r.Target === target || r.Target === `/xl/${target}`);
    const sheet = rel && this.model?.sheets?.find((s) => s.rId === rel.Id);
    const context: XlsxCellContext = {
      sharedStrings: this.sharedStrings ?? [],
      date1904: this.properties?.model?.date1904 === true,
      numFmtOf: (style) => this.styles.getStyleModel(style)?.numFmt,
    };
    const value = { name: sheet?.name ?? `Sheet${sheetNo}`, rows: sheetRows(utf8Text(chunks), context) };
    yield { eventType: 'worksheet', value };
  }
}

async function* utf8Text(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** "BC12" → 55: the 1-based column of a cell reference. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) break;
    col = col * 26 + (c - 0x40);
  }
  return col;
}

/** The rows of a worksheet's XML (`<sheetData><row><c t s><v>|<is><t>…`), one batch per parsed chunk. */
async function* sheetRows(xml: AsyncIterable<string>, context: XlsxCellContext): AsyncGenerator<SheetRow[]> {
  let row: SheetRow | undefined;
  let rowNumber = 0;
  let col = 0;
  let type: string | undefined;
  let style = 0;
  let text = '';
  let hasValue = false;
  let capture = false;
  let inPhonetic = false;
  for await (const events of parseSax(xml)) {
    const rows: SheetRow[] = [];
    for (const event of events as SaxEvent[]) {
      if (event.eventType === 'text') {
        if (capture && !inPhonetic) text += event.value;
        continue;
      }
      const { name, attributes } = event.value;
      if (event.eventType === 'opentag') {
        switch (name) {
          case 'row':
            // `r` may be left out, meaning the row after the previous one.
            rowNumber = attributes.r ? Number.parseInt(attributes.r, 10) : rowNumber + 1;
            row = { number: rowNumber, cells: [] };
            col = 0;
            break;
          case 'c':
            col = attributes.r ? columnOf(attributes.r) : col + 1;
            type = attributes.t;
            style = attributes.s ? Number.parseInt(attributes.s, 10) : 0;
            text = '';
            hasValue = false;
            break;
          case 'v':
          case 't':
            capture = true;
            hasValue = true;
            break;
          case 'rPh':
            inPhonetic = true;
            break;
        }
      } else {
        switch (name) {
          case 'v':
          case 't':
            capture = false;
            break;
          case 'rPh':
            inPhonetic = false;
            break;
          case 'c':
            if (row && hasValue && col > 0) row.cells[col - 1] = xlsxCellText(type, style, text, context);
            break;
          case 'row':
            // A row without cells only carries formatting (a height, a style): it is no data row.
            if (row && row.cells.length > 0) {
              const { cells } = row;
              for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
              rows.push(row);
            }
            row = undefined;
            break;
        }
      }
    }
    if (rows.length > 0) yield rows;
  }
}
