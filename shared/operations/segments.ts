import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { NotFoundError } from '../domain/errors.js';
import {
  type RecordRow,
  recordId,
  recordToRow,
  rowIsValid,
  rowToRecord,
  type SheetRecord,
  type SheetSegment,
} from '../domain/resources.js';
import { CsvRowCounter } from '../formats/csv/count.js';
import { csvDelimiterCode, parseCsvTextChunks } from '../formats/csv/rows.js';
import { DECODER_LABELS, type Encoding } from '../formats/encoding.js';
import type { Services } from '../services.js';

/**
 * A sheet's records live in S3 as ordered segments, listed in DynamoDB with their row
 * counts: a part reads or writes whole segments and never touches DynamoDB per row.
 *
 * A segment object starts with a header line, `{"segment":2,"keys":[…]}`, that names the
 * fields in order. Then, in one of two layouts:
 * - rows: lines that each hold a JSON array of up to 1,000 rows (`RecordRow`: the id, one
 *   value per key, the messages when invalid). Keys are written once, not per record, and a
 *   line serializes and parses in one call.
 * - a CSV slice (the header has `csv`): the bytes of a CSV part exactly as the source file
 *   holds them. An extract into text fields, which keeps every cell as it is and cannot make
 *   an invalid record, stores its part this way: it counts the part's rows (`CsvRowCounter`:
 *   the parser's rules, no cell built) and serializes nothing; readers parse the slice with
 *   the same parser, delimiter and encoding. A record's id is `recordId(ordinal, row)`, its
 *   values the cells of its columns.
 * Objects of the first layout (one record object per line, no header) are still read.
 *
 * A segment's object key names the job that wrote it, so a retried part overwrites its
 * own object, and a job that rewrites a segment (delete, a map re-run) writes a new object
 * and then swaps the segment item to it: a reader never sees a half-rewritten segment.
 */
export function segmentObjectKey(sheetId: string, ordinal: number, jobId: string): string {
  return `${sheetObjectsPrefix(sheetId)}segments/${String(ordinal).padStart(16, '0')}/${jobId}.ndjson`;
}

export const sheetObjectsPrefix = (sheetId: string) => `sheets/${sheetId}/`;

const SEGMENT_VERSION = 2;
/** Rows per line: a reader holds one line at a time. */
const ROWS_PER_LINE = 1000;
const LF = 0x0a;
const CONTENT_TYPE = 'application/x-ndjson';

export interface SegmentTarget {
  sheetId: string;
  ordinal: number;
  jobId: string;
  origin?: string;
}

/** How a CSV slice segment's bytes read. */
export interface CsvSlice {
  encoding: Encoding;
  delimiter: string;
  /** Per key, the column its value is in (-1: none). */
  columns: number[];
  /** The segment's ordinal: record `n` of the slice has id `recordId(ordinal, n)`. */
  ordinal: number;
}

interface SegmentHeader {
  segment: number;
  keys: string[];
  csv?: CsvSlice;
}

/** The header line of a segment whose rows hold values for `keys`. */
export const segmentHeader = (keys: readonly string[], csv?: CsvSlice): string =>
  `${JSON.stringify({ segment: SEGMENT_VERSION, keys, ...(csv ? { csv } : {}) })}\n`;

/** The lines of `rows` (no header), and how many of them are invalid. */
export function segmentLines(
  keys: readonly string[],
  rows: readonly RecordRow[],
): { text: string; invalid: number } {
  let text = '';
  let invalid = 0;
  for (let from = 0; from < rows.length; from += ROWS_PER_LINE) {
    const line = rows.length <= ROWS_PER_LINE ? rows : rows.slice(from, from + ROWS_PER_LINE);
    text += `${JSON.stringify(line)}\n`;
  }
  for (const row of rows) if (!rowIsValid(keys, row)) invalid++;
  return { text, invalid };
}

/** A whole segment object's text: tests and small writers. */
export const encodeSegment = (keys: readonly string[], rows: readonly RecordRow[]): string =>
  segmentHeader(keys) + (rows.length > 0 ? segmentLines(keys, rows).text : '');

