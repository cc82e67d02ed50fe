import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/domain/events.js';
import { validateJobEvent } from '../../shared/events/schemas.js';
import { apiClient } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
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
const ended = (job: { status: string }) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(job.status);

let first: LocalStack;
let second: LocalStack;
let api: ReturnType<typeof apiClient>;
const jobs = {} as Record<
  'failed' | 'tolerated' | 'pastCount' | 'pastPercent' | 'noWindow' | 'toDelete' | 'map' | 'changedMap',
  string
>;
let sourceFile: string;
let mapSource: string;

async function extract(client: ReturnType<typeof apiClient>, config: Record<string, unknown> = {}) {
  const created = await client.call('POST', '/jobs', {
    type: 'file',
    operation: 'extract',
    source: sourceFile,
    config: { partSizeBytes: PART_SIZE, ...config },
    trigger: 'immediate',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return String(created.body.data.id);
}

/** The values of a job's records, in sheet order. */
async function valuesOf(client: ReturnType<typeof apiClient>, jobId: string) {
  const job = (await client.call('GET', `/jobs/${jobId}`)).body.data;
  const sheetId = String(job.outcome?.sheetId);
  return (await client.allRecords(sheetId)).map((record: { values: unknown }) => record.values);
}

async function eventsOf(client: ReturnType<typeof apiClient>, jobId: string): Promise<JobEvent[]> {
  // The relay publishes within a moment of each commit: wait for the job's last event.
  return waitFor(
    `events of ${jobId}`,
    async () => (await client.call<{ data: JobEvent[] }>('GET', `/jobs/${jobId}/events?limit=100`)).body.data,
    (events) => ['job:completed', 'job:failed'].includes(events.at(-1)?.topic ?? ''),
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

beforeAll(async () => {
  if (remoteTarget) return;
  // A healthy stack seeds the source of a map: a sheet of five segments.
  const seeding = await startLocalStack();
  const healthy = apiClient(seeding);
  sourceFile = (await healthy.uploadFile('people.csv', CSV)).id;
  const seed = await extract(healthy, { partSizeBytes: 4096 });
  const seeded = await healthy.waitForJob(seed, ended);
  expect(seeded.status).toBe('COMPLETED');
  mapSource = String(seeded.outcome.sheetId);
  await seeding.stop();

  // The same data on a stack whose parts 1 and 3 always fail.
  first = await startLocalStack({
    dataDir: seeding.dataDir,
    apiKey: seeding.apiKey,
    env: { PARTWISE_FAULTS: JSON.stringify({ failParts: FAILING }) },
  });
  const failing = apiClient(first);
  jobs.failed = await extract(failing);
  jobs.tolerated = await extract(failing, { tolerance: { maxFailedParts: 2 } });
  jobs.pastCount = await extract(failing, { tolerance: { maxFailedParts: 1 } });
  jobs.pastPercent = await extract(failing, { tolerance: { maxFailedPercent: 15 } });
  jobs.noWindow = await extract(failing, { retryWindowSeconds: 0 });
  jobs.toDelete = await extract(failing);
  const workbook = await failing.call('POST', '/workbooks', {
    name: 'Copy',
    sheets: [{ name: 'Copy', fields: ['id', 'full_name', 'amount'].map((key) => ({ key, type: 'string' })) }],
  });
  const mapBody = {
    type: 'sheet',
    operation: 'map',
    source: mapSource,
    destination: String(workbook.body.data.id),
    config: {
      mappings: [
        {
          sourceSheet: mapSource,
          destinationSheet: workbook.body.data.sheets[0].id,
          fields: { id: 'id', full_name: 'full_name', amount: 'amount' },
        },
      ],
    },
  };
  const map = await failing.call('POST', '/jobs', { ...mapBody, trigger: 'immediate' });
  expect(map.status, JSON.stringify(map.body)).toBe(201);
  jobs.map = String(map.body.data.id);
  const changedMap = await failing.call('POST', '/jobs', { ...mapBody, trigger: 'immediate' });
  jobs.changedMap = String(changedMap.body.data.id);
  for (const id of Object.values(jobs)) await failing.waitForJob(id, ended);
  await first.stop();

  second = await startLocalStack({ dataDir: first.dataDir, apiKey: first.apiKey });
  api = apiClient(second);
}, 300_000);

afterAll(async () => {
  await second?.stop('SIGKILL');
  if (first) await removeDataDir(first.dataDir);
});

describe.runIf(!remoteTarget)('retry (redrive)', () => {
  it('reruns only the parts that did not finish, and ends with what a fault-free run stores, no record twice', async () => {
    // Prepare: the job failed on its first failed part, with what the others wrote kept.
    const failed = (await api.call('GET', `/jobs/${jobs.failed}`)).body.data;
    expect(failed).toMatchObject({ status: 'FAILED', attempt: 1, error: { code: 'part-failed' } });
    expect(FAILING).toContain(failed.error.part);

    // Act
    const retried = await api.call('POST', `/jobs/${jobs.failed}/retry`);
    const done = await api.waitForJob(jobs.failed, ended);
    const baseline = await api.waitForJob(await extract(api), ended);

    // Assess
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.body.data).toMatchObject({ status: 'EXECUTING', attempt: 2, failed: 0 });
    expect(done).toMatchObject({ status: 'COMPLETED', attempt: 2, failed: 0, processed: done.parts });
    expect(done.outcome.ledger).toMatchObject({ rowsRead: 400, recordsStored: 400 });
    const values = await valuesOf(api, jobs.failed);
    expect(values).toEqual(await valuesOf(api, baseline.id));
    expect(new Set(values.map((v) => (v as { id: string }).id)).size).toBe(400);
  });

  it("tells each event's attempt, and every event validates against its topic's schema", async () => {
    const events = await eventsOf(api, jobs.failed);
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
    const failed = (await api.call('GET', `/jobs/${jobs.map}`)).body.data;
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'part-failed' } });

    expect((await api.call('POST', `/jobs/${jobs.map}/retry`)).status).toBe(202);
    const done = await api.waitForJob(jobs.map, ended);

    expect(done).toMatchObject({ status: 'COMPLETED', attempt: 2, outcome: { records: 400 } });
    const copied = await api.allRecords(done.outcome.mappings[0].destinationSheet);
    const source = await api.allRecords(mapSource);
    expect(copied.map((r: { values: { id: string } }) => r.values.id)).toEqual(
      source.map((r: { values: { id: string } }) => r.values.id),
    );
  });
});

