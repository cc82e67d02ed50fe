/** The rows of one worksheet part (`<sheetData><row><c t s><v>|<is><t>…`), as text, streamed. */
import type { Row } from '../table.js';
import { type XlsxCellContext, xlsxCellText } from './cells.js';
import { parseXml } from './xml.js';

/** One row of a worksheet: its 1-based row number and its cells as text (gaps filled with `''`). */
export interface SheetRow {
  number: number;
  cells: Row;
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

/** The worksheet's rows, one batch per chunk of XML that completes any. */
export async function* sheetRows(
  bytes: AsyncIterable<Uint8Array>,
  part: string,
  context: XlsxCellContext,
): AsyncGenerator<SheetRow[]> {
  let rows: SheetRow[] = [];
  let row: SheetRow | undefined;
  let rowNumber = 0;
  let col = 0;
  let type: string | undefined;
  let style = 0;
  let text = '';
  let hasValue = false;
  let capture = false;
  let inPhonetic = false;
  const xml = parseXml(bytes, part, {
    open(name, attributes) {
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
    },
    close(name) {
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
    },
    text(value) {
      if (capture && !inPhonetic) text += value;
    },
  });
  for await (const _ of xml) {
    if (rows.length === 0) continue;
    yield rows;
    rows = [];
  }
}
