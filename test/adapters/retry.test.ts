import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import type { JobRecord } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * Redrive and the retry window over the real adapters: failures are kept per attempt, a
 * job waiting for a retry is out of the sweeper's sight until its window ends, and what the
 * window's end removes depends on how the job ended.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let parts: typeof import('../../shared/engine/parts.js');
let retry: typeof import('../../shared/engine/retry.js');
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let cleanup: typeof import('../../shared/engine/cleanup.js');
let sweeper: typeof import('../../shared/engine/sweep.js');

const ENV = 'env_retry';
const error = (part: number) => ({ code: 'part-exhausted', message: `part ${part} on fire`, part });

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  parts = await import('../../shared/engine/parts.js');
  retry = await import('../../shared/engine/retry.js');
  lifecycle = await import('../../shared/engine/lifecycle.js');
  cleanup = await import('../../shared/engine/cleanup.js');
  sweeper = await import('../../shared/engine/sweep.js');
});
afterAll(() => aws?.stop());

/** The services an hour on: past a retry window of 60 s (and the sweeper's stale time). */
const anHourLater = (): Services => ({ ...services, now: () => new Date(Date.now() + 3600_000) });

/** An extract in parts of 1 KiB whose parts 0 and 2 ran and whose part 1 failed for good. */
async function failedExtract(config: Record<string, unknown> = {}) {
  const driver = engineDriver(aws, services);
  const { jobId, held } = await driver.executingExtract(ENV, generateCsv(120, 9).text, config);
  for (const message of held.filter((m) => m.part !== 1)) await parts.runPart(services, message);
  await parts.failPart(services, { jobId, part: 1 }, error(1));
  const { record } = await driver.drive(jobId, {
    until: (r) => r.job.status === 'FAILED' || r.job.status === 'COMPLETED',
  });
  return { jobId, held, record, driver };
}

const sheetRecords = async (record: JobRecord) => {
  const sheetId = String((record.job.outcome?.sheetId as string | undefined) ?? '');
  const segments = await services.resources.listSegments(sheetId);
  return segments.reduce((sum, s) => sum + s.rows, 0);
};

describe('a retried job', () => {
  it('ignores a failure reported for the attempt that ended, and completes with every part once', async () => {
    // Prepare: part 1 failed; only parts 0 and 2 of five ran (the job failed on the way).
    const { jobId, held, driver } = await failedExtract();
    const failed = await services.jobs.get(jobId);
    expect(failed).toMatchObject({ job: { status: 'FAILED', failed: 1 }, cleanupPending: true });

    // Act: the retry starts; a dead letter of attempt 1 arrives late.
    const started = await retry.retryJob(services, ENV, jobId);
    await parts.failPart(services, { jobId, part: 3, attempt: 1 }, error(3));
    const after = await services.jobs.get(jobId);
    const { record } = await driver.drive(jobId);

    // Assess
    expect(started).toMatchObject({ status: 'EXECUTING', attempt: 2, failed: 0 });
    expect(after?.job).toMatchObject({ status: 'EXECUTING', failed: 0 });
    expect(record.job).toMatchObject({ status: 'COMPLETED', attempt: 2, failed: 0, processed: held.length });
    expect(record.cleanupPending).toBeUndefined();
    expect((await services.jobs.listParts(record, 0, held.length)).map((p) => p.status)).toEqual(
      held.map(() => 'COMPLETED'),
    );
    expect(record.job.outcome).toMatchObject({ ledger: { rowsRead: 120, recordsStored: 120 } });
    expect(await services.blobs.list(objectKeysOf(ENV).plans(jobId))).toEqual([]);
  });
});

describe('a retry refused', () => {
  it('when a sheet the job writes into was deleted since it planned', async () => {
    const { jobId, record } = await failedExtract();
    const workbook = await services.resources.getWorkbook(String(record.job.destination));
    if (workbook) await services.resources.deleteWorkbook(workbook);

    const refused = await retry.retryJob(services, ENV, jobId).catch((e: Error) => e);

    expect(refused).toMatchObject({ status: 409, code: 'destination-gone' });
    expect((await services.jobs.get(jobId))?.job.status).toBe('FAILED');
  });
});

describe('the retry window', () => {
  it('keeps a FAILED job out of the sweeper until it ends, then its cleanup takes back what it wrote', async () => {
    // Prepare
    const { jobId, record } = await failedExtract({ retryWindowSeconds: 60 });
    const sheetId = String(record.job.destination);
    expect(record.cleanupDueAt).toBeDefined();

    // Act: a sweep now finds nothing to do; one an hour later sends the cleanup.
    const now = await sweeper.sweep(services, 0);
    const later = anHourLater();
    const then = await sweeper.sweep(later, 0);
    await engineDriver(aws, later).drive(jobId, { until: (r) => !r.cleanupPending });
    const refused = await retry.retryJob(services, ENV, jobId).catch((e: Error) => e);

    // Assess
    expect(now.cleanups).toBe(0);
    expect(then.cleanups).toBe(1);
    const workbook = await services.resources.getWorkbook(sheetId);
    const segments = await services.resources.listSegments(String(workbook?.sheets[0]?.id));
    expect(segments).toEqual([]);
    expect(refused).toMatchObject({ code: 'retry-window-ended', status: 409 });
  });

  it('of a job COMPLETED without some parts removes only its plans: its records stay', async () => {
    // Prepare
    const { jobId, record } = await failedExtract({
      retryWindowSeconds: 60,
      tolerance: { maxFailedParts: 1 },
    });
    expect(record.job).toMatchObject({ status: 'COMPLETED', failed: 1 });
    expect(record.job.outcome).toMatchObject({ partsFailed: 1, failedParts: [{ part: 1, error: error(1) }] });
    expect(await services.blobs.list(objectKeysOf(ENV).plans(jobId))).not.toEqual([]);
    const stored = await sheetRecords(record);

    // Act
    const later = anHourLater();
    await sweeper.sweep(later, 0);
    const { record: released } = await engineDriver(aws, later).drive(jobId, {
      until: (r) => !r.cleanupPending,
    });

    // Assess
    expect(released.job.status).toBe('COMPLETED');
    expect(await services.blobs.list(objectKeysOf(ENV).plans(jobId))).toEqual([]);
    expect(await sheetRecords(released)).toBe(stored);
    expect(stored).toBeGreaterThan(0);
  });

  it('ends at once on DELETE: the cleanup runs, then deletes the job', async () => {
    // Prepare
    const { jobId, record } = await failedExtract();

    // Act
    const answer = await lifecycle.deleteJob(services, ENV, jobId);
    const during = await services.jobs.get(jobId);
    await cleanup.cleanupJob(services, jobId);

    // Assess
    expect(answer).toBe('deleting');
    expect(during).toMatchObject({ deleteRequested: true, cleanupPending: true });
    expect(await retry.retryJob(services, ENV, jobId).catch((e: Error) => e)).toMatchObject({ status: 404 });
    const workbook = await services.resources.getWorkbook(String(record.job.destination));
    expect(await services.resources.listSegments(String(workbook?.sheets[0]?.id))).toEqual([]);
  });
});
