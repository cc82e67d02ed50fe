/**
 * Which format a file is in, from what an upload tells us: its name, its media type, its
 * first bytes.
 */
import { DELIMITER_SAMPLE_CHARS, detectDelimiter } from './csv/delimiter.js';
import { decodeAll, encodingFromBom } from './encoding.js';

export const FORMATS = ['csv', 'tsv', 'ndjson', 'json', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_MEDIA_TYPES: Record<Format, string> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const FORMAT_EXTENSIONS: Record<Format, string> = {
  csv: '.csv',
  tsv: '.tsv',
  ndjson: '.ndjson',
  json: '.json',
  xlsx: '.xlsx',
};

const BY_EXTENSION: Record<string, Format | 'json-family'> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  xlsx: 'xlsx',
  json: 'json-family',
  ndjson: 'json-family',
  jsonl: 'json-family',
};

const BY_MEDIA_TYPE: Record<string, Format | 'json-family'> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/json': 'json-family',
  'application/x-ndjson': 'json-family',
  'application/ndjson': 'json-family',
  'application/jsonl': 'json-family',
  'application/x-jsonlines': 'json-family',
};

const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4: every XLSX is a zip
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0]; // legacy .xls, .doc: not supported
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * The format of a file: by its extension, else its media type, else its content. Content
 * decides within the JSON family whatever the name says, since `.json` files are often
 * NDJSON: a first non-blank `[` is a JSON array, `{` NDJSON. By content alone, `PK\3\4` is
 * XLSX, `[` JSON, `{` NDJSON, anything else delimited text: TSV when the detected delimiter
 * is a tab, else CSV. `undefined`: a format we do not read (a legacy `.xls`, say).
 *
 * `firstBytes` should be the file's first few KiB (the more, the better the delimiter guess).
 */
export function detectFormat(
  name: string | undefined,
  mediaType: string | undefined,
  firstBytes: Uint8Array,
): Format | undefined {
  const extension = name?.match(/\.([^./\\]+)$/)?.[1]?.toLowerCase();
  const bareType = mediaType?.split(';')[0]?.trim().toLowerCase();
  const claimed = (extension && BY_EXTENSION[extension]) || (bareType && BY_MEDIA_TYPE[bareType]);
  if (claimed === 'json-family') return jsonFamily(firstText(firstBytes)) ?? 'json';
  if (claimed) return claimed;

  if (startsWith(firstBytes, ZIP)) return 'xlsx';
  if (startsWith(firstBytes, OLE2)) return undefined;
  const text = firstText(firstBytes);
  return jsonFamily(text) ?? (detectDelimiter(text) === '\t' ? 'tsv' : 'csv');
}

function jsonFamily(text: string): 'json' | 'ndjson' | undefined {
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  return undefined;
}

/** The sample as text, in the encoding its BOM announces (UTF-8 without one), BOM removed. */
function firstText(bytes: Uint8Array): string {
  const encoding = encodingFromBom(bytes)?.encoding ?? 'utf-8';
  const text = decodeAll(bytes, encoding);
  return text.slice(0, DELIMITER_SAMPLE_CHARS);
}
