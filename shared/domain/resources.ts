/** Files, workbooks and sheets: the resources jobs work on. */
import type { Action } from './actions.js';

export const FILE_STATUSES = ['pending', 'available'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

export interface DataFile {
  id: string;
  environmentId: string;
  name: string;
  mediaType: string;
  status: FileStatus;
  /** Bytes, once the content is uploaded. */
  size?: number;
  /** Where the content lives in the bucket. */
  key: string;
  createdAt: string;
  updatedAt: string;
}

export const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface Field {
  key: string;
  label?: string;
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
  fields: Field[];
  actions?: Action[];
  createdAt: string;
}

export interface Workbook {
  id: string;
  environmentId: string;
  name: string;
  sheets: Sheet[];
  actions?: Action[];
  createdAt: string;
  updatedAt: string;
}

/** A run of a sheet's records, stored in S3 as NDJSON; `ordinal` orders segments within the sheet. */
export interface SheetSegment {
  sheetId: string;
  ordinal: number;
  key: string;
  rows: number;
  jobId: string;
}

export interface SheetRecord {
  id: string;
  values: Record<string, string | number | boolean | null>;
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
