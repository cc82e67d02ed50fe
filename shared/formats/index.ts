/**
 * Streaming readers and writers for CSV, TSV, NDJSON, JSON (an array of objects) and XLSX,
 * all through one shape (`table.ts`): a header and batches of text rows. `readSheets` and
 * `writeTable` pick the format by name, so an operation handles every format alike.
 */
import { type CsvReadOptions, readCsv, readTsv } from './csv/read.js';
import { writeCsv, writeTsv } from './csv/write.js';
import type { Format } from './detect.js';
import { type JsonArrayWriteOptions, readJsonArray, writeJson } from './json/array.js';
import { readNdjson, writeNdjson } from './json/ndjson.js';
import type { SheetReadResult, SheetSource, TableSource } from './table.js';
import { xlsx } from './xlsx-support.js';

export { DELIMITER_CANDIDATES, detectDelimiter } from './csv/delimiter.js';
export type { CsvReadOptions, CsvTableReader } from './csv/read.js';
export { readCsv, readTsv } from './csv/read.js';
export type { CsvWriteOptions } from './csv/write.js';
export { writeCsv, writeTsv } from './csv/write.js';
export { detectFormat, FORMAT_EXTENSIONS, FORMAT_MEDIA_TYPES, FORMATS, type Format } from './detect.js';
export { decodeText, ENCODINGS, type Encoding, parseEncoding } from './encoding.js';
export { escapeFormula } from './formula.js';
export type { JsonArrayWriteOptions } from './json/array.js';
export { readJsonArray, writeJson } from './json/array.js';
export type { JsonReadOptions } from './json/ndjson.js';
export { readNdjson, writeNdjson } from './json/ndjson.js';
export type { Row, SheetReadResult, SheetSource, TableReader, TableSource } from './table.js';
export type { XlsxReadOptions } from './xlsx/read.js';
export type { XlsxWriteOptions } from './xlsx/write.js';

export interface ReadOptions extends CsvReadOptions {
  /** The name of the one sheet of a text format. @default 'Sheet1' */
  sheetName?: string;
  /** NDJSON / JSON: start from these columns instead of sampling (see `json/records.ts`). */
  header?: readonly string[];
}

/**
 * The sheets of a file: every worksheet of an XLSX, else the one table of a text format.
 * Options that do not apply to the format are ignored (`delimiter` for JSON, say).
 */
export async function* readSheets(
  format: Format,
  bytes: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<SheetReadResult> {
  if (format === 'xlsx') {
    yield* xlsx().read(bytes, { headerRow: options.headerRow });
    return;
  }
  const name = options.sheetName ?? 'Sheet1';
  const { encoding } = options;
  switch (format) {
    case 'csv':
      yield { name, ...(await readCsv(bytes, options)) };
      return;
    case 'tsv':
      yield { name, ...(await readTsv(bytes, options)) };
      return;
    case 'ndjson':
      yield { name, ...(await readNdjson(bytes, { encoding, header: options.header })) };
      return;
    case 'json':
      yield { name, ...(await readJsonArray(bytes, { encoding, header: options.header })) };
      return;
  }
}

export interface WriteOptions extends JsonArrayWriteOptions {
  includeHeader?: boolean;
  escapeFormulas?: boolean;
  /** CSV only. @default ',' */
  delimiter?: string;
  /** XLSX only. @default the table's `name` when it has one, else 'Sheet1' */
  sheetName?: string;
}

/** A table in `format`, as UTF-8 chunks. Options that do not apply to the format are ignored. */
export function writeTable(
  format: Format,
  table: TableSource | SheetSource,
  options: WriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const { includeHeader, escapeFormulas } = options;
  switch (format) {
    case 'csv':
      return writeCsv(table, { includeHeader, escapeFormulas, delimiter: options.delimiter });
    case 'tsv':
      return writeTsv(table, { includeHeader, escapeFormulas });
    case 'ndjson':
      return writeNdjson(table);
    case 'json':
      return writeJson(table, options);
    case 'xlsx':
      return xlsx().write(table, {
        includeHeader,
        escapeFormulas,
        sheetName: options.sheetName ?? ('name' in table ? table.name : undefined),
      });
  }
}
