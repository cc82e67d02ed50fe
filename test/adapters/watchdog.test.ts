import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * The sweeper as a watchdog, over the real adapters: each sweep that finds a job unchanged
 * sends its work again and counts a stall; past MAX_STALLS the job fails saying what stalled.
 * A job carried out outside partwise is never finished by a sweep: it fails when its executor
 * misses the first ack or falls silent. Each test ends its jobs, so a sweep sees only its own.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let outside: typeof import('../../shared/engine/outside.js');
let relay: typeof import('../../shared/engine/relay.js');
let sweeper: typeof import('../../shared/engine/sweep.js');
let jobParts: typeof import('../../shared/adapters/dynamodb/job-parts.js').jobPartsStore;
let driver: ReturnType<typeof engineDriver>;

const ENV = 'env_watchdog';

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  outside = await import('../../shared/engine/outside.js');
  relay = await import('../../shared/engine/relay.js');
  sweeper = await import('../../shared/engine/sweep.js');
  ({ jobPartsStore: jobParts } = await import('../../shared/adapters/dynamodb/job-parts.js'));
  driver = engineDriver(aws, services);
});
afterAll(() => aws?.stop());

const open: string[] = [];
afterEach(async () => {
  for (const jobId of open.splice(0)) {
    const record = await services.jobs.get(jobId);
    if (record && !['COMPLETED', 'FAILED', 'CANCELED'].includes(record.job.status)) {
      await lifecycle.failJob(services, jobId, { code: 'test-over', message: 'the test is over' });
    }
    const ended = await services.jobs.get(jobId);
    if (ended?.cleanupPending) await driver.drive(jobId, { until: (r) => !r.cleanupPending }).catch(() => {});
  }
  await driver.dropQueued();
});

/**
 * Services whose clock runs `aheadMs` in front of the real one (so work a sweep just looked
 * at is already stale for the next), and whose queue keeps what is sent instead of sending it:
 * work sent again is lost again, as when it keeps failing.
 */
function losingQueue(aheadMs = 1000) {
  const sends: QueueMessage[][] = [];
  const lossy: Services = {
    ...services,
    now: () => new Date(Date.now() + aheadMs),
    // The relay hands over its commands even when there are none: only real sends are kept.
    queue: { send: async (messages) => void (messages.length > 0 && sends.push(messages)) },
  };
  return { services: lossy, sends, sent: () => sends.flat() };
}

const statusOf = async (jobId: string) => (await services.jobs.get(jobId))?.job;

async function extractJob(trigger: 'manual' | 'immediate', rows = 150) {
  const source = await driver.uploadCsv(ENV, generateCsv(rows, 6).text);
  const { job } = await lifecycle.createJob(services, ENV, {
    type: 'file',
    operation: 'extract',
    source,
    config: { partSizeBytes: 1024 },
    trigger,
  });
  open.push(job.id);
  return job;
}

/** An immediate extract, EXECUTING, every part taken off the queue unrun (lost). */
async function executingWithLostParts(rows = 150) {
  // No retry window: a failed job's cleanup is sent at once.
  const { jobId, record, held } = await driver.executingExtract(ENV, generateCsv(rows, 6).text, {
    retryWindowSeconds: 0,
  });
  open.push(jobId);
  return { record, held };
}

/** A `submit` job of a workbook that declares it, started: EXECUTING, waiting for its executor. */
async function waitingActionJob(config: Record<string, number>) {
  const id = `wb_${Math.random().toString(36).slice(2, 12)}`;
  const now = new Date().toISOString();
  await services.resources.putWorkbook({
    id,
    environmentId: ENV,
    name: 'Orders',
    sheets: [],
    actions: [{ operation: 'submit', label: 'Submit' }],
    createdAt: now,
    updatedAt: now,
  });
  const { job } = await lifecycle.createJob(services, ENV, {
    type: 'workbook',
    operation: 'submit',
    source: id,
    trigger: 'immediate',
    config,
  });
  open.push(job.id);
  await lifecycle.planJob(services, job.id);
  await relay.relayOutboxes(services, [(await services.jobs.get(job.id))!]);
  await driver.dropQueued();
  const record = await services.jobs.get(job.id);
  expect(record?.job).toMatchObject({ status: 'EXECUTING', parts: 0 });
  return record!;
}

/** Sweeps with the clock at `ms`. */
const sweepAt = (ms: number) => sweeper.sweep({ ...services, now: () => new Date(ms) }, 0);

