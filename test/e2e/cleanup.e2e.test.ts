import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SheetRecord } from 'partwise/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyOf,
  destinationOf,
  type FieldInput,
  sheetOf,
  type TestClient,
  testClient,
  type Workbook,
} from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';

/**
 * Nothing left behind by a FAILED or CANCELED job. Every part of this stack fails after it
 * wrote its output (the `failAlways` knob), so jobs here fail or get canceled with output
 * already written. The knob and the bucket on disk are the local stack's: local only.
 */
const FIELDS = ['id', 'full_name', 'note', 'amount'].map((key): FieldInput => ({ key, type: 'string' }));

let seeded: LocalStack;
let failing: LocalStack;
let client: TestClient;
let workbook: Workbook;
let sheetId: string;
let before: SheetRecord[];

beforeAll(async () => {
  if (remoteTarget) return;
  // Prepare: a healthy stack imports 300 records into a workbook; the same data then
  // runs on a stack whose parts always fail.
  seeded = await startLocalStack();
  const healthy = testClient(seeded);
  const created = await healthy.api.POST('/workbooks', {
    body: { name: 'People', sheets: [{ name: 'People', fields: FIELDS }] },
  });
  workbook = bodyOf(created, 201).data;
  sheetId = sheetOf(workbook).id;
  const seed = await extractIntoWorkbook(healthy, generateCsv(300, 1).text);
  const done = await healthy.pollJob(seed, (j) => j.status !== 'PLANNING' && j.status !== 'EXECUTING');
  expect(done.status).toBe('COMPLETED');
  before = await healthy.allRecords(sheetId);
  expect(before).toHaveLength(300);
  await seeded.stop();
  failing = await startLocalStack({
    dataDir: seeded.dataDir,
    apiKey: seeded.apiKey,
    env: {
      PARTWISE_FAULTS: JSON.stringify({ failAlways: 'part:after-output' }),
      PARTWISE_LOCAL_VISIBILITY_TIMEOUT: '1',
    },
  });
  client = testClient(failing);
}, 180_000);

afterAll(async () => {
  await failing?.stop('SIGKILL');
  if (seeded) await removeDataDir(seeded.dataDir);
});

/** Starts an extract of a CSV into the workbook; returns the job's id. */
async function extractIntoWorkbook(
  on: TestClient,
  csv: string,
  config: Record<string, unknown> = {},
): Promise<string> {
  const file = await on.uploadByUrl('people.csv', csv);
  const created = await on.api.POST('/jobs', {
    body: {
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: workbook.id,
      // No retry window: a failed job takes back what it wrote at once (see retry.e2e for the window).
      config: { retryWindowSeconds: 0, ...config },
      trigger: 'immediate',
    },
  });
  return bodyOf(created, 201).data.id;
}

/** Keys of the objects in the local stack's bucket (s3rver keeps them as files). */
async function bucketKeys(): Promise<string[]> {
  const root = join(failing.dataDir, 's3');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('._S3rver_object'))
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
}
const keysOf = async (prefix: string) => (await bucketKeys()).filter((key) => key.includes(prefix));

/** Waits for the job to end, then for its cleanup: its outcome says what happened to the data. */
async function cleanedUp(jobId: string) {
  return client.pollJob(
    jobId,
    (j) => ['FAILED', 'CANCELED'].includes(j.status) && typeof j.outcome?.message === 'string',
    90_000,
  );
}

describe.runIf(!remoteTarget)('nothing left behind by a FAILED or CANCELED job', () => {
  it('leaves the destination sheet as it was when an extract into it fails after its parts wrote', async () => {
    // Act
    const jobId = await extractIntoWorkbook(client, generateCsv(4000, 2).text, { partSizeBytes: 16_384 });
    const job = await cleanedUp(jobId);

    // Assess
    expect(job.status).toBe('FAILED');
    expect(job.parts).toBeGreaterThan(1);
    expect(job.outcome?.message).toMatch(/No record of this extract remains/);
    expect(await client.allRecords(sheetId)).toEqual(before);
    expect(await keysOf(`plans/${jobId}/`)).toEqual([]);
    const sheet = await client.api.GET('/sheets/{id}', { params: { path: { id: sheetId } } });
    expect(bodyOf(sheet, 200).data.counts.records).toBe(300);
  }, 120_000);

  it('leaves no temporary object of an export canceled while its parts were writing', async () => {
    // Prepare: the export's parts write their objects, and keep failing.
    const created = await client.api.POST('/jobs', {
      body: { type: 'sheet', operation: 'export', source: sheetId, trigger: 'immediate' },
    });
    const jobId = bodyOf(created, 201).data.id;
    for (let i = 0; i < 300 && (await keysOf(`exports/${jobId}/`)).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await keysOf(`exports/${jobId}/`)).not.toEqual([]);
    // The file the export would have registered: planning named it the job's destination.
    const planned = destinationOf(await client.getJob(jobId));
    expect(planned).toMatch(/^file_/);

    // Act
    const canceled = await client.api.POST('/jobs/{id}/cancel', { params: { path: { id: jobId } } });
    const job = await cleanedUp(jobId);
    // Attempts still running at the cancel finish within a visibility timeout or two.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    // Assess
    expect(bodyOf(canceled, 200).data.status).toBe('CANCELED');
    expect(job.outcome?.message).toMatch(/No file was exported/);
    expect(await keysOf(`exports/${jobId}/`)).toEqual([]);
    expect(await keysOf(`exports/${jobId}`)).toEqual([]);
    expect(await keysOf(`plans/${jobId}/`)).toEqual([]);
    // No file, and the job no longer names one: a destination that answers 404 would mislead.
    expect((await client.api.GET('/files/{id}', { params: { path: { id: planned } } })).response.status).toBe(
      404,
    );
    expect(job.destination).toBeUndefined();
    // Its cleanup done, the job can be deleted.
    expect((await client.api.DELETE('/jobs/{id}', { params: { path: { id: jobId } } })).response.status).toBe(
      200,
    );
  }, 120_000);

  it('names the workbook and the sheet, each for what it is, when an extract into a sheet ends', async () => {
    // Act: the destination is the sheet itself, not its workbook.
    const file = await client.uploadByUrl('people.csv', generateCsv(50, 3).text);
    const created = await client.api.POST('/jobs', {
      body: {
        type: 'file',
        operation: 'extract',
        source: file.id,
        destination: sheetId,
        config: { retryWindowSeconds: 0 },
        trigger: 'immediate',
      },
    });
    const job = await cleanedUp(bodyOf(created, 201).data.id);

    // Assess
    expect(job.status).toBe('FAILED');
    expect(job.outcome).toMatchObject({ workbookId: workbook.id, sheetId });
    expect(await client.allRecords(sheetId)).toEqual(before);
  }, 120_000);
});
