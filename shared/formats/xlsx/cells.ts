/**
 * XLSX cell values ↔ text. A worksheet stores a cell as a type (`t`), a style (`s`) and text;
 * this is where that becomes the one text a row cell holds.
 */

export interface XlsxCellContext {
  sharedStrings: readonly string[];
  /** Whether serial day 0 is 1904-01-01 (old Mac workbooks) rather than 1899-12-30. */
  date1904: boolean;
  /** The number format of a style id (`yyyy-mm-dd`, `0.00`…), `undefined` for none. */
  numFmtOf(style: number): string | undefined;
}

/**
 * Text of one cell, by its type: a shared or inline string as written; a boolean as `true` /
 * `false`; an error as its code (`#N/A`); a number as JavaScript writes it, unless its style
 * is a date format: then an ISO 8601 date (`2024-03-01`) or, with a time of day, a local
 * date-time without offset (`2024-03-01T13:45:00`), since Excel dates carry no time zone.
 */
export function xlsxCellText(
  type: string | undefined,
  style: number,
  text: string,
  context: XlsxCellContext,
): string {
  switch (type) {
    case 's':
      return context.sharedStrings[Number.parseInt(text, 10)] ?? '';
    case 'str':
    case 'inlineStr':
      return decodeXString(text);
    case 'b':
      return text === '1' || text === 'true' ? 'true' : 'false';
    case 'e':
    case 'd': // ISO 8601 already (strict OOXML)
      return text;
    default: {
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) return text;
      if (style > 0 && isDateStyle(style, context)) return excelDateText(value, context.date1904);
      return String(value);
    }
  }
}

const dateStyles = new WeakMap<XlsxCellContext, Map<number, boolean>>();

function isDateStyle(style: number, context: XlsxCellContext): boolean {
  let known = dateStyles.get(context);
  if (!known) {
    known = new Map();
    dateStyles.set(context, known);
  }
  let isDate = known.get(style);
  if (isDate === undefined) {
    isDate = isDateFormat(context.numFmtOf(style));
    known.set(style, isDate);
  }
  return isDate;
}

/** exceljs's rule: a format with a date or time part (y m d h s, b for Buddhist years) outside quotes and brackets. */
export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

const MS_PER_DAY = 86_400_000;
/** Serial day 25569 is 1970-01-01 in the 1900 system; the 1904 system starts 1462 days later. */
const UNIX_EPOCH_SERIAL = 25_569;
const DATE1904_OFFSET = 1_462;

export function excelDateText(serial: number, date1904 = false): string {
  const ms = Math.round((serial - UNIX_EPOCH_SERIAL + (date1904 ? DATE1904_OFFSET : 0)) * MS_PER_DAY);
  const iso = new Date(ms).toISOString(); // the serial as if UTC: Excel's wall-clock time, no zone
  if (ms % MS_PER_DAY === 0) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}

/**
 * OOXML strings escape a character XML cannot hold (and a literal `_xHHHH_`) as `_xHHHH_`
 * (ECMA-376 Part 1, 22.9.2.19 ST_Xstring); Excel writes a carriage return as `_x000D_`.
 */
export function decodeXString(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

const XML_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
  /_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The inverse, for writing: what XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF, a
 * lone surrogate), carriage return (an XML parser turns it into a line feed) and DEL (exceljs
 * would drop it) become `_xHHHH_`, and a literal `_xHHHH_` gets its `_` escaped as `_x005F_`,
 * so that every string reads back as written.
 */
export function encodeXString(text: string): string {
  return text.replace(XML_UNSAFE, (match) =>
    match.length === 1
      ? `_x${match.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`
      : `_x005F_${match.slice(1)}`,
  );
}
