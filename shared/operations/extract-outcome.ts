/** What a completed extract tells its caller: counts per sheet, the row ledger, and a sentence that says it plainly. */
import type { Encoding } from '../formats/encoding.js';
import type { Ledger } from './extract-ledger.js';
import type { SourceLayout } from './extract-source.js';

export interface SheetTally {
  name: string;
  sheetId: string;
  records: number;
  invalid: number;
  unmatchedColumns: string[];
  missingFields: string[];
}

/** The encoding's name as people know it: `latin1` is decoded as Windows-1252. */
export const encodingName = (encoding: Encoding): string =>
  encoding === 'latin1' ? 'windows-1252' : encoding;

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function extractOutcome(input: {
  layout: Omit<SourceLayout, 'boundaries' | 'tables'>;
  ledger: Ledger;
  sheets: SheetTally[];
  skipped: string[];
  workbookId?: string;
}): Record<string, unknown> {
  const { layout, ledger, sheets, skipped } = input;
  const records = ledger.recordsStored;
  const invalid = ledger.recordsInvalid;
  const unique = (lists: string[][]) => [...new Set(lists.flat())];
  const encoding = layout.encoding ? encodingName(layout.encoding) : undefined;
  return {
    message: sentence(input),
    records,
    valid: records - invalid,
    invalid,
    rejected: ledger.rowsRejected,
    format: layout.format,
    ...(encoding ? { encoding, encodingSource: layout.encodingSource } : {}),
    ...(layout.delimiter ? { delimiter: layout.delimiter } : {}),
    workbookId: input.workbookId,
    sheetId: sheets[0]?.sheetId,
    sheets,
    unmatchedColumns: unique(sheets.map((s) => s.unmatchedColumns)),
    missingFields: unique(sheets.map((s) => s.missingFields)),
    ...(skipped.length > 0 ? { unmatchedWorksheets: skipped } : {}),
    ledger,
  };
}

function sentence(input: Parameters<typeof extractOutcome>[0]): string {
  const { layout, ledger, sheets } = input;
  const format = layout.format.toUpperCase();
  if (layout.size === 0)
    return `The ${format} file is empty: there are no rows to extract, and no records were stored.`;
  if (ledger.rowsRead === 0) {
    const header = input.sheets.length > 0 && layout.format !== 'xlsx' && layout.format !== 'json';
    return header
      ? `The ${format} file has no data rows (only a header row, or blank lines): no records were stored.`
      : `The ${format} file holds no data rows: no records were stored.`;
  }
  const parts = [
    `Extracted ${count(ledger.recordsStored, 'record')} (${ledger.recordsInvalid.toLocaleString('en-US')} invalid) from ${format} into ${count(sheets.length, 'sheet')}.`,
  ];
  if (ledger.rowsRejected > 0) {
    const first = ledger.rejections[0];
    parts.push(
      `${count(ledger.rowsRejected, 'row was', 'rows were')} rejected${first ? ` (the first at line ${first.line}: ${first.reason})` : ''}: see ledger.rejections.`,
    );
  }
  if (layout.encoding === 'latin1' && layout.encodingSource !== 'config')
    parts.push('The file is not UTF-8: it was read as Windows-1252.');
  if (ledger.warningCount > 0) {
    const first = ledger.warnings[0];
    parts.push(
      `${count(ledger.warningCount, 'byte sequence is', 'byte sequences are')} not valid UTF-8 and stored as U+FFFD${first ? ` (the first at line ${first.line})` : ''}: see ledger.warnings.`,
    );
  }
  return parts.join(' ');
}
