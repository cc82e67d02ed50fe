/**
 * The typed client (`partwise/client`) against the local stack, as a caller imports it: an
 * upload, an extract followed to its end with progress, the records read back, and a problem
 * thrown as a PartwiseApiError.
 */

import { PartwiseApiError, partwiseClient } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import { contractCheckedFetch } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { useTarget } from '../helpers/stack.js';

const context = useTarget();
/** The client as a caller makes it; its fetch checks every answer against the OpenAPI document. */
const client = () =>
  partwiseClient({
    url: context.target.url,
    apiKey: context.target.apiKey,
    fetch: contractCheckedFetch(context.target.url),
  });

describe('the typed client', () => {
  it('uploads a file, runs an extract reporting its progress, and reads every record back', async () => {
    const partwise = client();
    const csv = generateCsv(300, 21).text;
    const seen: number[] = [];

    const file = await partwise.uploadFile('people.csv', csv);
    const job = await partwise.runJob(
      { type: 'file', operation: 'extract', source: file.id, config: { partSizeBytes: 2048 } },
      { onProgress: (j) => seen.push(j.processed) },
    );
    const records = [];
    for await (const record of partwise.records(String(job.outcome?.sheetId), { pageSize: 100 }))
      records.push(record);

    expect(file).toMatchObject({ name: 'people.csv', status: 'available' });
    expect(job).toMatchObject({ status: 'COMPLETED', processed: job.parts, rowsProcessed: 300 });
    expect(job.parts).toBeGreaterThan(1);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(job.parts);
    expect(records).toHaveLength(300);
    expect(records.map((r) => r.values.id)).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
  });

  it('follows a job through the events feed where the server cannot stream', async () => {
    const partwise = partwiseClient({ url: context.target.url, apiKey: context.target.apiKey });
    const file = await partwise.uploadFile('feed.csv', generateCsv(120, 22).text);
    const seen: Array<{ processed: number; rows: number | undefined }> = [];

    const job = await partwise.runJob(
      { type: 'file', operation: 'extract', source: file.id, config: { partSizeBytes: 1024 } },
      {
        via: 'feed',
        pollMs: 50,
        onProgress: (j) => seen.push({ processed: j.processed, rows: j.rowsProcessed }),
      },
    );

    expect(job).toMatchObject({ status: 'COMPLETED', rowsProcessed: 120 });
    expect(seen.at(-1)).toEqual({ processed: job.parts, rows: 120 });
    // Counts never go back as the events arrive in order.
    const processed = seen.map((s) => s.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
  });

  it('throws a problem as a PartwiseApiError with its status and type', async () => {
    const partwise = client();
    const error = await partwise.getJob('job_00000000000000000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartwiseApiError);
    expect(error).toMatchObject({ status: 404, problem: { type: 'urn:partwise:problem:job-not-found' } });
  });
});