/**
 * Writes an object from what `produce` writes, with back-pressure: memory stays bounded
 * whatever the size. `produce` awaits `write` and returns what it counted.
 */
async function streamObject<T>(
  services: Services,
  key: string,
  produce: (write: (data: string | Uint8Array) => Promise<void>) => Promise<T>,
  contentLength?: number,
): Promise<T> {
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  const write = async (data: string | Uint8Array) => {
    if (!body.write(data)) await once(body, 'drain');
  };
  const produced = (async () => {
    try {
      const result = await produce(write);
      body.end();
      return result;
    } catch (error) {
      body.destroy(error as Error);
      throw error;
    }
  })();
  const [, result] = await Promise.all([
    services.blobs.write(key, body, CONTENT_TYPE, contentLength),
    produced,
  ]);
  return result;
}

/** Streams rows into a segment object; returns the rows and invalid records written. */
export function writeRowsObject(
  services: Services,
  key: string,
  keys: readonly string[],
  batches: AsyncIterable<RecordRow[]>,
): Promise<{ rows: number; invalid: number }> {
  return streamObject(services, key, async (write) => {
    let rows = 0;
    let invalid = 0;
    await write(segmentHeader(keys));
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      const lines = segmentLines(keys, batch);
      rows += batch.length;
      invalid += lines.invalid;
      await write(lines.text);
    }
    return { rows, invalid };
  });
}

/** Registers a written segment, then removes the object of the segment it replaced (a map re-run). */
async function registerSegment(services: Services, segment: SheetSegment): Promise<SheetSegment> {
  const previous = await services.resources.putSegment(segment);
  if (previous && previous.key !== segment.key) await services.blobs.remove([previous.key]);
  return segment;
}

/** Writes the segment at `target.ordinal` from rows and registers it, replacing whatever segment was there. */
export async function writeSegment(
  services: Services,
  target: SegmentTarget,
  keys: readonly string[],
  rows: AsyncIterable<RecordRow[]>,
): Promise<SheetSegment> {
  const key = segmentObjectKey(target.sheetId, target.ordinal, target.jobId);
  const { rows: count, invalid } = await writeRowsObject(services, key, keys, rows);
  return registerSegment(services, { ...target, key, rows: count, invalid });
}

/**
 * Writes the segment at `target.ordinal` as a CSV slice: `bytes` (whole CSV rows) stored as
 * they are, their rows counted with the parser readers use. Only for fields that take every
 * cell as it is (optional text), so no record is invalid.
 */
export async function writeCsvSliceSegment(
  services: Services,
  target: SegmentTarget,
  keys: readonly string[],
  csv: Omit<CsvSlice, 'ordinal'>,
  bytes: AsyncIterable<Uint8Array>,
  byteLength: number,
): Promise<SheetSegment> {
  const key = segmentObjectKey(target.sheetId, target.ordinal, target.jobId);
  const header = segmentHeader(keys, { ...csv, ordinal: target.ordinal });
  let received = 0;
  const rows = await streamObject(
    services,
    key,
    async (write) => {
      await write(header);
      const count = await countWhileWriting(csv, bytes, async (chunk) => {
        received += chunk.length;
        await write(chunk);
      });
      // A short read would store a truncated slice under a full count of rows.
      if (received !== byteLength) throw new Error(`read ${received} bytes of a ${byteLength}-byte part`);
      return count;
    },
    Buffer.byteLength(header) + byteLength,
  );
  return registerSegment(services, { ...target, key, rows, invalid: 0 });
}

/** The rows of CSV bytes, counted as each chunk is handed to `write`. */
async function countWhileWriting(
  csv: Omit<CsvSlice, 'ordinal'>,
  bytes: AsyncIterable<Uint8Array>,
  write: (chunk: Uint8Array) => Promise<void>,
): Promise<number> {
  if (csv.encoding === 'utf-8' || csv.encoding === 'latin1') {
    // From the bytes, by the parser's rules: no cell is built.
    const counter = new CsvRowCounter();
    for await (const chunk of bytes) {
      counter.push(chunk);
      await write(chunk);
    }
    return counter.end();
  }
  const decoder = new TextDecoder(DECODER_LABELS[csv.encoding], { ignoreBOM: true });
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of bytes) {
      await write(chunk);
      yield decoder.decode(chunk, { stream: true });
    }
    yield decoder.decode();
  }
  let count = 0;
  for await (const batch of parseCsvTextChunks(text(), csvDelimiterCode(csv.delimiter)))
    count += batch.length;
  return count;
}

