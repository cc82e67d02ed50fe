import { readdir } from 'node:fs/promises';
import type { SheetRecord } from 'partwise/client';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyOf, destinationOf, sheetOf, type TestClient, testClient } from '../helpers/client.js';
import { generateCsvWithLongCells } from '../helpers/csv.js';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';

/**
 * Distributed planning on the local stack (docs/scale.md): with the threshold at 3 MiB, a
 * 5 MB CSV is planned by a wave of range scans and a 2.5 MB one in one function, every
 * queue message delivered twice. The threshold is the local stack's environment, so this
 * file runs only locally.
 */
const THRESHOLD = 3 * 1024 * 1024;
const PART_SIZE = 256 * 1024;
const FIELD_KEYS = ['id', 'full_name', 'note', 'amount', 'size'];

let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop('SIGKILL');
  if (stack) await removeDataDir(stack.dataDir);
});

/** The range scans' results the local S3 holds on disk for a job. */
async function scanObjects(dataDir: string, jobId: string): Promise<string[]> {
  const files = await readdir(dataDir, { recursive: true });
  return files.filter((file) => file.includes(`plans/${jobId}/scans/`) && file.endsWith('._S3rver_object'));
}

async function plannedExtract(client: TestClient, fileId: string): Promise<string> {
  const created = await client.api.POST('/jobs', {
    body: { type: 'file', operation: 'extract', source: fileId, config: { partSizeBytes: PART_SIZE } },
  });
  const jobId = bodyOf(created, 201).data.id;
  const job = await client.pollJob(jobId, (j) => j.status !== 'PLANNING', 120_000);
  expect(job.status).toBe('READY');
  return jobId;
}

async function executed(client: TestClient, jobId: string) {
  bodyOf(await client.api.POST('/jobs/{id}/execute', { params: { path: { id: jobId } } }), 202);
  const job = await client.pollJob(jobId, (j) => ['COMPLETED', 'FAILED'].includes(j.status), 180_000);
  expect(job.status).toBe('COMPLETED');
  const workbook = await client.api.GET('/workbooks/{id}', { params: { path: { id: destinationOf(job) } } });
  const records = await client.allRecords(sheetOf(bodyOf(workbook, 200).data).id);
  return { job, rows: records.map((record: SheetRecord) => FIELD_KEYS.map((key) => record.values[key])) };
}

describe.runIf(!remoteTarget)('distributed planning', () => {
  it('extracts a file above the threshold with the same rows as the one-function plan of a file below it', async () => {
    stack = await startLocalStack({
      env: {
        PARTWISE_DISTRIBUTED_PLANNING_BYTES: String(THRESHOLD),
        PARTWISE_FAULTS: JSON.stringify({ duplicateDelivery: true }),
      },
    });
    const client = testClient(stack);
    const large = generateCsvWithLongCells(60_000);
    const small = generateCsvWithLongCells(30_000); // the large file's first 30,000 rows
    expect(Buffer.byteLength(large.text)).toBeGreaterThan(THRESHOLD);
    expect(Buffer.byteLength(small.text)).toBeLessThan(THRESHOLD);
    const largeFile = await client.uploadByUrl('large.csv', large.text);
    const smallFile = await client.uploadByUrl('small.csv', small.text);

    // The large file is planned by scans, one per part's span after the 2 MiB head; the small one is not.
    const largeJob = await plannedExtract(client, largeFile.id);
    const smallJob = await plannedExtract(client, smallFile.id);
    const ranges = Math.ceil((Buffer.byteLength(large.text) - 2 * 1024 * 1024) / PART_SIZE);
    expect(await scanObjects(stack.dataDir, largeJob)).toHaveLength(ranges);
    expect(await scanObjects(stack.dataDir, smallJob)).toEqual([]);

    const fromScans = await executed(client, largeJob);
    const inOne = await executed(client, smallJob);
    expect(fromScans.job.parts).toBeGreaterThan(ranges);
    expect(fromScans.rows).toEqual(large.rows);
    expect(inOne.rows).toEqual(small.rows);
    expect(fromScans.rows.slice(0, small.rows.length)).toEqual(inOne.rows);
    // The scans went with the job's plans.
    expect(await scanObjects(stack.dataDir, largeJob)).toEqual([]);
  }, 300_000);
});
