import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCommand } from '../../shared/domain/events.js';
import type { QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * Jobs of custom actions, carried out by a service outside partwise over the real adapters:
 * the ack timer that fails a job nobody picked up, and the executor's reports.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let outside: typeof import('../../shared/engine/outside.js');
let commands: typeof import('../../shared/engine/commands.js');

const ENV = 'env_outside';
type AckTimeout = Extract<JobCommand, { kind: 'ack-timeout' }>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  outside = await import('../../shared/engine/outside.js');
  commands = await import('../../shared/engine/commands.js');
});
afterAll(() => aws?.stop());

/** A workbook of the environment that declares the action `submit`. */
async function workbookWithSubmit(environmentId = ENV): Promise<string> {
  const id = `wb_${Math.random().toString(36).slice(2, 12)}`;
  const now = new Date().toISOString();
  await services.resources.putWorkbook({
    id,
    environmentId,
    name: 'Orders',
    sheets: [],
    actions: [{ operation: 'submit', label: 'Submit' }],
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

/** A `submit` job, planned: EXECUTING (immediate) or READY (manual), with the ack timer its start committed. */
async function submitJob(trigger: 'immediate' | 'manual' = 'immediate', ackTimeoutSeconds = 60) {
  const { job } = await lifecycle.createJob(services, ENV, {
    type: 'workbook',
    operation: 'submit',
    source: await workbookWithSubmit(),
    trigger,
    config: { ackTimeoutSeconds },
  });
  await lifecycle.planJob(services, job.id);
  const record = await services.jobs.get(job.id);
  const timer = record?.outbox.flatMap((entry) =>
    'command' in entry && entry.command.kind === 'ack-timeout' ? [entry.command] : [],
  )[0];
  return { jobId: job.id, record: record!, timer: timer as AckTimeout };
}

/** Delivers the ack timer with the engine's clock at `ms`; returns what it sent to the queue. */
async function deliverTimer(timer: AckTimeout, ms: number): Promise<QueueMessage[]> {
  const sent: QueueMessage[] = [];
  await commands.runCommand(
    {
      ...services,
      now: () => new Date(ms),
      queue: { send: async (messages) => void sent.push(...messages) },
    },
    timer,
  );
  return sent;
}

const statusOf = async (jobId: string) => (await services.jobs.get(jobId))?.job.status;

describe('the ack timer of a job carried out outside partwise', () => {
  it('is set when the job starts, due its ack timeout later', async () => {
    const { record, timer } = await submitJob('immediate', 90);
    expect(record.job.status).toBe('EXECUTING');
    expect(timer).toEqual({
      kind: 'ack-timeout',
      jobId: record.job.id,
      due: new Date(Date.parse(String(record.job.startedAt)) + 90_000).toISOString(),
    });
  });

  it('fails the job when nobody acknowledged it by then, saying what to check', async () => {
    const { jobId, timer } = await submitJob();

    await deliverTimer(timer, Date.parse(timer.due));

    const failed = await services.jobs.get(jobId);
    expect(failed?.job).toMatchObject({ status: 'FAILED', error: { code: 'ack-timeout' } });
    expect(failed?.job.error?.message).toMatch(/within 60 s/);
    expect(failed?.job.error?.message).toContain(`POST /jobs/${jobId}/ack`);
    expect(failed?.job.error?.message).toContain('operation "submit"');
    // Nothing of it was written inside partwise: no cleanup to wait for.
    expect(failed?.cleanupPending).toBeUndefined();
  });

  it('keeps an acknowledged job executing: the first ack stops the timer, and later acks keep it stopped', async () => {
    // Prepare
    const { jobId, timer } = await submitJob();
    const firstAck = Date.parse(timer.due) - 50_000;
    await outside.ackJob({ ...services, now: () => new Date(firstAck) }, ENV, jobId, { progress: 10 });
    await outside.ackJob({ ...services, now: () => new Date(firstAck + 5000) }, ENV, jobId, { progress: 20 });

    // Act
    await deliverTimer(timer, Date.parse(timer.due) + 1);

    // Assess
    const running = await services.jobs.get(jobId);
    expect(running?.job).toMatchObject({ status: 'EXECUTING', progress: 20 });
    expect(running?.ackedAt).toBe(new Date(firstAck).toISOString());
  });

  it('waits again when it arrives before it is due (a timeout longer than the queue can delay)', async () => {
    const { jobId, timer } = await submitJob();

    const sent = await deliverTimer(timer, Date.parse(timer.due) - 1);

    expect(sent).toEqual([timer]);
    expect(await statusOf(jobId)).toBe('EXECUTING');
  });

  it('leaves a job that ended meanwhile as it is', async () => {
    const { jobId, timer } = await submitJob();
    await outside.cancelJob(services, ENV, jobId);

    const sent = await deliverTimer(timer, Date.parse(timer.due) + 1);

    expect(sent).toEqual([]);
    expect((await services.jobs.get(jobId))?.job).toMatchObject({ status: 'CANCELED' });
    expect((await services.jobs.get(jobId))?.job.error).toBeUndefined();
  });
});

describe('reports from the executor', () => {
  it('shows the progress, info and estimate of an ack on the job, and announces it', async () => {
    const { jobId } = await submitJob();
    const driver = engineDriver(aws, services);

    const job = await outside.ackJob(services, ENV, jobId, {
      progress: 42,
      info: 'halfway there',
      estimatedCompletionAt: '2030-01-01T00:00:00.000Z',
    });

    expect(job).toMatchObject({
      status: 'EXECUTING',
      progress: 42,
      info: 'halfway there',
      estimatedCompletionAt: '2030-01-01T00:00:00.000Z',
    });
    await driver.drive(jobId, { until: () => true });
    const { events } = await services.events.listForJob(jobId, 100);
    const update = events.find((event) => event.topic === 'job:updated');
    expect(update).toMatchObject({ progress: 42, job: { info: 'halfway there' } });
  });

  it('keeps what an earlier report said when a later one leaves it out', async () => {
    const { jobId } = await submitJob();
    await outside.ackJob(services, ENV, jobId, {
      progress: 30,
      info: 'printing',
      estimatedCompletionAt: '2030-01-01T00:00:00.000Z',
    });

    const acked = await outside.ackJob(services, ENV, jobId, {});
    const completed = await outside.completeJob(services, ENV, jobId, {});

    expect(acked).toMatchObject({
      progress: 30,
      info: 'printing',
      estimatedCompletionAt: '2030-01-01T00:00:00.000Z',
    });
    expect(completed).toMatchObject({ status: 'COMPLETED', progress: 100, info: 'printing' });
    expect(completed.outcome).toBeUndefined();
  });

  it('completes the job with the executor’s outcome at 100 %', async () => {
    const { jobId } = await submitJob();
    const finishedAt = Date.parse('2030-01-02T03:04:05.000Z');

    const job = await outside.completeJob({ ...services, now: () => new Date(finishedAt) }, ENV, jobId, {
      outcome: { sent: 12 },
      info: 'all sent',
    });

    expect(job).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      outcome: { sent: 12 },
      info: 'all sent',
      finishedAt: new Date(finishedAt).toISOString(),
    });
    const record = await services.jobs.get(jobId);
    const topics = record?.outbox.flatMap((entry) => ('event' in entry ? [entry.event.topic] : []));
    expect(topics?.filter((topic) => topic === 'job:completed')).toHaveLength(1);
  });

  it('fails the job with the executor’s words, or a plain reason when it gave none', async () => {
    const said = await submitJob();
    const silent = await submitJob();

    const failed = await outside.failJobByExecutor(services, ENV, said.jobId, {
      info: 'the printer caught fire',
      outcome: { printed: 3 },
    });
    const plain = await outside.failJobByExecutor(services, ENV, silent.jobId, {});

    expect(failed).toMatchObject({
      status: 'FAILED',
      error: { code: 'executor-failed', message: 'the printer caught fire' },
      outcome: { printed: 3 },
      info: 'the printer caught fire',
    });
    expect(failed.finishedAt).toEqual(expect.any(String));
    expect(plain).toMatchObject({
      status: 'FAILED',
      error: { code: 'executor-failed', message: 'The executor reported a failure.' },
    });
    expect(plain.info).toBeUndefined();
    const record = await services.jobs.get(said.jobId);
    expect(record?.outbox.some((entry) => 'event' in entry && entry.event.topic === 'job:failed')).toBe(true);
  });

  it('refuses a report on a job that has ended, is not started yet, or runs inside partwise', async () => {
    // Prepare
    const ended = await submitJob();
    await outside.completeJob(services, ENV, ended.jobId, {});
    const waiting = await submitJob('manual');
    expect(waiting.record.job.status).toBe('READY');
    const builtIn = await lifecycle.createJob(services, ENV, {
      type: 'file',
      operation: 'extract',
      source: await engineDriver(aws, services).uploadCsv(ENV, 'a\n1\n'),
    });

    // Act + Assess
    await expect(outside.ackJob(services, ENV, ended.jobId, {})).rejects.toMatchObject({
      status: 409,
      code: 'job-final',
      message: expect.stringContaining('COMPLETED'),
    });
    await expect(outside.completeJob(services, ENV, waiting.jobId, {})).rejects.toMatchObject({
      status: 409,
      code: 'job-not-executing',
      message: expect.stringContaining('READY'),
    });
    await expect(outside.failJobByExecutor(services, ENV, builtIn.job.id, {})).rejects.toMatchObject({
      status: 409,
      code: 'job-not-outside',
      message: expect.stringContaining('extract'),
    });
    expect(await statusOf(waiting.jobId)).toBe('READY');
  });

  it('answers 404 to another environment, and changes nothing', async () => {
    const { jobId } = await submitJob();

    for (const report of [
      () => outside.ackJob(services, 'env_someone_else', jobId, { progress: 99 }),
      () => outside.completeJob(services, 'env_someone_else', jobId, {}),
      () => outside.failJobByExecutor(services, 'env_someone_else', jobId, {}),
      () => outside.cancelJob(services, 'env_someone_else', jobId),
    ]) {
      await expect(report()).rejects.toMatchObject({ status: 404, code: 'job-not-found' });
    }
    expect((await services.jobs.get(jobId))?.job).toMatchObject({ status: 'EXECUTING', progress: 0 });
  });
});

describe('cancel', () => {
  it('cancels a job that has not ended, once, and refuses a second time', async () => {
    const { jobId } = await submitJob();
    const canceledAt = Date.parse('2030-01-02T03:04:05.000Z');

    const canceled = await outside.cancelJob({ ...services, now: () => new Date(canceledAt) }, ENV, jobId);

    expect(canceled).toMatchObject({ status: 'CANCELED', finishedAt: new Date(canceledAt).toISOString() });
    await expect(outside.cancelJob(services, ENV, jobId)).rejects.toMatchObject({
      status: 409,
      code: 'job-final',
      message: expect.stringContaining('already CANCELED'),
    });
    const record = await services.jobs.get(jobId);
    const topics = record?.outbox.flatMap((entry) => ('event' in entry ? [entry.event.topic] : []));
    expect(topics?.filter((topic) => topic === 'job:canceled')).toHaveLength(1);
  });
});
