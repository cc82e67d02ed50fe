import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { NotFoundError } from '../domain/errors.js';
import { objectKeysOf } from '../domain/object-keys.js';
import {
  type RecordRow,
  rowIsValid,
  rowToRecord,
  type SheetRecord,
  type SheetSegment,
} from '../domain/resources.js';
import type { Services } from '../services.js';
import { type CsvSlice, countWhileWriting, type SliceRowsWatch } from './csv-slice.js';
import { type SegmentBatch, segmentBatches, segmentHeader, segmentLines } from './segment-layout.js';

/**
 * A sheet's records live in S3 as ordered segments, listed in DynamoDB with their row
 * counts: a part reads or writes whole segments and never touches DynamoDB per row. What a
 * segment object holds is `segment-layout.ts`'s; this module writes, registers and reads them.
 *
 * A segment's object key names the job that wrote it, so a retried part overwrites its
 * own object, and a job that rewrites a segment (delete, a map re-run) writes a new object
 * and then swaps the segment item to it: a reader never sees a half-rewritten segment.
 */
export function segmentObjectKey(target: SegmentTarget): string {
  const sheet = objectKeysOf(target.environmentId).sheet(target.sheetId);
  return `${sheet}segments/${String(target.ordinal).padStart(16, '0')}/${target.jobId}.ndjson`;
}

const CONTENT_TYPE = 'application/x-ndjson';

export interface SegmentTarget {
  /** The sheet's environment, whose root its objects go under. */
  environmentId: string;
  sheetId: string;
  ordinal: number;
  jobId: string;
  origin?: string;
}

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

/** What a segment item says of its target (the environment is the sheet's: not repeated on it). */
const segmentOf = ({ environmentId: _, ...segment }: SegmentTarget) => segment;

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
  const key = segmentObjectKey(target);
  const { rows: count, invalid } = await writeRowsObject(services, key, keys, rows);
  return registerSegment(services, { ...segmentOf(target), key, rows: count, invalid });
}

/**
 * Writes the segment at `target.ordinal` as a CSV slice: `bytes` (whole CSV rows) stored as
 * they are, their rows counted by the parser's rules. For fields that take every cell as it
 * is (optional text), a record is invalid only for its row's shape (row-notes.ts); with
 * `csv.fields` (a typed slice) every row is converted and checked on the way, and `watch`
 * sees the rows (segment-layout.ts).
 */
export async function writeCsvSliceSegment(
  services: Services,
  target: SegmentTarget,
  keys: readonly string[],
  csv: Omit<CsvSlice, 'ordinal'>,
  bytes: AsyncIterable<Uint8Array>,
  byteLength: number,
  /** Sees each chunk as it goes by (a part's byte and line counts, say). */
  observe?: (chunk: Uint8Array) => void,
  watch?: SliceRowsWatch,
): Promise<SheetSegment> {
  const key = segmentObjectKey(target);
  const slice: CsvSlice = { ...csv, ordinal: target.ordinal };
  const header = segmentHeader(keys, slice);
  let received = 0;
  const rows = await streamObject(
    services,
    key,
    async (write) => {
      await write(header);
      const count = await countWhileWriting(
        keys,
        slice,
        bytes,
        async (chunk) => {
          received += chunk.length;
          await write(chunk);
        },
        observe,
        watch,
      );
      // A short read would store a truncated slice under a full count of rows.
      if (received !== byteLength) throw new Error(`read ${received} bytes of a ${byteLength}-byte part`);
      return count;
    },
    Buffer.byteLength(header) + byteLength,
  );
  return registerSegment(services, { ...segmentOf(target), key, rows: rows.rows, invalid: rows.flagged });
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