/** Rows of a segment, with the keys their values follow. */
export interface SegmentBatch {
  keys: readonly string[];
  rows: RecordRow[];
}

async function* bytesOf(stream: Readable): AsyncGenerator<Buffer> {
  for await (const data of stream as AsyncIterable<Buffer | string>)
    yield typeof data === 'string' ? Buffer.from(data) : data;
}

/** The complete lines of bytes, in batches as they arrive (split on `\n` bytes: UTF-8 never has one inside a character). */
async function* linesOf(bytes: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let pending: Buffer[] = [];
  const take = (piece: Buffer): string => {
    const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
    pending = [];
    return line.toString('utf8');
  };
  for await (const chunk of bytes) {
    let start = 0;
    let end = chunk.indexOf(LF);
    if (end < 0) {
      pending.push(chunk);
      continue;
    }
    const lines: string[] = [];
    while (end >= 0) {
      const line = take(chunk.subarray(start, end));
      if (line.length > 0) lines.push(line);
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  const last = take(Buffer.alloc(0));
  if (last.trim() !== '') yield [last];
}

/** The first line of a segment's bytes, and the bytes after it. */
async function firstLine(bytes: AsyncIterator<Buffer>): Promise<{ line?: string; rest: Buffer }> {
  const pieces: Buffer[] = [];
  for (;;) {
    const next = await bytes.next();
    if (next.done) {
      const line = Buffer.concat(pieces).toString('utf8');
      return { ...(line.trim() ? { line } : {}), rest: Buffer.alloc(0) };
    }
    const end = next.value.indexOf(LF);
    if (end < 0) {
      pieces.push(next.value);
      continue;
    }
    pieces.push(next.value.subarray(0, end));
    return { line: Buffer.concat(pieces).toString('utf8'), rest: next.value.subarray(end + 1) };
  }
}

async function* after(rest: Buffer, bytes: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (rest.length > 0) yield rest;
  for (let next = await bytes.next(); !next.done; next = await bytes.next()) yield next.value;
}

/** The rows of a segment object, in batches as the bytes arrive. */
export async function* segmentBatches(stream: Readable): AsyncGenerator<SegmentBatch> {
  try {
    const bytes = bytesOf(stream);
    const { line, rest } = await firstLine(bytes);
    if (line === undefined) return;
    const head = JSON.parse(line) as SegmentHeader | SheetRecord;
    if ('segment' in head) {
      if (head.csv) yield* csvSliceBatches(head.keys, head.csv, after(rest, bytes));
      else yield* rowLineBatches(head.keys, linesOf(after(rest, bytes)));
      return;
    }
    // The first layout: one record object per line, every record with every key.
    const keys = Object.keys(head.values);
    yield { keys, rows: [recordToRow(keys, head)] };
    for await (const lines of linesOf(after(rest, bytes)))
      yield { keys, rows: lines.map((text) => recordToRow(keys, JSON.parse(text) as SheetRecord)) };
  } finally {
    stream.destroy();
  }
}

async function* rowLineBatches(
  keys: readonly string[],
  lines: AsyncIterable<string[]>,
): AsyncGenerator<SegmentBatch> {
  for await (const batch of lines) {
    const rows: RecordRow[] = [];
    for (const text of batch) for (const row of JSON.parse(text) as RecordRow[]) rows.push(row);
    if (rows.length > 0) yield { keys, rows };
  }
}

async function* csvSliceBatches(
  keys: readonly string[],
  csv: CsvSlice,
  bytes: AsyncIterable<Buffer>,
): AsyncGenerator<SegmentBatch> {
  const decoder = new TextDecoder(DECODER_LABELS[csv.encoding], { ignoreBOM: true });
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of bytes) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  }
  const { columns, ordinal } = csv;
  let n = 0;
  for await (const cells of parseCsvTextChunks(text(), csvDelimiterCode(csv.delimiter))) {
    const rows: RecordRow[] = new Array(cells.length);
    for (let r = 0; r < cells.length; r++) {
      const row: RecordRow = [recordId(ordinal, n++)];
      const source = cells[r] as string[];
      for (const column of columns) row.push(column < 0 ? null : (source[column] ?? null));
      rows[r] = row;
    }
    yield { keys, rows };
  }
}

