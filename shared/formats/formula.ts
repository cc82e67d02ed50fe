/**
 * Formula (CSV) injection escaping, per OWASP's CSV Injection guidance
 * (https://owasp.org/www-community/attacks/CSV_Injection): a spreadsheet treats a cell that
 * begins with `=`, `+`, `-` or `@` as a formula (and tab / carriage return can hide one), so
 * such a cell is prefixed with `'`, which spreadsheets show as text and do not evaluate.
 *
 * A plain number (`-12.5`, `+3`, `-1e6`) is left as it is: it can never call anything, and
 * escaping it would turn every negative amount in an export into text.
 */
const TRIGGERS = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]); // = + - @ tab CR
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function escapeFormula(cell: string): string {
  if (!TRIGGERS.has(cell.charCodeAt(0))) return cell;
  return PLAIN_NUMBER.test(cell) ? cell : `'${cell}`;
}

/** The cell mapper a writer uses: `escapeFormula` when escaping is on (the default), else the cell as it is. */
export function formulaEscaper(enabled = true): (cell: string) => string {
  return enabled ? escapeFormula : (cell) => cell;
}
