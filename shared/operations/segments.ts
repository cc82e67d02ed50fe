import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import type { SheetRecord, SheetSegment } from '../domain/resources.js';
import type { Services } from '../services.js';

/**
 * A sheet's records live in S3 as ordered NDJSON segments, listed in DynamoDB with
 * their row counts: a part reads or writes whole segments and never touches DynamoDB
 * per row.
 */
export function segmentKey(sheetId: string, ordinal: number): string {
  return `sheets/${sheetId}/segments/${String(ordinal).padStart(8, '0')}.ndjson`;
}

/** Streams records into one segment object, then registers it; returns the row count. */
export async function writeSegment(
  services: Services,
  segment: Omit<SheetSegment, 'key' | 'rows'>,
  records: AsyncIterable<SheetRecord[]>,
): Promise<number> {
  const key = segmentKey(segment.sheetId, segment.ordinal);
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  let rows = 0;
  const produce = (async () => {
    try {
      for await (const batch of records) {
        let text = '';
        for (const record of batch) text += `${JSON.stringify(record)}\n`;
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
  await services.resources.putSegment({ ...segment, key, rows });
  return rows;
}

async function* lines(stream: Readable): AsyncGenerator<string> {
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of reader) if (line) yield line;
}

/** Records [offset, offset + limit) of a sheet, in order, reading only the segments that hold them. */
export async function readRecords(
  services: Services,
  sheetId: string,
  offset: number,
  limit: number,
): Promise<{ records: SheetRecord[]; total: number }> {
  const segments = await services.resources.listSegments(sheetId);
  const total = segments.reduce((sum, segment) => sum + segment.rows, 0);
  const records: SheetRecord[] = [];
  let start = 0;
  for (const segment of segments) {
    const end = start + segment.rows;
    if (end > offset && records.length < limit && segment.rows > 0) {
      let index = start;
      const stream = await services.blobs.read(segment.key);
      for await (const line of lines(stream)) {
        if (index >= offset) records.push(JSON.parse(line) as SheetRecord);
        index++;
        if (records.length >= limit) break;
      }
      stream.destroy();
    }
    start = end;
    if (records.length >= limit) break;
  }
  return { records, total };
}