/** Records of a segment object, in batches as the bytes arrive. */
export async function* recordsOf(stream: Readable): AsyncGenerator<SheetRecord[]> {
  for await (const { keys, rows } of segmentBatches(stream)) yield rows.map((row) => rowToRecord(keys, row));
}

/**
 * Opens a segment's rows. A segment planned earlier may have been rewritten since (its old
 * object removed): then the segment's current object is read instead.
 */
export async function openSegmentRows(
  services: Services,
  segment: Pick<SheetSegment, 'sheetId' | 'ordinal' | 'key'>,
): Promise<AsyncGenerator<SegmentBatch>> {
  try {
    return segmentBatches(await services.blobs.read(segment.key));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const current = await services.resources.getSegment(segment.sheetId, segment.ordinal);
    if (!current || current.key === segment.key) throw error;
    return segmentBatches(await services.blobs.read(current.key));
  }
}

/** `openSegmentRows`, as records. */
export async function openSegment(
  services: Services,
  segment: Pick<SheetSegment, 'sheetId' | 'ordinal' | 'key'>,
): Promise<AsyncGenerator<SheetRecord[]>> {
  const batches = await openSegmentRows(services, segment);
  return (async function* () {
    for await (const { keys, rows } of batches) yield rows.map((row) => rowToRecord(keys, row));
  })();
}

/** Which records a read keeps: all, or only valid / invalid ones. */
export type ValidFilter = boolean | undefined;

const matchingRows = (segment: SheetSegment, valid: ValidFilter) =>
  valid === undefined ? segment.rows : valid ? segment.rows - segment.invalid : segment.invalid;

export function sheetCounts(segments: readonly SheetSegment[]) {
  const records = segments.reduce((sum, s) => sum + s.rows, 0);
  const invalid = segments.reduce((sum, s) => sum + s.invalid, 0);
  return { records, valid: records - invalid, invalid };
}

/**
 * Records [offset, offset + limit) of a sheet (of its valid or invalid records when `valid`
 * is given), in order, reading only the segments that hold them.
 */
export async function readRecords(
  services: Services,
  sheetId: string,
  offset: number,
  limit: number,
  valid?: ValidFilter,
): Promise<{ records: SheetRecord[]; total: number }> {
  // A segment swapped by a concurrent delete loses its old object: read the listing again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await readRecordsOnce(services, sheetId, offset, limit, valid);
    } catch (error) {
      if (!(error instanceof NotFoundError) || attempt >= 3) throw error;
    }
  }
}

async function readRecordsOnce(
  services: Services,
  sheetId: string,
  offset: number,
  limit: number,
  valid: ValidFilter,
): Promise<{ records: SheetRecord[]; total: number }> {
  const segments = await services.resources.listSegments(sheetId);
  const total = segments.reduce((sum, segment) => sum + matchingRows(segment, valid), 0);
  const records: SheetRecord[] = [];
  let start = 0;
  for (const segment of segments) {
    if (records.length >= limit) break;
    const count = matchingRows(segment, valid);
    const end = start + count;
    if (end > offset && count > 0) {
      let index = start;
      const batches = segmentBatches(await services.blobs.read(segment.key));
      for await (const { keys, rows } of batches) {
        for (const row of rows) {
          if (valid !== undefined && rowIsValid(keys, row) !== valid) continue;
          if (index >= offset) records.push(rowToRecord(keys, row));
          index++;
          if (records.length >= limit) break;
        }
        if (records.length >= limit) break;
      }
      await batches.return(undefined);
    }
    start = end;
  }
  return { records, total };
}
