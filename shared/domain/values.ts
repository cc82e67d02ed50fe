/**
 * Typed sheet values: a text cell or a JSON value converted to its field's type. Pure.
 *
 * What each type accepts (text is trimmed first; an empty text is "no value"):
 * - `string`: any text, kept exactly as given (spaces and all); a number or boolean becomes its text.
 * - `number`: a finite JSON number, or text in the C/en-US form: optional sign, digits, an
 *   optional `.` fraction and exponent (`-12.5`, `.5`, `1e6`), or digits grouped by `,` in
 *   threes (`1,234,567.89`). Nothing else: no currency, units, `%`, spaces, hex, `NaN`, and no
 *   decimal comma (`1,5` is rejected rather than misread; `1,500` does read as 1500).
 * - `boolean`: `true`/`false`, `yes`/`no`, `1`/`0`, in any case; a JSON boolean; the numbers 1 and 0.
 * - `date`: stored as ISO 8601, either a date `YYYY-MM-DD` or a date-time
 *   `YYYY-MM-DDTHH:mm:ss[.sss]` followed by `Z` when the input had a zone (then converted to UTC)
 *   and nothing when it had none (a local, "floating" time is not given a zone it never had).
 *   Accepted: `2026-11-28`, `2026/11/28`, `2026-11-28T09:30`, `2026-11-28 09:30:15.250`,
 *   `…Z`, `…+01:00`, `…+0100`, `28 Nov 2026`, `28-Nov-2026`, `Nov 28, 2026`, `November 28 2026`.
 *   `11/28/2026` and `28/11/2026` are refused as ambiguous (day and month order differ by locale).
 * - `enum`: one of the field's `options`, matched ignoring case and surrounding spaces, stored as
 *   the option is written.
 *
 * A value that does not fit is kept as given, with a message; `required` fails on no value.
 */
import { parseDate } from './dates.js';
import { type Field, type FieldType, type RecordRow, rowIsValid, type SheetValue } from './resources.js';

export type Value = SheetValue;

export interface Conversion {
  value: Value;
  /** Why the value does not fit its field; absent when it does. */
  message?: string;
}

const quoted = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

// ---------------------------------------------------------------- numbers

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/** 10^k for k ≤ 15: each exact in a double. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);
const ZERO = 0x30;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;

/**
 * The value of a plain decimal without exponent or spaces and of at most 15 digits (`42`,
 * `-12.5`, `.5`, `5.`), read without a regular expression or `Number(text)`: the most common
 * numbers in files, read in one pass. `undefined` for any other text, which `parseNumber`
 * reads the general way. Exact: the digits form an integer below 2^53 and 10^k (k ≤ 15) is
 * exact too, so their quotient is the correctly rounded value of the decimal, the double
 * `Number(text)` gives (Clinger's fast path).
 */
function shortDecimal(text: string): number | undefined {
  const length = text.length;
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === MINUS || sign === PLUS) i = 1;
  let digits = 0;
  let fraction = -1;
  let mantissa = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    const d = c - ZERO;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === DOT && fraction < 0) fraction = 0;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const value = fraction > 0 ? mantissa / (POWERS_OF_TEN[fraction] as number) : mantissa;
  // -0 is stored as 0 (see parseNumber).
  return sign === MINUS ? -value + 0 : value;
}

/** The number a text holds, or undefined. */
export function parseNumber(text: string): number | undefined {
  const short = shortDecimal(text);
  if (short !== undefined) return short;
  let source = text.trim();
  if (!PLAIN_NUMBER.test(source)) {
    if (!GROUPED_NUMBER.test(source)) return undefined;
    source = source.replaceAll(',', '');
  }
  const value = Number(source);
  // -0 is stored as 0: a sheet has no use for a signed zero, and JSON writes both as 0.
  return Number.isFinite(value) ? value + 0 : undefined;
}

// ---------------------------------------------------------------- booleans

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['0', false],
]);

// ---------------------------------------------------------------- conversion

type Converter = (raw: unknown) => Conversion;

const isBlankText = (text: string): boolean => text.length === 0 || text.trim() === '';

const isBlank = (raw: unknown): boolean =>
  raw === null || raw === undefined || (typeof raw === 'string' && isBlankText(raw));

