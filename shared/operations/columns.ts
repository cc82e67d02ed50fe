import { type Field, fieldKeys } from '../domain/resources.js';

/** How a file's columns meet a sheet's fields. */
export interface ColumnMatch {
  /** For each field, the index of its column in the header, or -1 when no column matched it. */
  columns: number[];
  /** Header cells no field matched (a blank cell reads `(column N)`); columns the mapping left out are not among them. */
  unmatchedColumns: string[];
  /** Keys of the fields no column matched. */
  missingFields: string[];
  /** Indexes of the columns the caller's mapping placed (on a field, or left out), in header order. */
  mapped: number[];
}

/**
 * The caller's say on columns (an extract's `config.mapping`): header cell → field key, or
 * null to leave the column out. A column the mapping does not name matches by name.
 */
export type ColumnMapping = Readonly<Record<string, string | null>>;

/** Case, spaces, `_` and `-` do not matter: `Full Name`, `full_name` and `FULLNAME` are one name. */
export const normalizeName = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

/** How a column is shown and named: its header cell, or `(column N)` for a blank one. */
export const columnName = (header: readonly string[], c: number): string =>
  (header[c] ?? '').trim() === '' ? `(column ${c + 1})` : (header[c] as string);

/**
 * The column a mapping entry names, or -1: the first header cell with exactly that text, else
 * with that text once surrounding spaces are trimmed, else `(column N)` (1-based), which names
 * any column — a blank one, or the second of two cells with the same text.
 */
export function columnNamed(header: readonly string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const trimmed = header.findIndex((cell) => cell.trim() !== '' && cell.trim() === name.trim());
  if (trimmed >= 0) return trimmed;
  const numbered = /^\(column (\d{1,7})\)$/.exec(name.trim());
  const c = numbered ? Number(numbered[1]) - 1 : -1;
  return c >= 0 && c < header.length ? c : -1;
}

/**
 * Header cells match field keys or labels, ignoring case and spaces. A key match beats a
 * label match; when two columns match one field, the first one wins and the other is unmatched.
 * The columns a `mapping` names go where it says first (entries that name no column or field
 * of this table are `mappingProblems`' to report, and are passed over here); the other
 * columns match the fields left by name.
 */
export function matchColumns(
  header: readonly string[],
  fields: readonly Field[],
  mapping: ColumnMapping = {},
): ColumnMatch {
  const columns = fields.map(() => -1);
  const placed = new Set<number>();
  for (const [name, key] of Object.entries(mapping)) {
    const c = columnNamed(header, name);
    const f = key === null ? -1 : fields.findIndex((field) => field.key === key);
    if (c < 0 || placed.has(c) || (key !== null && (f < 0 || columns[f] !== -1))) continue;
    placed.add(c);
    if (f >= 0) columns[f] = c;
  }
  const byKey = new Map<string, number>();
  const byLabel = new Map<string, number>();
  fields.forEach((field, i) => {
    if (!byKey.has(normalizeName(field.key))) byKey.set(normalizeName(field.key), i);
    if (field.label && !byLabel.has(normalizeName(field.label))) byLabel.set(normalizeName(field.label), i);
  });
  const unmatchedColumns: string[] = [];
  header.forEach((cell, c) => {
    if (placed.has(c)) return;
    const name = normalizeName(cell);
    const f = byKey.get(name) ?? byLabel.get(name);
    if (f !== undefined && columns[f] === -1 && name !== '') columns[f] = c;
    else unmatchedColumns.push(columnName(header, c));
  });
  const missingFields = fields.filter((_, i) => columns[i] === -1).map((field) => field.key);
  return { columns, unmatchedColumns, missingFields, mapped: [...placed].sort((a, b) => a - b) };
}

/** A table of the file as a mapping is checked against it: its header, and the fields of its sheet (none: no sheet took it). */
export interface MappedTable {
  /** The name of the sheet the table goes to. */
  sheet: string;
  header: readonly string[];
  fields: readonly Field[];
}

/** What is wrong with one entry of a mapping: the entry's column as the caller wrote it, and why. */
export interface MappingProblem {
  column: string;
  detail: string;
}

const listed = (names: readonly string[]) => {
  const shown = names.slice(0, 20).map((name) => JSON.stringify(name));
  return shown.join(', ') + (names.length > 20 ? `, … (${names.length} in all)` : '');
};

/**
 * Checks a mapping against the tables it applies to: each entry must name a column of some
 * table, a field its sheet has (or null), and no two entries may name one column or put two
 * columns on one field. A table no sheet took is left aside.
 */
export function mappingProblems(tables: readonly MappedTable[], mapping: ColumnMapping): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const read = tables.filter((table) => table.fields.length > 0);
  const entries = Object.entries(mapping);
  for (const [name, key] of entries) {
    const holding = read.filter((table) => columnNamed(table.header, name) >= 0);
    if (holding.length === 0) {
      const headers = read.map((table) => listed(table.header.map((_, c) => columnName(table.header, c))));
      problems.push({
        column: name,
        detail: `no column "${name}" in the header (${headers.join('; ') || 'no table is read'})`,
      });
      continue;
    }
    for (const table of holding) {
      if (key !== null && !table.fields.some((field) => field.key === key)) {
        problems.push({
          column: name,
          detail: `no field "${key}" in sheet ${table.sheet} (its fields: ${listed(table.fields.map((f) => f.key))})`,
        });
        continue;
      }
      const c = columnNamed(table.header, name);
      const clash = entries.find(
        ([other, otherKey]) =>
          other !== name &&
          columnNamed(table.header, other) >= 0 &&
          (columnNamed(table.header, other) === c || (key !== null && otherKey === key)),
      );
      if (!clash) continue;
      problems.push({
        column: name,
        detail:
          columnNamed(table.header, clash[0]) === c
            ? `"${name}" and "${clash[0]}" name the same column`
            : `field "${key}" is mapped from both "${name}" and "${clash[0]}": a field takes one column`,
      });
    }
  }
  return problems;
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
