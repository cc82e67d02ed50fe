import { type Field, fieldKeys } from '../domain/resources.js';

/** How a file's columns meet a sheet's fields. */
export interface ColumnMatch {
  /** For each field, the index of its column in the header, or -1 when no column matched it. */
  columns: number[];
  /** Header cells no field matched (a blank cell reads `(column N)`). */
  unmatchedColumns: string[];
  /** Keys of the fields no column matched. */
  missingFields: string[];
}

/** Case, spaces, `_` and `-` do not matter: `Full Name`, `full_name` and `FULLNAME` are one name. */
export const normalizeName = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Header cells match field keys or labels, ignoring case and spaces. A key match beats a
 * label match; when two columns match one field, the first one wins and the other is unmatched.
 */
export function matchColumns(header: readonly string[], fields: readonly Field[]): ColumnMatch {
  const byKey = new Map<string, number>();
  const byLabel = new Map<string, number>();
  fields.forEach((field, i) => {
    if (!byKey.has(normalizeName(field.key))) byKey.set(normalizeName(field.key), i);
    if (field.label && !byLabel.has(normalizeName(field.label))) byLabel.set(normalizeName(field.label), i);
  });
  const columns = fields.map(() => -1);
  const unmatchedColumns: string[] = [];
  header.forEach((cell, c) => {
    const name = normalizeName(cell);
    const f = byKey.get(name) ?? byLabel.get(name);
    if (f !== undefined && columns[f] === -1 && name !== '') columns[f] = c;
    else unmatchedColumns.push(cell.trim() === '' ? `(column ${c + 1})` : cell);
  });
  const missingFields = fields.filter((_, i) => columns[i] === -1).map((field) => field.key);
  return { columns, unmatchedColumns, missingFields };
}

/** The fields of a sheet made from a file's header: one text field per column, keys from the cells. */
export function fieldsFromHeader(header: readonly string[]): Field[] {
  const keys = fieldKeys([...header]);
  return keys.map((key, i) => ({ key, label: header[i] || key, type: 'string' as const }));
}

/**
 * The raw values of one row for the fields, by the column each field took. Identity columns
 * (a sheet made from this very header) hand the row itself over.
 */
export function rowPicker(columns: readonly number[]): (cells: readonly unknown[]) => readonly unknown[] {
  if (columns.every((column, i) => column === i)) return (cells) => cells;
  return (cells) => columns.map((column) => (column < 0 ? undefined : cells[column]));
}