/** The stored value as the text a file cell holds: `''` for no value. */
export function valueText(value: Value | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function asGiven(raw: unknown): Value {
  if (raw === undefined) return null;
  if (raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
    return raw;
  return JSON.stringify(raw);
}

/**
 * The value of a non-blank text for a type (`undefined`: it does not fit): what a converter
 * gives a text cell that fits, and what `rowTyper` takes first, before it builds a conversion.
 */
type TextValue = (text: string) => Value | undefined;

function textValue(type: FieldType, options: readonly string[]): TextValue {
  switch (type) {
    case 'string':
      return (text) => text;
    case 'number':
      return parseNumber;
    case 'boolean':
      // Most cells are written as stored (`true`): found before a trimmed, lower-case copy is made.
      return (text) => BOOLEANS.get(text) ?? BOOLEANS.get(text.trim().toLowerCase());
    case 'date':
      return (text) => {
        const value = parseDate(text);
        return value === 'ambiguous' ? undefined : value;
      };
    case 'enum': {
      const canonical = new Map(options.map((option) => [option.trim().toLowerCase(), option]));
      // A cell written as an option is: the option it matches ignoring case (the last such option).
      const exact = new Map(options.map((option) => [option, canonical.get(option.trim().toLowerCase())]));
      return (text) => exact.get(text) ?? canonical.get(text.trim().toLowerCase());
    }
  }
}

function typeConverter(type: FieldType, options: readonly string[] = []): Converter {
  const fits = textValue(type, options);
  switch (type) {
    case 'string':
      return (raw) => ({ value: typeof raw === 'string' ? raw : valueText(asGiven(raw)) });
    case 'number':
      return (raw) => {
        if (typeof raw === 'number' && Number.isFinite(raw)) return { value: raw + 0 };
        const value = typeof raw === 'string' ? fits(raw) : undefined;
        return value === undefined
          ? { value: asGiven(raw), message: `${quoted(valueText(asGiven(raw)))} is not a number` }
          : { value };
      };
    case 'boolean':
      return (raw) => {
        if (typeof raw === 'boolean') return { value: raw };
        const value =
          typeof raw === 'string' ? fits(raw) : typeof raw === 'number' ? fits(String(raw)) : undefined;
        return value === undefined
          ? {
              value: asGiven(raw),
              message: `${quoted(valueText(asGiven(raw)))} is not a boolean (true/false, yes/no, 1/0)`,
            }
          : { value };
      };
    case 'date':
      return (raw) => {
        const value = typeof raw === 'string' ? parseDate(raw) : undefined;
        if (value !== undefined && value !== 'ambiguous') return { value };
        const text = quoted(valueText(asGiven(raw)));
        return {
          value: asGiven(raw),
          message:
            value === 'ambiguous'
              ? `${text} is ambiguous (day and month order differ by locale): write YYYY-MM-DD`
              : `${text} is not a date (YYYY-MM-DD, YYYY-MM-DDTHH:mm:ss with an optional zone, or 28 Nov 2026)`,
        };
      };
    case 'enum': {
      const list = options.join(', ');
      return (raw) => {
        const text = valueText(asGiven(raw));
        const value = fits(text);
        return value === undefined
          ? { value: asGiven(raw), message: `${quoted(text)} is not one of: ${list}` }
          : { value };
      };
    }
  }
}

/** Converts raw values to one field's type; `undefined` (no column) and blank text mean no value. */
export function fieldConverter(field: Field): Converter {
  const convert = typeConverter(field.type, field.options);
  const keepBlank = field.type === 'string';
  return (raw) => {
    if (isBlank(raw)) {
      // A string field keeps an empty text as it is (`''` is a value a CSV cell holds).
      const value = keepBlank && typeof raw === 'string' ? raw : null;
      return field.required
        ? { value: raw === undefined ? null : asGiven(raw), message: 'is required' }
        : { value };
    }
    return convert(raw);
  };
}

export function convertValue(raw: unknown, field: Field): Conversion {
  return fieldConverter(field)(raw);
}

/** Every field is optional text: each cell becomes its value as it is, and no record can be invalid. */
export const keepsCellsAsTheyAre = (fields: readonly Field[]): boolean =>
  fields.every((field) => field.type === 'string' && !field.required);

/**
 * Per field, the value a text cell takes without a conversion built for it: a text cell of an
 * optional string field as given (blank too), a non-blank text that fits its field's type
 * (most cells of most files). `undefined`: the field's converter decides.
 */
class QuickValues {
  private readonly asIs: boolean[];
  private readonly fits: TextValue[];

  constructor(fields: readonly Field[]) {
    this.asIs = fields.map((field) => field.type === 'string' && !field.required);
    this.fits = fields.map((field) => textValue(field.type, field.options ?? []));
  }

  of(i: number, text: string): Value | undefined {
    if (this.asIs[i]) return text;
    return isBlankText(text) ? undefined : (this.fits[i] as TextValue)(text);
  }
}

/**
 * Builds the rows of a sheet's records (see `RecordRow`): `raw[i]` is the raw value for
 * `fields[i]` (`undefined`: the source has none). Every field gets a value (null for none);
 * the messages only when some value does not fit.
 */
export function rowTyper(fields: readonly Field[]): (id: string, raw: readonly unknown[]) => RecordRow {
  const converters = fields.map(fieldConverter);
  const quick = new QuickValues(fields);
  const keys = fields.map((field) => field.key);
  const count = fields.length;
  return (id, raw) => {
    const row: RecordRow = [id];
    let messages: Record<string, string> | undefined;
    for (let i = 0; i < count; i++) {
      const cell = raw[i];
      if (typeof cell === 'string') {
        const value = quick.of(i, cell);
        if (value !== undefined) {
          row.push(value);
          continue;
        }
      }
      const result = (converters[i] as Converter)(cell);
      row.push(result.value);
      if (result.message !== undefined) {
        messages ??= {};
        messages[keys[i] as string] = result.message;
      }
    }
    if (messages) row.push(messages);
    return row;
  };
}

/**
 * Whether the row `rowTyper(fields)` makes of `raw` is valid (has no messages), found without
 * building the row when every cell is a text that takes its value quickly; for any other row
 * the typer decides. What stores a typed CSV slice checks each row with it: only the invalid
 * ones are built.
 */
export function rowChecker(fields: readonly Field[]): (raw: readonly unknown[]) => boolean {
  const quick = new QuickValues(fields);
  const typed = rowTyper(fields);
  const keys = fields.map((field) => field.key);
  const count = fields.length;
  return (raw) => {
    for (let i = 0; i < count; i++) {
      const cell = raw[i];
      if (typeof cell !== 'string' || quick.of(i, cell) === undefined)
        return rowIsValid(keys, typed('', raw));
    }
    return true;
  };
}
