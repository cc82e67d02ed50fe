import type { CreateJobBody } from 'partwise/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateJobEvent } from '../../shared/events/schemas.js';
import {
  bodyOf,
  type FieldInput,
  hasEnded,
  problemOf,
  sheetOf,
  type TestClient,
  testClient,
} from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { numberAt, stringAt } from '../helpers/json-members.js';
import { downloadReport } from '../helpers/report-download.js';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Redrive and failure tolerance through HTTP. The stack first runs with `failParts` (parts 1
 * and 3 of every job fail for good), then restarts on the same data without it, where a
 * retry reruns what did not finish. The knob is the local stack's: local only.
 */
const FAILING = [1, 3];
const CSV = generateCsv(400, 11).text; // ~16.6 KB: 9 parts of 2 KiB
const PART_SIZE = 2048;
const byId = (id: string) => ({ params: { path: { id } } });

let first: LocalStack;
let second: LocalStack;
let client: TestClient;
const jobs = {} as Record<
  'failed' | 'tolerated' | 'pastCount' | 'pastPercent' | 'noWindow' | 'toDelete' | 'map' | 'changedMap',
  string
>;
let sourceFile: string;
let mapSource: string;

async function extract(on: TestClient, config: Record<string, unknown> = {}) {
  const created = await on.api.POST('/jobs', {
    body: {
      type: 'file',
      operation: 'extract',
      source: sourceFile,
      config: { partSizeBytes: PART_SIZE, ...config },
      trigger: 'immediate',
    },
  });
  return bodyOf(created, 201).data.id;
}

/** The values of a job's records, in sheet order. */
async function valuesOf(on: TestClient, jobId: string) {
  const job = await on.getJob(jobId);
  return (await on.allRecords(stringAt(job.outcome, 'sheetId'))).map((record) => record.values);
}

async function eventsOf(on: TestClient, jobId: string) {
  // The relay publishes within a moment of each commit: wait for the job's last event.
  return waitFor(
    `events of ${jobId}`,
    async () => {
      const page = await on.api.GET('/jobs/{id}/events', {
        params: { path: { id: jobId }, query: { limit: 100 } },
      });
      return bodyOf(page, 200).data;
    },
    (events) => ['job:completed', 'job:failed'].includes(events.at(-1)?.topic ?? ''),
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

beforeAll(async () => {
  if (remoteTarget) return;
  // A healthy stack seeds the source of a map: a sheet of five segments.
  const seeding = await startLocalStack();
  const healthy = testClient(seeding);
  sourceFile = (await healthy.uploadByUrl('people.csv', CSV)).id;
  const seed = await extract(healthy, { partSizeBytes: 4096 });
  const seeded = await healthy.pollJob(seed, hasEnded);
  expect(seeded.status).toBe('COMPLETED');
  mapSource = stringAt(seeded.outcome, 'sheetId');
  await seeding.stop();

  // The same data on a stack whose parts 1 and 3 always fail.
  first = await startLocalStack({
    dataDir: seeding.dataDir,
    apiKey: seeding.apiKey,
    env: { PARTWISE_FAULTS: JSON.stringify({ failParts: FAILING }) },
  });
  const failing = testClient(first);
  jobs.failed = await extract(failing);
  jobs.tolerated = await extract(failing, { tolerance: { maxFailedParts: 2 } });
  jobs.pastCount = await extract(failing, { tolerance: { maxFailedParts: 1 } });
  jobs.pastPercent = await extract(failing, { tolerance: { maxFailedPercent: 15 } });
  jobs.noWindow = await extract(failing, { retryWindowSeconds: 0 });
  jobs.toDelete = await extract(failing);
  const created = await failing.api.POST('/workbooks', {
    body: {
      name: 'Copy',
      sheets: [
        {
          name: 'Copy',
          fields: ['id', 'full_name', 'amount'].map((key): FieldInput => ({ key, type: 'string' })),
        },
      ],
    },
  });
  const workbook = bodyOf(created, 201).data;
  const mapBody: CreateJobBody = {
    type: 'sheet',
    operation: 'map',
    source: mapSource,
    destination: workbook.id,
    config: {
      mappings: [
        {
          sourceSheet: mapSource,
          destinationSheet: sheetOf(workbook).id,
          fields: { id: 'id', full_name: 'full_name', amount: 'amount' },
        },
      ],
    },
  };
  const map = await failing.api.POST('/jobs', { body: { ...mapBody, trigger: 'immediate' } });
  jobs.map = bodyOf(map, 201).data.id;
  const changedMap = await failing.api.POST('/jobs', { body: { ...mapBody, trigger: 'immediate' } });
  jobs.changedMap = bodyOf(changedMap, 201).data.id;
  for (const id of Object.values(jobs)) await failing.pollJob(id, hasEnded);
  await first.stop();

  second = await startLocalStack({ dataDir: first.dataDir, apiKey: first.apiKey });
  client = testClient(second);
}, 300_000);

afterAll(async () => {
  await second?.stop('SIGKILL');
  if (first) await removeDataDir(first.dataDir);
});

describe.runIf(!remoteTarget)('retry (redrive)', () => {
  it('reruns only the parts that did not finish, and ends with what a fault-free run stores, no record twice', async () => {
    // Prepare: the job failed on its first failed part, with what the others wrote kept.
    const failed = await client.getJob(jobs.failed);
    expect(failed).toMatchObject({ status: 'FAILED', attempt: 1, error: { code: 'part-failed' } });
    expect(FAILING).toContain(failed.error?.part);

    // Act
    const retried = await client.api.POST('/jobs/{id}/retry', byId(jobs.failed));
    const done = await client.pollJob(jobs.failed, hasEnded);
    const baseline = await client.pollJob(await extract(client), hasEnded);

    // Assess
    expect(bodyOf(retried, 202).data).toMatchObject({ status: 'EXECUTING', attempt: 2, failed: 0 });
    expect(done).toMatchObject({ status: 'COMPLETED', attempt: 2, failed: 0, processed: done.parts });
    expect(done.outcome).toMatchObject({ ledger: { rowsRead: 400, recordsStored: 400 } });
    const values = await valuesOf(client, jobs.failed);
    expect(values).toEqual(await valuesOf(client, baseline.id));
    expect(new Set(values.map((v) => v.id)).size).toBe(400);
  });

  it("tells each event's attempt, and every event validates against its topic's schema", async () => {
    const events = await eventsOf(client, jobs.failed);
    for (const event of events)
      expect(validateJobEvent(event), JSON.stringify(event)).toMatchObject({ valid: true });
    const story = events.filter((e) => e.topic !== 'job:updated').map((e) => `${e.topic}@${e.attempt}`);
    expect(story).toEqual([
      'job:waiting@1',
      'job:started@1',
      'job:failed@1',
      'job:started@2',
      'job:completed@2',
    ]);
    expect(events.every((e) => e.attempt === e.job.attempt)).toBe(true);
  });

  it('reruns the failed parts of a map, and the destination ends with every record once', async () => {
    const failed = await client.getJob(jobs.map);
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'part-failed' } });

    expect((await client.api.POST('/jobs/{id}/retry', byId(jobs.map))).response.status).toBe(202);
    const done = await client.pollJob(jobs.map, hasEnded);

    expect(done).toMatchObject({ status: 'COMPLETED', attempt: 2, outcome: { records: 400 } });
    const copied = await client.allRecords(stringAt(done.outcome, 'mappings', 0, 'destinationSheet'));
    const source = await client.allRecords(mapSource);
    expect(copied.map((r) => r.values.id)).toEqual(source.map((r) => r.values.id));
  });
});