describe.runIf(!remoteTarget)('failure tolerance', () => {
  it('completes within its tolerance, with failed > 0, the failed parts and their errors in the outcome; a retry then fills them in', async () => {
    const tolerated = (await api.call('GET', `/jobs/${jobs.tolerated}`)).body.data;
    expect(tolerated).toMatchObject({ status: 'COMPLETED', failed: 2, processed: tolerated.parts - 2 });
    expect(tolerated.outcome.failedParts).toEqual(
      FAILING.map((part) => ({
        part,
        error: expect.objectContaining({
          code: 'fault-injected',
          message: expect.stringContaining(`Part ${part}`),
        }),
      })),
    );
    expect(tolerated.outcome.message).toMatch(/^2 of 9 parts failed, within config.tolerance/);
    expect(tolerated.outcome.ledger).toMatchObject({ partsFailed: 2, bytesUnread: expect.any(Number) });
    // The rejected-rows report names each failed part by its byte range, with its error.
    const report = await downloadReport(api, tolerated.outcome);
    expect(report.filter((row) => row.kind === 'failed-part').map((row) => [row.part, row.value])).toEqual(
      FAILING.map((part) => [String(part), expect.stringMatching(/^bytes \d+–\d+$/)]),
    );
    const stored = tolerated.outcome.ledger.recordsStored;
    expect(stored).toBeLessThan(400);
    expect(await valuesOf(api, jobs.tolerated)).toHaveLength(stored);

    expect((await api.call('POST', `/jobs/${jobs.tolerated}/retry`)).status).toBe(202);
    const done = await api.waitForJob(jobs.tolerated, (job) => job.attempt === 2 && ended(job));

    expect(done).toMatchObject({ status: 'COMPLETED', failed: 0, processed: done.parts });
    expect(done.outcome.failedParts).toBeUndefined();
    const values = await valuesOf(api, jobs.tolerated);
    expect(values).toHaveLength(400);
    expect(new Set(values.map((v) => (v as { id: string }).id)).size).toBe(400);
  });

  it('fails as soon as a threshold is crossed, naming it', async () => {
    const byCount = (await api.call('GET', `/jobs/${jobs.pastCount}`)).body.data;
    const byPercent = (await api.call('GET', `/jobs/${jobs.pastPercent}`)).body.data;

    expect(byCount).toMatchObject({ status: 'FAILED', failed: 2, error: { code: 'tolerance-exceeded' } });
    expect(byCount.error.message).toMatch(
      /^2 of 9 parts failed: more than config.tolerance.maxFailedParts \(1\) allows\. The last: part [13]: /,
    );
    // One failed part of nine is 11.1 %, within 15 %; the second crosses it.
    expect(byPercent).toMatchObject({ status: 'FAILED', failed: 2, error: { code: 'tolerance-exceeded' } });
    expect(byPercent.error.message).toMatch(
      /^2 of 9 parts failed \(22.2 %\): more than config.tolerance.maxFailedPercent \(15 %\) allows/,
    );
  });

  it('refuses a tolerance an operation cannot honour, and a malformed one, with a 400', async () => {
    const sheet = await api.call('POST', '/jobs', {
      type: 'sheet',
      operation: 'export',
      source: mapSource,
      config: { tolerance: { maxFailedParts: 1 } },
    });
    const empty = await api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: sourceFile,
      config: { tolerance: {} },
    });
    const negative = await api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: sourceFile,
      config: { tolerance: { maxFailedPercent: 120 }, retryWindowSeconds: -1 },
    });

    expect(sheet.status).toBe(400);
    expect(sheet.body.detail).toMatch(/The export operation takes no config.tolerance/);
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/config.tolerance must set maxFailedParts, maxFailedPercent or both/);
    expect(negative.status).toBe(400);
    expect(negative.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/config/retryWindowSeconds',
      '/config/tolerance/maxFailedPercent',
    ]);
  });
});