describe('the watchdog, for a job carried out outside partwise', () => {
  it('never completes it while it waits for its first ack, and fails it once the ack timeout has passed', async () => {
    // Prepare: nobody acknowledges; the delayed ack check was lost with the queue.
    const record = await waitingActionJob({ ackTimeoutSeconds: 60 });
    const started = Date.parse(String(record.job.startedAt));

    // Act: a sweep before the deadline, then one after it.
    const early = await sweepAt(started + 59_000);
    const afterEarly = await statusOf(record.job.id);
    const late = await sweepAt(started + 61_000);

    // Assess
    expect(early).toMatchObject({ stalled: 0, finalized: 0 });
    expect(afterEarly?.status).toBe('EXECUTING');
    expect(late.stalled).toBe(1);
    expect(await statusOf(record.job.id)).toMatchObject({ status: 'FAILED', error: { code: 'ack-timeout' } });
    const { events } = await services.events.listForJob(record.job.id, 20);
    expect(events.map((event) => event.topic)).not.toContain('job:completed');
  });

  it('keeps an acknowledged job while it reports within its heartbeat, and fails it once it falls silent', async () => {
    // Prepare: acknowledged; the executor then says nothing more.
    const record = await waitingActionJob({ ackTimeoutSeconds: 60, heartbeatSeconds: 120 });
    await outside.ackJob(services, ENV, record.job.id, { progress: 10 });
    const acked = await services.jobs.get(record.job.id);
    const lastReport = Date.parse(String(acked?.job.updatedAt));

    // Act
    const within = await sweepAt(lastReport + 119_000);
    const afterWithin = await statusOf(record.job.id);
    const silent = await sweepAt(lastReport + 121_000);

    // Assess: the ack deadline no longer applies once acknowledged (61 s had passed).
    expect(within.stalled).toBe(0);
    expect(afterWithin?.status).toBe('EXECUTING');
    expect(silent.stalled).toBe(1);
    const failed = await statusOf(record.job.id);
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'executor-silent' } });
    expect(failed?.error?.message).toContain('has not reported for 120 s');
    expect(failed?.error?.message).toContain(`POST /jobs/${record.job.id}/ack`);
  });
});

