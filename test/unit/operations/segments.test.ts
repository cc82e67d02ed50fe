import { describe, expect, it } from 'vitest';
import { recordId, segmentOrdinal } from '../../../shared/domain/resources.js';
import { readRecords, sheetCounts, writeSegment } from '../../../shared/operations/segments.js';
import { memoryServices, newJob, putRecords, record } from './memory-services.js';

async function sheet() {
  const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
  // Segments of 5, 0 and 4 records; every third record invalid, long text so lines cross chunks.
  let n = 0;
  for (const [s, rows] of [5, 0, 4].entries()) {
    const records = Array.from({ length: rows }, () => {
      const i = n++;
      return record(`r${i}`, { i, text: 'é'.repeat(i) }, i % 3 !== 0);
    });
    await putRecords(env, 'sh_a', segmentOrdinal(1, s), records);
  }
  return env;
}

describe('sheet segments', () => {
  it('reads records by offset and limit across segments', async () => {
    const env = await sheet();
    const { records, total } = await readRecords(env.services, 'sh_a', 3, 4);
    expect(total).toBe(9);
    expect(records.map((r) => r.id)).toEqual(['r3', 'r4', 'r5', 'r6']);
    expect(records[1]?.values.text).toBe('éééé');
  });

  it('filters by validity, with offsets and totals counting only the matching records', async () => {
    const env = await sheet();
    const invalid = await readRecords(env.services, 'sh_a', 1, 10, false);
    expect(invalid).toEqual({ total: 3, records: expect.any(Array) });
    expect(invalid.records.map((r) => r.id)).toEqual(['r3', 'r6']);
    const valid = await readRecords(env.services, 'sh_a', 4, 2, true);
    expect(valid.total).toBe(6);
    expect(valid.records.map((r) => r.id)).toEqual(['r7', 'r8']);
    expect(sheetCounts(await env.resources.listSegments('sh_a'))).toEqual({
      records: 9,
      valid: 6,
      invalid: 3,
    });
  });

  it('writes a segment, counting invalid records, and replaces the object of the segment it overwrites', async () => {
    const env = await sheet();
    const ordinal = segmentOrdinal(1, 0);
    const before = await env.resources.getSegment('sh_a', ordinal);
    async function* batches() {
      yield [record(recordId(ordinal, 0), { i: 1 }), record(recordId(ordinal, 1), { i: 2 }, false)];
    }
    const segment = await writeSegment(
      env.services,
      { sheetId: 'sh_a', ordinal, jobId: 'job_b', origin: 'map:x' },
      batches(),
    );
    expect(segment).toMatchObject({ rows: 2, invalid: 1, jobId: 'job_b', origin: 'map:x' });
    expect(env.blobs.objects.has(before?.key as string)).toBe(false);
    expect((await readRecords(env.services, 'sh_a', 0, 2)).records.map((r) => r.id)).toEqual([
      '1.0.0',
      '1.0.1',
    ]);
  });
});
