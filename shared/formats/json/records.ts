/**
 * JSON objects ↔ rows, shared by NDJSON and the JSON array format.
 *
 * Reading: the header is the union of the keys of the first `sampleRecords` objects, in
 * first-seen order. A key first seen later is appended to the end of that same `header`
 * array when its object is read, and rows from then on carry it at that index; rows read
 * before are shorter (a missing cell is `''`). So a caller that holds `header` sees it grow,
 * and `header.length` after the last batch is the final column count. With `header` given,
 * no sample is taken: columns start as given, and unknown keys are appended the same way.
 *
 * Values become text: a string as it is, a number as JavaScript writes it (an integer of
 * 16 or more digits keeps its exact digits), `true`/`false`, `null` as `''`, and an object or
 * array as compact JSON.
 *
 * Rows: every non-blank NDJSON line and every JSON array element is one row read. A row that
 * is not a JSON object (not valid JSON, or `42`, `"x"`, `[1]`, `null`) is rejected: given to
 * `onReject` with its line, and reading goes on; without `onReject` it fails the read, as a
 * reader that drops it silently would lose a row without a word. A `RowLedger` counts both,
 * so a caller can check `read = records + rejected`.
 */
import { UnprocessableError, ValidationError } from '../../domain/errors.js';
import type { Row, TableReader } from '../table.js';

/**
 * A parsed object. A `Map` when the object has an integer-like key (`"7"`): JavaScript puts
 * those first in an object whatever the text says, so such objects keep the text's key order
 * in a map instead.
 */
export type JsonRecord = Record<string, unknown> | Map<string, unknown>;

/** A row that is not a JSON object: where it starts and why it was not read. */
export interface RecordRejection {
  /** 1-based, counted from the first character the reader was given. */
  line: number;
  /** Short, for people: `not valid JSON: Unexpected token …`, `a JSON array, not an object`. */
  reason: string;
}

/**
 * A read's row counts, which the reader adds to as it goes (so one ledger can span the parts
 * of a file); they are final once the rows have been read to the end.
 */
export interface RowLedger {
  /** Rows read: objects turned into rows, plus rows rejected. Blank lines are no rows. */
  read: number;
  /** Rows given to `onReject`. */
  rejected: number;
  /**
   * Lines of the text read, blank ones included (a last line without a line end counts). A
   * part of a file that ends at a line end holds this many lines: the sum over the parts
   * before a part is the number of lines before it.
   */
  lines: number;
}

export const newRowLedger = (): RowLedger => ({ read: 0, rejected: 0, lines: 0 });

/** How a reader turns text into objects. */
export interface RecordScanOptions {
  /**
   * The longest object text (an NDJSON line, an array element) read before failing: without
   * a limit, an unclosed string or a file with no line breaks would be held whole. Always an
   * error, even with `onReject`: past it the file is malformed beyond one row.
   * @default 16 Mi characters
   */
  maxRecordChars?: number;
  /**
   * Takes each row that is not a JSON object, and reading goes on; `text` is the row's text,
   * when it has one. Without it, such a row fails the read.
   */
  onReject?: (rejection: RecordRejection, text?: string) => void;
  /** Counts the rows read and rejected, and the lines (see `RowLedger`). */
  ledger?: RowLedger;
  /** Takes the line each object that becomes a row starts on, in the order the objects are yielded. */
  onRecordLine?: (line: number) => void;
}

export interface RecordReadOptions extends RecordScanOptions {
  /** Columns to start from, in order; skips the sample. */
  header?: readonly string[];
  /** How many objects the header is taken from. @default 1000 */
  sampleRecords?: number;
}

export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * Each row's text to an object or a rejection, counted in the ledger: the one place where
 * both readers decide what a row is. `name` says where a row is in an error message
 * (`NDJSON line 3`, `JSON array element 2 on line 5`).
 */
export class RecordRows {
  readonly maxChars: number;
  readonly ledger: RowLedger;
  private readonly onReject: RecordScanOptions['onReject'];
  private readonly onRecordLine: ((line: number) => void) | undefined;

  constructor(
    options: RecordScanOptions,
    private readonly name: (line: number) => string,
  ) {
    this.maxChars = options.maxRecordChars ?? MAX_RECORD_CHARS;
    this.ledger = options.ledger ?? newRowLedger();
    this.onReject = options.onReject;
    this.onRecordLine = options.onRecordLine;
  }

  /** Adds the object `text` holds to `records`, or rejects the row. `text` starts on `line`. */
  take(text: string, line: number, records: JsonRecord[]): void {
    if (text.length > this.maxChars) throw this.tooLong(line);
    const record = parseRecord(text);
    if (typeof record === 'string') {
      this.reject(line, record, text);
    } else {
      this.ledger.read++;
      records.push(record);
      this.onRecordLine?.(line);
    }
  }

  /** A row read that is no object: counted and given to `onReject`, or an error when there is none. */
  reject(line: number, reason: string, text?: string): void {
    if (!this.onReject) throw new UnprocessableError(`${this.name(line)} is ${reason}.`);
    this.ledger.read++;
    this.ledger.rejected++;
    this.onReject({ line, reason }, text);
  }

  tooLong(line: number): UnprocessableError {
    return new UnprocessableError(
      `${this.name(line)} is longer than ${this.maxChars} characters; is the file malformed?`,
    );
  }
}