describe('the watchdog, for planning and parts', () => {
  it('plans again a job whose planning made no progress, then fails it after MAX_STALLS tries, saying so', async () => {
    // Prepare: the plan command is lost, and so is every one the sweeper sends.
    const job = await extractJob('manual');
    await relay.relayOutboxes(services, [(await services.jobs.get(job.id))!]);
    await driver.dropQueued();
    const queue = losingQueue();

    // Act
    const reports = [];
    for (let i = 0; i <= sweeper.MAX_STALLS; i++) reports.push(await sweeper.sweep(queue.services, 0));

    // Assess: each try sent the plan command again; the next sweep gave up.
    expect(reports.slice(0, -1).map((report) => [report.replanned, report.stalled])).toEqual(
      Array.from({ length: sweeper.MAX_STALLS }, () => [1, 0]),
    );
    expect(reports.at(-1)).toMatchObject({ replanned: 0, stalled: 1 });
    expect(queue.sent()).toEqual(
      Array.from({ length: sweeper.MAX_STALLS }, () => ({ kind: 'plan', jobId: job.id })),
    );
    const failed = await statusOf(job.id);
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'planning-stalled' } });
    expect(failed?.error?.message).toBe(
      `Planning made no progress since it was last sent again, though the work was sent again ${sweeper.MAX_STALLS} times; the job was stopped so that it does not hang unseen.`,
    );
  });

  it('sends the pending parts again in runs, then fails the job naming the first ten that never finished', async () => {
    // Prepare: more than ten parts, all lost; parts 1 and 3 ran after all.
    const { record, held } = await executingWithLostParts(400);
    expect(held.length).toBeGreaterThan(12);
    const partsRun = await import('../../shared/engine/parts.js');
    for (const part of [1, 3]) await partsRun.runPart(services, held[part]!);
    const queue = losingQueue();

    // Act
    const first = await sweeper.sweep(queue.services, 0);
    const firstSends = queue.sends.map((messages) =>
      messages.map((message) => ('part' in message ? message.part : -1)),
    );
    for (let i = 1; i < sweeper.MAX_STALLS; i++) await sweeper.sweep(queue.services, 0);
    const last = await sweeper.sweep(queue.services, 0);

    // Assess: three runs (0; 2; 4…), one send each; the job failed on the sweep after.
    const pending = held.map((message) => message.part).filter((part) => part !== 1 && part !== 3);
    expect(firstSends).toEqual([[0], [2], pending.slice(2)]);
    expect(first).toMatchObject({ resumed: 1, resentParts: pending.length, stalled: 0 });
    expect(last).toMatchObject({ resumed: 0, stalled: 1 });
    const failed = await statusOf(record.job.id);
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'parts-stalled' } });
    expect(failed?.error?.message).toContain(
      `No part finished (${pending.length} pending: ${pending.slice(0, 10).join(', ')}, …)`,
    );
  });

  it('counts a part a crash left in its bucket uncounted, and completes the job without sending anything', async () => {
    // Prepare: every part ran but the last, which joined its bucket and died before counting.
    const { record, held } = await executingWithLostParts();
    const partsRun = await import('../../shared/engine/parts.js');
    for (const message of held.slice(0, -1)) await partsRun.runPart(services, message);
    // Counting is two writes: the part joins its bucket's set, then raises the job's count.
    const diesBetween: Services = {
      ...services,
      jobs: {
        ...services.jobs,
        countParts: async (jobId, finished) => {
          await jobParts.addToBuckets(jobId, finished);
          throw new Error('the processor died between the two writes');
        },
      },
    };
    await expect(partsRun.runPart(diesBetween, held.at(-1)!)).rejects.toThrow(/died/);
    const stuck = await services.jobs.get(record.job.id);
    expect(stuck?.job).toMatchObject({ status: 'EXECUTING', processed: stuck!.job.parts - 1 });
    const queue = losingQueue();

    // Act
    const report = await sweeper.sweep(queue.services, 0);

    // Assess
    expect(report).toMatchObject({ finalized: 1, resentParts: 0, stalled: 0 });
    expect(queue.sent().filter((message) => 'part' in message)).toEqual([]);
    expect(await statusOf(record.job.id)).toMatchObject({ status: 'COMPLETED', processed: stuck!.job.parts });
  });

  it('sends a lost cleanup again, then stops it after MAX_STALLS tries and says what may be left', async () => {
    // Prepare: an executing extract fails; its cleanup command is lost, and so is every resend.
    const { record } = await executingWithLostParts();
    await lifecycle.failJob(services, record.job.id, { code: 'test', message: 'failed on purpose' });
    await relay.relayOutboxes(services, [(await services.jobs.get(record.job.id))!]);
    await driver.dropQueued();
    expect((await services.jobs.get(record.job.id))?.cleanupPending).toBe(true);
    const queue = losingQueue();

    // Act
    const reports = [];
    for (let i = 0; i <= sweeper.MAX_STALLS; i++) reports.push(await sweeper.sweep(queue.services, 0));

    // Assess
    expect(reports.map((report) => [report.cleanups, report.stalled])).toEqual([
      ...Array.from({ length: sweeper.MAX_STALLS }, () => [1, 0]),
      [0, 1],
    ]);
    expect(queue.sent()).toEqual(
      Array.from({ length: sweeper.MAX_STALLS }, () => ({ kind: 'cleanup', jobId: record.job.id })),
    );
    const after = await services.jobs.get(record.job.id);
    expect(after?.cleanupPending).toBeUndefined();
    expect(after?.job.status).toBe('FAILED');
    expect(after?.job.outcome?.cleanup).toBe(
      `Removing what this job wrote did not finish after ${sweeper.MAX_STALLS + 1} tries; some of it may be left (its records stay in their sheet's runs, its temporary objects expire under tmp/).`,
    );
  });

  it('starts the count over when the job moves between two sweeps', async () => {
    // Prepare: lost parts, swept up to the last try.
    const { record, held } = await executingWithLostParts();
    const queue = losingQueue();
    for (let i = 0; i < sweeper.MAX_STALLS; i++) await sweeper.sweep(queue.services, 0);
    const partsRun = await import('../../shared/engine/parts.js');

    // Act: one part finishes, then the sweeps go on.
    await partsRun.runPart(services, held[0]!);
    const reports = [];
    for (let i = 0; i < sweeper.MAX_STALLS; i++) reports.push(await sweeper.sweep(queue.services, 0));

    // Assess: MAX_STALLS more tries, none of them the last.
    expect(reports.map((report) => [report.resumed, report.stalled])).toEqual(
      Array.from({ length: sweeper.MAX_STALLS }, () => [1, 0]),
    );
    expect((await statusOf(record.job.id))?.status).toBe('EXECUTING');
  });
});
