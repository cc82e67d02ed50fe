/**
 * Writing CSV and TSV (RFC 4180 quoting), streamed: batches of rows in, UTF-8 chunks out.
 *
 * A cell is quoted when it holds the delimiter, a quote, `\n` or `\r`, and also when the
 * reader would otherwise lose it: a U+FEFF first (it would pass for a BOM) and a row that is
 * one empty cell (it would be a blank line, which readers skip). A row with no cells at all
 * cannot be told from a blank line and is not written.
 */
import { formulaEscaper } from '../formula.js';
import { type Row, type TableSource, Utf8Output } from '../table.js';
import { csvDelimiterCode } from './rows.js';

export interface CsvWriteOptions {
  /** @default ',' */
  delimiter?: string;
  /**
   * Write the header row. Off for the parts after the first when parts write pieces of one file.
   * @default true
   */
  includeHeader?: boolean;
  /** Prefix `'` to cells that a spreadsheet would run as formulas (see `escapeFormula`). @default true */
  escapeFormulas?: boolean;
  /** @default '\r\n' (RFC 4180) */
  lineEnding?: '\n' | '\r\n';
  /** Start with a UTF-8 BOM, which Excel needs to open UTF-8 CSV as UTF-8. @default false */
  bom?: boolean;
}

export async function* writeCsv(
  table: TableSource,
  options: CsvWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const delimiter = options.delimiter ?? ',';
  csvDelimiterCode(delimiter);
  const lineEnding = options.lineEnding ?? '\r\n';
  const guard = formulaEscaper(options.escapeFormulas);
  // Cells holding any of these are quoted; the delimiter is escaped for the character class.
  const special = new RegExp(`["\\r\\n${delimiter.replace(/[\\\]^-]/g, '\\$&')}]`);
  const line = (row: readonly string[]): string => {
    if (row.length === 1 && row[0] === '') return `""${lineEnding}`;
    let text = '';
    for (let i = 0; i < row.length; i++) {
      const cell = guard(row[i] ?? '');
      if (i > 0) text += delimiter;
      text += special.test(cell) || cell.charCodeAt(0) === 0xfeff ? `"${cell.replaceAll('"', '""')}"` : cell;
    }
    return text + lineEnding;
  };

  const out = new Utf8Output();
  if (options.bom) out.push('\uFEFF');
  if ((options.includeHeader ?? true) && table.header.length > 0) {
    const chunk = out.push(line(table.header));
    if (chunk) yield chunk;
  }
  for await (const batch of table.rows) {
    for (const row of batch as Row[]) {
      if (row.length === 0) continue;
      const chunk = out.push(line(row));
      if (chunk) yield chunk;
    }
  }
  const rest = out.flush();
  if (rest) yield rest;
}

/** `writeCsv` with a tab delimiter. */
export function writeTsv(
  table: TableSource,
  options: Omit<CsvWriteOptions, 'delimiter'> = {},
): AsyncGenerator<Uint8Array> {
  return writeCsv(table, { ...options, delimiter: '\t' });
}
