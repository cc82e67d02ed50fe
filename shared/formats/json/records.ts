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
 */
import { UnprocessableError, ValidationError } from '../../domain/errors.js';
import type { Row, TableReader } from '../table.js';

/**
 * A parsed object. A `Map` when the object has an integer-like key (`"7"`): JavaScript puts
 * those first in an object whatever the text says, so such objects keep the text's key order
 * in a map instead.
 */
export type JsonRecord = Record<string, unknown> | Map<string, unknown>;

export interface RecordReadOptions {
  /** Columns to start from, in order; skips the sample. */
  header?: readonly string[];
  /** How many objects the header is taken from. @default 1000 */
  sampleRecords?: number;
  /**
   * The longest object text (an NDJSON line, an array element) read before failing: without
   * a limit, an unclosed string or a file with no line breaks would be held whole.
   * @default 16 Mi characters
   */
  maxRecordChars?: number;
}

export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

export function recordTooLong(where: string, max: number): UnprocessableError {
  return new UnprocessableError(`${where} is longer than ${max} characters; is the file malformed?`);
}

/** Parses one JSON text that must be an object; `where` names it in errors ("line 3", "element 2"). */
export function parseRecord(text: string, where: string): JsonRecord {
  let value: unknown;
  try {
    // A JavaScript number holds 15–17 significant digits: longer digit runs are read as text.
    value = LONG_DIGITS.test(text) ? JSON.parse(quoteLongNumbers(text)) : JSON.parse(text);
  } catch (error) {
    throw new UnprocessableError(`${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UnprocessableError(`${where} is not a JSON object.`);
  const object = value as Record<string, unknown>;
  // Integer-like keys, if any, are first: checking the first key is enough.
  for (const key in object) return INTEGER_KEY.test(key) ? inTextOrder(object, text) : object;
  return object;
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

/** One row as a JSON object text. Cells past the header have no key and are left out; a missing cell is left out too. */
export function recordJson(keys: readonly string[], row: Row): string {
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
