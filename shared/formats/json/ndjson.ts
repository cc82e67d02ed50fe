/**
 * NDJSON (JSON Lines): one JSON object per line. Blank lines are skipped; `\r\n` line ends
 * are fine (JSON allows the `\r` as trailing whitespace). Only the unfinished last line is
 * ever held back between chunks, so memory follows the longest line, not the file.
 */
import { decodeText, type Encoding } from '../encoding.js';
import type { TableReader, TableSource } from '../table.js';
import { Utf8Output } from '../table.js';
import {
  type JsonRecord,
  type JsonRow,
  jsonKeys,
  type RecordReadOptions,
  RecordRows,
  type RecordScanOptions,
  recordJson,
  recordTable,
} from './records.js';

export interface JsonReadOptions extends RecordReadOptions {
  /** Detected from the BOM when not given; `utf-8` without one. */
  encoding?: Encoding;
}

export async function readNdjson(
  bytes: AsyncIterable<Uint8Array>,
  options: JsonReadOptions = {},
): Promise<TableReader & { encoding: Encoding }> {
  const { encoding, text } = await decodeText(bytes, options.encoding);
  const table = await recordTable(ndjsonRecords(text, options), options);
  return { ...table, encoding };
}

/**
 * Objects of NDJSON text, one batch per piece of text that completes a line. A line that is
 * not a JSON object goes to `options.onReject` (or fails the read without it); its line
 * number counts from the first character of `pieces`.
 */
export async function* ndjsonRecords(
  pieces: AsyncIterable<string>,
  options: RecordScanOptions = {},
): AsyncGenerator<JsonRecord[]> {
  const rows = new RecordRows(options, (line) => `NDJSON line ${line}`);
  const { ledger } = rows;
  let pending = '';
  let lineNumber = 0;
  const parseLines = (text: string, records: JsonRecord[]) => {
    for (const line of text.split('\n')) {
      lineNumber++;
      ledger.lines++;
      // A line of whitespace only is blank; checking the common empty cases first skips a trim.
      if (line.length === 0 || line === '\r' || line.trim().length === 0) continue;
      rows.take(line, lineNumber, records);
    }
  };
  for await (const piece of pieces) {
    const end = piece.lastIndexOf('\n');
    if (end === -1) {
      pending += piece;
      // `take` checks a whole line; this stops a line with no end from being held whole.
      if (pending.length > rows.maxChars) throw rows.tooLong(lineNumber + 1);
      continue;
    }
    const records: JsonRecord[] = [];
    parseLines(pending + piece.slice(0, end), records);
    pending = piece.slice(end + 1);
    if (records.length > 0) yield records;
  }
  const records: JsonRecord[] = [];
  if (pending.length > 0) parseLines(pending, records);
  if (records.length > 0) yield records;
}

/**
 * One object per row, keys from the header; a cell past the header is dropped. Text cells
 * are written as JSON strings, typed cells as their JSON type (see `JsonCell`). Header names
 * must differ (`ValidationError` otherwise).
 */
export async function* writeNdjson(table: TableSource<JsonRow>): AsyncGenerator<Uint8Array> {
  const keys = jsonKeys(table.header);
  const out = new Utf8Output();
  for await (const batch of table.rows) {
    for (const row of batch) {
      const chunk = out.push(`${recordJson(keys, row)}\n`);
      if (chunk) yield chunk;
    }
  }
  const rest = out.flush();
  if (rest) yield rest;
}