describe.runIf(!remoteTarget)('failure tolerance', () => {
  it('completes within its tolerance, with failed > 0, the failed parts and their errors in the outcome; a retry then fills them in', async () => {
    const tolerated = await client.getJob(jobs.tolerated);
    expect(tolerated).toMatchObject({ status: 'COMPLETED', failed: 2, processed: tolerated.parts - 2 });
    expect(tolerated.outcome?.failedParts).toEqual(
      FAILING.map((part) => ({
        part,
        error: expect.objectContaining({
          code: 'fault-injected',
          message: expect.stringContaining(`Part ${part}`),
        }),
      })),
    );
    expect(tolerated.outcome?.message).toMatch(/^2 of 9 parts failed, within config.tolerance/);
    expect(tolerated.outcome?.ledger).toMatchObject({ partsFailed: 2, bytesUnread: expect.any(Number) });
    // The rejected-rows report names each failed part by its byte range, with its error.
    const report = await downloadReport(client, tolerated.outcome);
    expect(report.filter((row) => row.kind === 'failed-part').map((row) => [row.part, row.value])).toEqual(
      FAILING.map((part) => [String(part), expect.stringMatching(/^bytes \d+–\d+$/)]),
    );
    const stored = numberAt(tolerated.outcome, 'ledger', 'recordsStored');
    expect(stored).toBeLessThan(400);
    expect(await valuesOf(client, jobs.tolerated)).toHaveLength(stored);

    expect((await client.api.POST('/jobs/{id}/retry', byId(jobs.tolerated))).response.status).toBe(202);
    const done = await client.pollJob(jobs.tolerated, (job) => job.attempt === 2 && hasEnded(job));

    expect(done).toMatchObject({ status: 'COMPLETED', failed: 0, processed: done.parts });
    expect(done.outcome).not.toHaveProperty('failedParts');
    const values = await valuesOf(client, jobs.tolerated);
    expect(values).toHaveLength(400);
    expect(new Set(values.map((v) => v.id)).size).toBe(400);
  });

  it('fails as soon as a threshold is crossed, naming it', async () => {
    const byCount = await client.getJob(jobs.pastCount);
    const byPercent = await client.getJob(jobs.pastPercent);

    expect(byCount).toMatchObject({ status: 'FAILED', failed: 2, error: { code: 'tolerance-exceeded' } });
    expect(byCount.error?.message).toMatch(
      /^2 of 9 parts failed: more than config.tolerance.maxFailedParts \(1\) allows\. The last: part [13]: /,
    );
    // One failed part of nine is 11.1 %, within 15 %; the second crosses it.
    expect(byPercent).toMatchObject({ status: 'FAILED', failed: 2, error: { code: 'tolerance-exceeded' } });
    expect(byPercent.error?.message).toMatch(
      /^2 of 9 parts failed \(22.2 %\): more than config.tolerance.maxFailedPercent \(15 %\) allows/,
    );
  });

  it('refuses a tolerance an operation cannot honour, and a malformed one, with a 400', async () => {
    const { api } = client;
    const sheet = await api.POST('/jobs', {
      body: {
        type: 'sheet',
        operation: 'export',
        source: mapSource,
        config: { tolerance: { maxFailedParts: 1 } },
      },
    });
    const empty = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: sourceFile, config: { tolerance: {} } },
    });
    const negative = await api.POST('/jobs', {
      body: {
        type: 'file',
        operation: 'extract',
        source: sourceFile,
        config: { tolerance: { maxFailedPercent: 120 }, retryWindowSeconds: -1 },
      },
    });

    expect(problemOf(sheet, 400).detail).toMatch(/The export operation takes no config.tolerance/);
    expect(problemOf(empty, 400).detail).toMatch(
      /config.tolerance must set maxFailedParts, maxFailedPercent or both/,
    );
    expect(
      problemOf(negative, 400)
        .errors?.map((e) => e.pointer)
        .sort(),
    ).toEqual(['/config/retryWindowSeconds', '/config/tolerance/maxFailedPercent']);
  });
});