/** The object one JSON text holds, or why it holds none (a `RecordRejection` reason). */
function parseRecord(text: string): JsonRecord | string {
  let value: unknown;
  try {
    // A JavaScript number holds 15–17 significant digits: longer digit runs are read as text.
    value = LONG_DIGITS.test(text) ? JSON.parse(quoteLongNumbers(text)) : JSON.parse(text);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${jsonKind(value)}, not an object`;
  const object = value as Record<string, unknown>;
  // Integer-like keys, if any, are first: checking the first key is enough.
  for (const key in object) return INTEGER_KEY.test(key) ? inTextOrder(object, text) : object;
  return object;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a JSON array';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : 'a boolean';
}

const COLON_AFTER = /\s*:/y;
/** Keys an object orders first: array indices, 0 … 2^32 - 2. */
const INTEGER_KEY = /^(?:0|[1-9]\d{0,9})$/;

function inTextOrder(object: Record<string, unknown>, text: string): Map<string, unknown> {
  const ordered = new Map<string, unknown>();
  let depth = 0;
  for (const match of text.matchAll(TOKENS)) {
    const token = match[0];
    const c = token.charCodeAt(0);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x22 && depth === 1) {
      // A string at the top level is a key when a colon follows it.
      COLON_AFTER.lastIndex = match.index + token.length;
      if (!COLON_AFTER.test(text)) continue;
      const key = JSON.parse(token) as string;
      if (!ordered.has(key)) ordered.set(key, object[key]);
    }
  }
  return ordered;
}

const LONG_DIGITS = /\d{16}/;
// Whole strings first, so digits inside a string are never touched; then numbers and brackets.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\]]/g;

/** Turns each number of 16+ digits that is a member of the top-level object into a JSON string of its own text. */
function quoteLongNumbers(text: string): string {
  let depth = 0;
  return text.replace(TOKENS, (token) => {
    const c = token.charCodeAt(0);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c !== 0x22 && depth === 1 && token.replace(/\D/g, '').length >= 16) return `"${token}"`;
    return token;
  });
}

export function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Column positions of keys, growing as new keys appear. */
export class RecordColumns {
  readonly header: string[];
  private readonly index = new Map<string, number>();

  constructor(initial: readonly string[] = []) {
    this.header = [];
    for (const key of initial) this.indexOf(key);
  }

  indexOf(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.header.length;
      this.index.set(key, i);
      this.header.push(key);
    }
    return i;
  }

  addKeys(record: JsonRecord): void {
    if (record instanceof Map) for (const key of record.keys()) this.indexOf(key);
    else for (const key in record) this.indexOf(key);
  }

  toRow(record: JsonRecord): Row {
    const row: Row = [];
    if (record instanceof Map) for (const [key, value] of record) row[this.indexOf(key)] = cellText(value);
    else for (const key in record) row[this.indexOf(key)] = cellText(record[key]);
    // Fill the holes (keys this object lacks) and pad to the header, so rows are dense arrays.
    for (let i = 0; i < this.header.length; i++) if (row[i] === undefined) row[i] = '';
    return row;
  }
}

/** A table from batches of objects: the first batches up to the sample size decide the header. */
export async function recordTable(
  batches: AsyncIterable<JsonRecord[]>,
  options: RecordReadOptions = {},
): Promise<TableReader> {
  const source = batches[Symbol.asyncIterator]();
  const sampled: JsonRecord[][] = [];
  let done = false;
  if (options.header === undefined) {
    const sampleRecords = options.sampleRecords ?? 1000;
    for (let count = 0; count < sampleRecords; ) {
      const next = await source.next();
      if (next.done) {
        done = true;
        break;
      }
      sampled.push(next.value);
      count += next.value.length;
    }
  }
  const columns = new RecordColumns(options.header);
  for (const batch of sampled) for (const record of batch) columns.addKeys(record);
  async function* rows(): AsyncGenerator<Row[]> {
    for (const batch of sampled.splice(0)) yield batch.map((record) => columns.toRow(record));
    if (done) return;
    for (let next = await source.next(); !next.done; next = await source.next()) {
      if (next.value.length > 0) yield next.value.map((record) => columns.toRow(record));
    }
  }
  return { header: columns.header, rows: rows() };
}

/** The JSON key of each column, checked once per file: two columns with one name would overwrite each other. */
export function jsonKeys(header: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const key of header) {
    if (seen.has(key))
      throw new ValidationError(`Column ${JSON.stringify(key)} appears twice; JSON keys must differ.`);
    seen.add(key);
  }
  return header.map((key) => JSON.stringify(key));
}

/**
 * What the JSON writers take per cell: text is written as a JSON string, a number or boolean
 * as itself (a typed sheet's values keep their type), and `null` as `null`.
 */
export type JsonCell = string | number | boolean | null;

/** A row the JSON writers take. A row of text cells (`Row`) is one. */
export type JsonRow = readonly JsonCell[];

/**
 * One row as a JSON object text. Cells past the header have no key and are left out; a
 * missing cell (past the row's end, or a hole) is left out too, while `null` is written.
 */
export function recordJson(keys: readonly string[], row: JsonRow): string {
  let text = '{';
  const n = Math.min(keys.length, row.length);
  for (let i = 0; i < n; i++) {
    const cell = row[i];
    if (cell === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${keys[i]}:${JSON.stringify(cell)}`;
  }
  return `${text}}`;
}
