import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import type { JobRecord, QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * The cleanup of FAILED and CANCELED jobs over the real adapters: the command committed
 * with the transition, the part that lands its output after the cleanup ran, the sweeper
 * that sends a cleanup again.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let outside: typeof import('../../shared/engine/outside.js');
let parts: typeof import('../../shared/engine/parts.js');
let relay: typeof import('../../shared/engine/relay.js');
let driver: ReturnType<typeof engineDriver>;
let sweeper: typeof import('../../shared/engine/sweep.js');
let segments: typeof import('../../shared/operations/segments.js');

const ENV = 'env_cleanup';

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  outside = await import('../../shared/engine/outside.js');
  parts = await import('../../shared/engine/parts.js');
  relay = await import('../../shared/engine/relay.js');
  driver = engineDriver(aws, services);
  sweeper = await import('../../shared/engine/sweep.js');
  segments = await import('../../shared/operations/segments.js');
});
afterAll(() => aws?.stop());

type PartMessage = Extract<QueueMessage, { part: number }>;

/**
 * An extract of `rows` rows into a workbook whose sheet already holds the records of a
 * completed extract: `ran` of its parts run, the rest are held back.
 */
async function extractInterrupted(rows: number, ran: number) {
  const seed = await driver.uploadCsv(ENV, generateCsv(300, 3).text);
  const seeded = await lifecycle.createJob(services, ENV, {
    type: 'file',
    operation: 'extract',
    source: seed,
    trigger: 'immediate',
  });
  const { record: imported } = await driver.drive(seeded.job.id);
  const workbook = await services.resources.getWorkbook(String(imported.job.destination));
  const sheetId = String(workbook?.sheets[0]?.id);
  const before = await contents(sheetId);

  const source = await driver.uploadCsv(ENV, generateCsv(rows, 7).text);
  const { job } = await lifecycle.createJob(services, ENV, {
    type: 'file',
    operation: 'extract',
    source,
    destination: workbook?.id,
    // No retry window: the cleanup of a failed job is sent at once.
    config: { partSizeBytes: 8192, retryWindowSeconds: 0 },
    trigger: 'immediate',
  });
  let started = 0;
  const { record: running, held } = await driver.drive(job.id, {
    until: (r) => r.job.status === 'EXECUTING' && r.job.processed >= ran,
    hold: () => started++ >= ran,
  });
  expect(held.length).toBeGreaterThan(1);
  expect((await contents(sheetId)).total).toBeGreaterThan(before.total);
  return { jobId: job.id, sheetId, before, running, held };
}

/** What a reader of the sheet sees, and the segments behind it. */
async function contents(sheetId: string) {
  const { records, total } = await segments.readRecords(services, sheetId, 0, 10_000);
  const listed = await services.resources.listSegments(sheetId);
  return { ids: records.map((r) => r.id), total, keys: listed.map((s) => s.key) };
}

const planObjects = (jobId: string) => services.blobs.list(objectKeysOf(ENV).plans(jobId));
const cleanedUp = (r: JobRecord) => !r.cleanupPending;

describe('cleanup of a job that ends FAILED or CANCELED', () => {
  it('takes a canceled extract’s records back out of an existing sheet, and a part that lands after the cleanup removes its own', async () => {
    // Prepare: two parts ran; one more started before the cancel and registers its
    // segment only after the cleanup.
    const { jobId, sheetId, before, running, held } = await extractInterrupted(3000, 2);
    expect(await planObjects(jobId)).not.toEqual([]);
    let registerLate = () => {};
    const gate = new Promise<void>((resolve) => {
      registerLate = resolve;
    });
    const slowResources = Object.create(services.resources) as Services['resources'];
    let atGate = () => {};
    const reachedGate = new Promise<void>((resolve) => {
      atGate = resolve;
    });
    slowResources.putSegment = async (segment) => {
      atGate();
      await gate;
      return services.resources.putSegment(segment);
    };
    const late = parts.runPart({ ...services, resources: slowResources }, held[0] as PartMessage, running);
    await reachedGate;

    // Act: cancel; the cleanup runs on the queue; then the late part lands.
    const canceled = await outside.cancelJob(services, ENV, jobId);
    expect(canceled.status).toBe('CANCELED');
    expect((await services.jobs.get(jobId))?.cleanupPending).toBe(true);
    await expect(lifecycle.deleteJob(services, ENV, jobId)).rejects.toMatchObject({
      code: 'job-cleaning-up',
    });
    const { record: cleaned } = await driver.drive(jobId, { until: cleanedUp });
    expect(await contents(sheetId)).toEqual(before);
    registerLate();
    await late;

    // Assess
    expect(await contents(sheetId)).toEqual(before);
    expect(await planObjects(jobId)).toEqual([]);
    expect(cleaned.job).toMatchObject({
      status: 'CANCELED',
      outcome: { message: expect.stringMatching(/No record of this extract remains/) },
    });
    await lifecycle.deleteJob(services, ENV, jobId);
    expect(await services.jobs.get(jobId)).toBeUndefined();
  });

  it('cleans up a job that failed, and the sweeper sends a cleanup that was lost again', async () => {
    // Prepare: one part ran, another fails for good; the cleanup command is lost.
    const { jobId, sheetId, before } = await extractInterrupted(2000, 1);
    await parts.failPart(
      services,
      { jobId: jobId, part: 1 },
      { code: 'part-exhausted', message: 'disk on fire', part: 1 },
    );
    const failed = await services.jobs.get(jobId);
    expect(failed).toMatchObject({ job: { status: 'FAILED' }, cleanupPending: true });
    await relay.relayOutboxes(services, [failed as JobRecord]);
    await driver.dropQueued();
    expect((await contents(sheetId)).total).toBeGreaterThan(before.total);

    // Act
    const report = await sweeper.sweep(services, 0);
    const { record } = await driver.drive(jobId, { until: cleanedUp });

    // Assess
    expect(report.cleanups).toBeGreaterThanOrEqual(1);
    expect(await contents(sheetId)).toEqual(before);
    expect(await planObjects(jobId)).toEqual([]);
    expect(record.job).toMatchObject({ status: 'FAILED', error: { code: 'part-failed' } });
    // Done: the next sweep leaves it alone.
    expect((await sweeper.sweep(services, 0)).cleanups).toBe(0);
  });

  it('removes the plan of a job canceled while it waited in READY', async () => {
    const source = await driver.uploadCsv(ENV, 'a,b\n1,2\n');
    const { job } = await lifecycle.createJob(services, ENV, { type: 'file', operation: 'extract', source });
    await driver.drive(job.id, { until: (r) => r.job.status === 'READY' });
    expect(await planObjects(job.id)).toHaveLength(1);

    await outside.cancelJob(services, ENV, job.id);
    const { record } = await driver.drive(job.id, { until: cleanedUp });

    expect(await planObjects(job.id)).toEqual([]);
    expect(record.job.outcome?.message).toMatch(/No record of this extract remains/);
  });
});
