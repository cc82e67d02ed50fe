import { describe, expect, it } from 'vitest';
import { type RecordRow, recordId, segmentOrdinal } from '../../../shared/domain/resources.js';
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
    async function* batches(): AsyncGenerator<RecordRow[]> {
      yield [
        [recordId(ordinal, 0), 1],
        [recordId(ordinal, 1), 2, { i: 'is odd' }],
      ];
    }
    const segment = await writeSegment(
      env.services,
      { environmentId: 'env_test', sheetId: 'sh_a', ordinal, jobId: 'job_b', origin: 'map:x' },
      ['i'],
      batches(),
    );
    expect(segment).toMatchObject({ rows: 2, invalid: 1, jobId: 'job_b', origin: 'map:x' });
    expect(env.blobs.objects.has(before?.key as string)).toBe(false);
    expect((await readRecords(env.services, 'sh_a', 0, 2)).records.map((r) => r.id)).toEqual([
      '1.0.0',
      '1.0.1',
    ]);
  });

  it('stores keys once and rows in lines of at most 1,000, and reads them back in order', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const ordinal = segmentOrdinal(1, 0);
    async function* batches(): AsyncGenerator<RecordRow[]> {
      yield Array.from({ length: 2500 }, (_, i): RecordRow => [recordId(ordinal, i), `n${i}`, i]);
    }
    const segment = await writeSegment(
      env.services,
      { environmentId: 'env_test', sheetId: 'sh_a', ordinal, jobId: 'job_a' },
      ['name', 'i'],
      batches(),
    );
    const lines = String(env.blobs.objects.get(segment.key)).trimEnd().split('\n');
    expect(JSON.parse(lines[0] as string)).toEqual({ segment: 2, keys: ['name', 'i'] });
    expect(lines.slice(1).map((line) => (JSON.parse(line) as unknown[]).length)).toEqual([1000, 1000, 500]);
    const { records, total } = await readRecords(env.services, 'sh_a', 999, 3);
    expect(total).toBe(2500);
    expect(records).toEqual(
      [999, 1000, 1001].map((i) => ({ id: recordId(ordinal, i), values: { name: `n${i}`, i }, valid: true })),
    );
  });

  it('reads segments written in the first layout, one record object per line', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const old = [record('r0', { a: 'x', b: 1 }), record('r1', { a: 'y', b: 2 }, false)];
    const key = 'sheets/sh_a/segments/old.ndjson';
    await env.blobs.write(key, old.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await env.resources.putSegment({
      sheetId: 'sh_a',
      ordinal: segmentOrdinal(1, 0),
      key,
      rows: 2,
      invalid: 1,
      jobId: 'job_old',
    });
    expect((await readRecords(env.services, 'sh_a', 0, 10)).records).toEqual(old);
  });
});
