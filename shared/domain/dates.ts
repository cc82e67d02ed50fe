/**
 * Dates of typed sheets (see `values.ts` for the forms accepted): parsing to canonical ISO 8601
 * text with calendar arithmetic of our own, since `Date` maps years 0–99 to 1900–1999 and
 * reads a zone-less date-time in the machine's zone.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function monthOf(name: string): number | undefined {
  const lower = name.toLowerCase();
  const short = MONTHS.indexOf(lower);
  if (short >= 0) return short + 1;
  if (lower === 'sept') return 9;
  const long = MONTH_NAMES.indexOf(lower);
  return long >= 0 ? long + 1 : undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SLASH_YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const DAY_MONTH_YEAR = /^(\d{1,2})[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4})$/;
const MONTH_DAY_YEAR = /^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;
const AMBIGUOUS = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const formatDate = (year: number, month: number, day: number) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

function formatTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const fraction = ms % 1000;
  const text = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return fraction === 0 ? text : `${text}.${pad(fraction, 3)}`;
}

/** Milliseconds of an offset such as `+01:00`, `-0530`, `+02`, `Z`. */
function offsetMs(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** The canonical ISO 8601 text of a date or date-time text, or undefined; `ambiguous` for `11/28/2026`. */
export function parseDate(text: string): string | 'ambiguous' | undefined {
  const source = text.trim();
  // `YYYY-MM-DD`, the form most dates are stored in, is its own canonical text: read from its
  // characters, with no match or new string made.
  if (source.length === 10) {
    const date = isoDateDigits(source);
    if (date !== undefined) return validDate(date.year, date.month, date.day) ? source : undefined;
  }
  let match = ISO_DATE.exec(source) ?? SLASH_YMD.exec(source);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return validDate(year, month, day) ? formatDate(year, month, day) : undefined;
  }
  match = ISO_DATE_TIME.exec(source);
  if (match) return parseDateTime(match);
  match = DAY_MONTH_YEAR.exec(source);
  if (match) return namedDate(Number(match[3]), match[2] ?? '', Number(match[1]));
  match = MONTH_DAY_YEAR.exec(source);
  if (match) return namedDate(Number(match[3]), match[1] ?? '', Number(match[2]));
  return AMBIGUOUS.test(source) ? 'ambiguous' : undefined;
}

/** The numbers of a 10-character `dddd-dd-dd` text (ASCII digits, as `\d` in ISO_DATE), or undefined. */
function isoDateDigits(text: string): { year: number; month: number; day: number } | undefined {
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return undefined;
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const month = digitAt(text, 5) * 10 + digitAt(text, 6);
  const day = digitAt(text, 8) * 10 + digitAt(text, 9);
  return Number.isNaN(year + month + day) ? undefined : { year, month, day };
}

/** The ASCII digit at `at` (NaN: no digit). At module level: a closure made per call costs more than the date. */
function digitAt(text: string, at: number): number {
  const d = text.charCodeAt(at) - 0x30;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

function namedDate(year: number, monthName: string, day: number): string | undefined {
  const month = monthOf(monthName);
  return month !== undefined && validDate(year, month, day) ? formatDate(year, month, day) : undefined;
}

function parseDateTime(match: RegExpExecArray): string | undefined {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  // Milliseconds: finer digits are cut, as JavaScript dates and most databases do.
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const time = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const zone = match[8];
  if (zone === undefined) return `${formatDate(year, month, day)}T${formatTime(time)}`;
  const offset = offsetMs(zone);
  if (offset === undefined) return undefined;
  const instant = daysFromCivil(year, month, day) * 86_400_000 + time - offset;
  const days = Math.floor(instant / 86_400_000);
  const utc = civilFromDays(days);
  if (utc.year < 0 || utc.year > 9999) return undefined;
  return `${formatDate(utc.year, utc.month, utc.day)}T${formatTime(instant - days * 86_400_000)}Z`;
}