describe.runIf(!remoteTarget)('what a retry refuses, with a 409', () => {
  it('a job whose retry window ended, and whose cleanup took back what it wrote', async () => {
    const failed = await client.pollJob(jobs.noWindow, (job) => job.outcome?.message !== undefined);
    const response = await client.api.POST('/jobs/{id}/retry', byId(jobs.noWindow));
    expect(failed.status).toBe('FAILED');
    const problem = problemOf(response, 409);
    expect(problem).toMatchObject({ type: 'urn:partwise:problem:retry-window-ended' });
    expect(problem.detail).toMatch(/retry window has ended and what it wrote was removed/);
  });

  it('a COMPLETED job with no failed part, a CANCELED job, and a job not ended', async () => {
    const { api } = client;
    const completed = await client.pollJob(await extract(client), hasEnded);
    const manual = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: sourceFile, config: { partSizeBytes: PART_SIZE } },
    });
    const ready = await client.pollJob(bodyOf(manual, 201).data.id, (job) => job.status === 'READY');
    const notEnded = await api.POST('/jobs/{id}/retry', byId(ready.id));
    await api.POST('/jobs/{id}/cancel', byId(ready.id));
    const canceled = await api.POST('/jobs/{id}/retry', byId(ready.id));
    const whole = await api.POST('/jobs/{id}/retry', byId(completed.id));

    expect(problemOf(whole, 409)).toMatchObject({ type: 'urn:partwise:problem:nothing-to-retry' });
    expect(problemOf(whole, 409).detail).toMatch(/COMPLETED with every part: there is nothing to retry/);
    expect(problemOf(notEnded, 409)).toMatchObject({ type: 'urn:partwise:problem:job-not-ended' });
    expect(problemOf(notEnded, 409).detail).toMatch(
      /is READY: only a FAILED job, or one COMPLETED with failed parts/,
    );
    expect(problemOf(canceled, 409)).toMatchObject({ type: 'urn:partwise:problem:job-canceled' });
  });

  it('DELETE of a job waiting for a retry takes back what it wrote, then deletes it', async () => {
    const { api } = client;
    const response = await api.DELETE('/jobs/{id}', byId(jobs.toDelete));
    expect(bodyOf(response, 202).data).toMatchObject({ deleted: false, deleting: true });
    await waitFor(
      `deletion of ${jobs.toDelete}`,
      async () => (await api.GET('/jobs/{id}', byId(jobs.toDelete))).response.status,
      (status) => status === 404,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const retry = await api.POST('/jobs/{id}/retry', byId(jobs.toDelete));
    expect(retry.response.status).toBe(404);
  });

  it('a job whose source changed since it planned (runs last: it changes the map source)', async () => {
    // A delete rewrites the segments of the sheet the FAILED map was planned on.
    const removal = await client.api.POST('/jobs', {
      body: {
        type: 'sheet',
        operation: 'delete',
        source: mapSource,
        config: { filter: { field: 'id', equals: '0' } },
        trigger: 'immediate',
      },
    });
    expect((await client.pollJob(bodyOf(removal, 201).data.id, hasEnded)).status).toBe('COMPLETED');

    const response = await client.api.POST('/jobs/{id}/retry', byId(jobs.changedMap));

    const problem = problemOf(response, 409);
    expect(problem).toMatchObject({ type: 'urn:partwise:problem:source-changed' });
    expect(problem.detail).toMatch(
      /has changed since job .* planned its parts: a retry would map other records/,
    );
  });
});