describe.runIf(!remoteTarget)('what a retry refuses, with a 409', () => {
  it('a job whose retry window ended, and whose cleanup took back what it wrote', async () => {
    const failed = await api.waitForJob(jobs.noWindow, (job) => job.outcome?.message !== undefined);
    const response = await api.call('POST', `/jobs/${jobs.noWindow}/retry`);
    expect(failed.status).toBe('FAILED');
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ type: 'urn:partwise:problem:retry-window-ended' });
    expect(response.body.detail).toMatch(/retry window has ended and what it wrote was removed/);
  });

  it('a COMPLETED job with no failed part, a CANCELED job, and a job not ended', async () => {
    const completed = await api.waitForJob(await extract(api), ended);
    const manual = await api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: sourceFile,
      config: { partSizeBytes: PART_SIZE },
    });
    const ready = await api.waitForJob(manual.body.data.id, (job) => job.status === 'READY');
    const notEnded = await api.call('POST', `/jobs/${ready.id}/retry`);
    await api.call('POST', `/jobs/${ready.id}/cancel`);
    const canceled = await api.call('POST', `/jobs/${ready.id}/retry`);
    const whole = await api.call('POST', `/jobs/${completed.id}/retry`);

    expect(whole).toMatchObject({ status: 409, body: { type: 'urn:partwise:problem:nothing-to-retry' } });
    expect(whole.body.detail).toMatch(/COMPLETED with every part: there is nothing to retry/);
    expect(notEnded).toMatchObject({ status: 409, body: { type: 'urn:partwise:problem:job-not-ended' } });
    expect(notEnded.body.detail).toMatch(/is READY: only a FAILED job, or one COMPLETED with failed parts/);
    expect(canceled).toMatchObject({ status: 409, body: { type: 'urn:partwise:problem:job-canceled' } });
  });

  it('DELETE of a job waiting for a retry takes back what it wrote, then deletes it', async () => {
    const response = await api.call('DELETE', `/jobs/${jobs.toDelete}`);
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({ deleted: false, deleting: true });
    await waitFor(
      `deletion of ${jobs.toDelete}`,
      async () => (await api.call('GET', `/jobs/${jobs.toDelete}`)).status,
      (status) => status === 404,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const retry = await api.call('POST', `/jobs/${jobs.toDelete}/retry`);
    expect(retry.status).toBe(404);
  });

  it('a job whose source changed since it planned (runs last: it changes the map source)', async () => {
    // A delete rewrites the segments of the sheet the FAILED map was planned on.
    const removal = await api.call('POST', '/jobs', {
      type: 'sheet',
      operation: 'delete',
      source: mapSource,
      config: { filter: { field: 'id', equals: '0' } },
      trigger: 'immediate',
    });
    expect(removal.status, JSON.stringify(removal.body)).toBe(201);
    expect((await api.waitForJob(removal.body.data.id, ended)).status).toBe('COMPLETED');

    const response = await api.call('POST', `/jobs/${jobs.changedMap}/retry`);

    expect(response).toMatchObject({ status: 409, body: { type: 'urn:partwise:problem:source-changed' } });
    expect(response.body.detail).toMatch(
      /has changed since job .* planned its parts: a retry would map other records/,
    );
  });
});
