import { PassThrough, type Readable } from 'node:stream';
import { NotFoundError } from '../domain/errors.js';
import type { SheetRecord, SheetSegment } from '../domain/resources.js';
import type { Services } from '../services.js';

/**
 * A sheet's records live in S3 as ordered NDJSON segments, listed in DynamoDB with their
 * row counts: a part reads or writes whole segments and never touches DynamoDB per row.
 *
 * A segment's object key names the job that wrote it, so a retried part overwrites its
 * own object, and a job that rewrites a segment (delete, a map re-run) writes a new object
 * and then swaps the segment item to it: a reader never sees a half-rewritten segment.
 */
export function segmentObjectKey(sheetId: string, ordinal: number, jobId: string): string {
  return `${sheetObjectsPrefix(sheetId)}segments/${String(ordinal).padStart(16, '0')}/${jobId}.ndjson`;
}

export const sheetObjectsPrefix = (sheetId: string) => `sheets/${sheetId}/`;

export interface SegmentTarget {
  sheetId: string;
  ordinal: number;
  jobId: string;
  origin?: string;
}

/** Streams records into an NDJSON object with back-pressure; returns the rows and invalid records written. */
export async function writeRecordsObject(
  services: Services,
  key: string,
  records: AsyncIterable<SheetRecord[]>,
): Promise<{ rows: number; invalid: number }> {
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  let rows = 0;
  let invalid = 0;
  const produce = (async () => {
    try {
      for await (const batch of records) {
        let text = '';
        for (const record of batch) {
          text += `${JSON.stringify(record)}\n`;
          if (!record.valid) invalid++;
        }
        rows += batch.length;
        // Respect back-pressure: memory stays bounded whatever the part size.
        if (!body.write(text)) await new Promise((resolve) => body.once('drain', resolve));
      }
      body.end();
    } catch (error) {
      body.destroy(error as Error);
      throw error;
    }
  })();
  await Promise.all([services.blobs.write(key, body, 'application/x-ndjson'), produce]);
  return { rows, invalid };
}

/**
 * Writes the segment at `target.ordinal` and registers it, replacing whatever segment was
 * there (a map re-run): the earlier object is removed once the item points at the new one.
 */
export async function writeSegment(
  services: Services,
  target: SegmentTarget,
  records: AsyncIterable<SheetRecord[]>,
): Promise<SheetSegment> {
  const key = segmentObjectKey(target.sheetId, target.ordinal, target.jobId);
  const { rows, invalid } = await writeRecordsObject(services, key, records);
  const segment: SheetSegment = { ...target, key, rows, invalid };
  const previous = await services.resources.putSegment(segment);
  if (previous && previous.key !== key) await services.blobs.remove([previous.key]);
  return segment;
}

/** Records of an NDJSON object, in batches as the bytes arrive. */
export async function* recordsOf(stream: Readable): AsyncGenerator<SheetRecord[]> {
  stream.setEncoding('utf8');
  let pending = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = pending + chunk;
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        pending = text;
        continue;
      }
      const batch: SheetRecord[] = [];
      for (let start = 0; start < last; ) {
        const end = text.indexOf('\n', start);
        if (end > start) batch.push(JSON.parse(text.slice(start, end)) as SheetRecord);
        start = end + 1;
      }
      pending = text.slice(last + 1);
      if (batch.length > 0) yield batch;
    }
    if (pending.trim()) yield [JSON.parse(pending) as SheetRecord];
  } finally {
    stream.destroy();
  }
}

/**
 * Opens a segment's records. A segment planned earlier may have been rewritten since (its
 * old object removed): then the segment's current object is read instead.
 */
export async function openSegment(
  services: Services,
  segment: Pick<SheetSegment, 'sheetId' | 'ordinal' | 'key'>,
): Promise<AsyncGenerator<SheetRecord[]>> {
  try {
    return recordsOf(await services.blobs.read(segment.key));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const current = await services.resources.getSegment(segment.sheetId, segment.ordinal);
    if (!current || current.key === segment.key) throw error;
    return recordsOf(await services.blobs.read(current.key));
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
      const batches = recordsOf(await services.blobs.read(segment.key));
      for await (const batch of batches) {
        for (const record of batch) {
          if (valid !== undefined && record.valid !== valid) continue;
          if (index >= offset) records.push(record);
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
