/** Files, workbooks and sheets: the resources jobs work on. */
import type { Action } from './actions.js';

/**
 * `deleted` is a file removed while its upload URL still works: kept, never shown, so that
 * whatever the URL uploads is removed with it once the URL has expired.
 */
export const FILE_STATUSES = ['pending', 'available', 'deleted'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/**
 * Bytes one upload URL takes: S3's own limit for one PUT, which a presigned URL is.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html
 */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** Content sent in the request itself (`PUT /files/:id/content`): API Gateway HTTP APIs take bodies up to 10 MB. */
export const DIRECT_UPLOAD_LIMIT = 10 * 1024 * 1024;

export interface DataFile {
  id: string;
  environmentId: string;
  name: string;
  mediaType: string;
  status: FileStatus;
  /** Bytes, once the content is uploaded. */
  size?: number;
  /** Where the content lives in the bucket. Never shown: keys are partwise's own. */
  key: string;
  /** The size declared when the file was created: its content must be exactly that long. */
  expectedSize?: number;
  /** When the upload URL stops working (files created by POST /files). */
  uploadExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface Field {
  key: string;
  label?: string;
  description?: string;
  type: FieldType;
  required?: boolean;
  /** Allowed values of an `enum` field. */
  options?: string[];
}

export interface Sheet {
  id: string;
  workbookId: string;
  environmentId: string;
  name: string;
  /** A short name of the caller's, unique within the workbook (Flatfile's sheet slug). */
  slug?: string;
  fields: Field[];
  actions?: Action[];
  createdAt: string;
}

export interface Workbook {
  id: string;
  /**
   * 1 when created, one more for each change (none for a workbook stored before revisions
   * were: read as 0). Its ETag is made of it; a change with If-Match is written only if
   * the revision is still the one matched.
   */
  revision?: number;
  environmentId: string;
  name: string;
  sheets: Sheet[];
  actions?: Action[];
  createdAt: string;
  updatedAt: string;
}

/**
 * A run of a sheet's records, stored in S3 as NDJSON; `ordinal` orders segments within the sheet.
 *
 * Ordinals are `run * RUN_SPAN + index`: each job that adds records to a sheet takes a new run
 * (reserved from a counter on the sheet, so two jobs never collide), and its part `index`
 * writes segment `index` of that run. A map re-run writes into the run of the earlier map of
 * the same source (`origin`), so it replaces those records instead of adding more.
 */
export interface SheetSegment {
  sheetId: string;
  ordinal: number;
  /** The S3 object holding the records; a rewrite (delete) writes a new object and swaps it in. */
  key: string;
  rows: number;
  /** Records with `valid: false`. */
  invalid: number;
  /** The job that last wrote this segment. */
  jobId: string;
  /** What the run's records came from: `map:<sourceSheetId>` for a map; absent for an extract. */
  origin?: string;
  /** Rows the segment held before `jobId` rewrote it (a delete), so a retried part can tell what it removed. */
  rowsBefore?: number;
}

/** Part indexes of one run stay below this (MAX_PARTS is 100,000); ordinals stay safe integers. */
export const RUN_SPAN = 1_000_000;

export const segmentOrdinal = (run: number, index: number): number => run * RUN_SPAN + index;
export const runOf = (ordinal: number): number => Math.floor(ordinal / RUN_SPAN);
export const indexOf = (ordinal: number): number => ordinal % RUN_SPAN;

export type SheetValue = string | number | boolean | null;

export interface SheetRecord {
  /** Unique within the sheet: `<run>.<index>.<row>` in base 36, from where the record was first written. */
  id: string;
  values: Record<string, SheetValue>;
  /** Every value fits its field. */
  valid: boolean;
  /** Per field, why its value does not fit (only on invalid records). */
  messages?: Record<string, string>;
}

/**
 * A record as a segment stores it: `[id, value of keys[0], value of keys[1], …]`, then its
 * messages only when it is invalid. Rows, not objects, are what the hot paths build and
 * serialize: no key repeated per record, and a row serializes about twice as fast.
 */
export type RecordRow = [id: string, ...rest: unknown[]];

/** The record a row holds, given the keys of its segment. */
export function rowToRecord(keys: readonly string[], row: RecordRow): SheetRecord {
  // Own properties whatever the key: a field named `__proto__` is a field, not the prototype.
  const values: Record<string, SheetValue> = Object.fromEntries(
    keys.map((key, i) => [key, (row[i + 1] ?? null) as SheetValue]),
  );
  const messages = row[keys.length + 1] as Record<string, string> | undefined;
  return messages ? { id: row[0], values, valid: false, messages } : { id: row[0], values, valid: true };
}

/** The row of a record for a segment with `keys` (a key the record lacks: null). */
export function recordToRow(keys: readonly string[], record: SheetRecord): RecordRow {
  const row: RecordRow = [record.id];
  for (const key of keys) row.push(Object.hasOwn(record.values, key) ? (record.values[key] ?? null) : null);
  if (!record.valid) row.push(record.messages ?? {});
  return row;
}

/** A row is valid when it carries no messages. */
export const rowIsValid = (keys: readonly string[], row: RecordRow): boolean => row.length <= keys.length + 1;

/** The id of the `row`-th record (0-based) of the segment at `ordinal`. */
export function recordId(ordinal: number, row: number): string {
  return recordIds(ordinal)(row);
}

/**
 * `recordId(ordinal, row)` for the rows of one segment: the segment's part of the id is made
 * once, not per record (a part reads or writes a million).
 */
export function recordIds(ordinal: number): (row: number) => string {
  const segment = `${runOf(ordinal).toString(36)}.${indexOf(ordinal).toString(36)}.`;
  return (row) => segment + row.toString(36);
}

/** Turns a header cell into a field key: lower case, words joined by `_`, unique within the sheet. */
export function fieldKeys(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((cell, index) => {
    const base =
      cell
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || `column_${index + 1}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}_${count + 1}`;
  });
}
