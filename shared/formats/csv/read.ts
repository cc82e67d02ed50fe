/**
 * Reading a whole CSV or TSV stream: encoding from the BOM (or the config), delimiter from a
 * sample (or the config), the header row, then the rows in batches. The byte-range parts of
 * a large file go through `planCsvLayout` and `parseCsvRows` instead; both apply the same rules.
 *
 * TSV here is CSV with a tab delimiter: quoted cells may hold tabs, quotes and line breaks,
 * which is what spreadsheets write (the IANA TSV form, with no quoting, is the subset of it
 * whose cells hold none of those).
 */
import { decodeText, type Encoding, peekText } from '../encoding.js';
import type { TableReader } from '../table.js';
import { DELIMITER_SAMPLE_CHARS, detectDelimiter } from './delimiter.js';
import { splitHeaderRow } from './header.js';
import { csvDelimiterCode, parseCsvLine, parseCsvTextChunks } from './rows.js';

export interface CsvReadOptions {
  /** One character; auto-detected among `,` `;` tab `|` when not given (see `detectDelimiter`). */
  delimiter?: string;
  /** Detected from the BOM when not given; `utf-8` without one. */
  encoding?: Encoding;
  /**
   * 1-based physical row (blank lines count) that holds the header; rows before it are skipped.
   * @default 1
   */
  headerRow?: number;
}

export interface CsvTableReader extends TableReader {
  /** The delimiter used: the one given or the one detected. */
  delimiter: string;
  /** The encoding used: the one given or the one detected. */
  encoding: Encoding;
}

export async function readCsv(
  bytes: AsyncIterable<Uint8Array>,
  options: CsvReadOptions = {},
): Promise<CsvTableReader> {
  // Validate what was given before reading anything.
  if (options.delimiter !== undefined) csvDelimiterCode(options.delimiter);
  const { encoding, text } = await decodeText(bytes, options.encoding);
  const { head, complete, rest } = await peekText(text, DELIMITER_SAMPLE_CHARS);
  const delimiter = options.delimiter ?? detectDelimiter(head, { complete });
  const code = csvDelimiterCode(delimiter);
  const split = await splitHeaderRow(head, rest, options.headerRow ?? 1, delimiter);
  const header = split.line === undefined ? [] : parseCsvLine(split.line, delimiter);
  const remaining: AsyncIterable<string> = { [Symbol.asyncIterator]: () => rest };
  return { header, rows: parseCsvTextChunks(remaining, code, split.after), delimiter, encoding };
}

/** `readCsv` with a tab delimiter. */
export function readTsv(
  bytes: AsyncIterable<Uint8Array>,
  options: Omit<CsvReadOptions, 'delimiter'> = {},
): Promise<CsvTableReader> {
  return readCsv(bytes, { ...options, delimiter: '\t' });
}
