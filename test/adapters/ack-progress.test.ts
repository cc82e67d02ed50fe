import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobTopic } from '../../shared/domain/events.js';
import type { Services } from '../../shared/services.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

/**
 * Progress events of a job carried out outside partwise (DESIGN §4): at most one
 * `job:updated` per second per job, and always the last one — the same rule as for a job
 * running its parts (see parts.test.ts), here for the executor's acks.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let outside: typeof import('../../shared/engine/outside.js');

const ENV = 'env_ack_progress';

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  outside = await import('../../shared/engine/outside.js');
});
afterAll(() => aws?.stop());

/** An immediate `submit` job, EXECUTING, its engine clock at `clock.now`. */
async function executingSubmit(clock: { now: number }) {
  const timed: Services = { ...services, now: () => new Date(clock.now) };
  const workbook = `wb_${Math.random().toString(36).slice(2, 12)}`;
  await services.resources.putWorkbook({
    id: workbook,
    environmentId: ENV,
    name: 'Orders',
    sheets: [],
    actions: [{ operation: 'submit', label: 'Submit' }],
    createdAt: new Date(clock.now).toISOString(),
    updatedAt: new Date(clock.now).toISOString(),
  });
  const { job } = await lifecycle.createJob(timed, ENV, {
    type: 'workbook',
    operation: 'submit',
    source: workbook,
    trigger: 'immediate',
  });
  await lifecycle.planJob(timed, job.id);
  return { jobId: job.id, timed };
}

async function updatesOf(jobId: string) {
  const record = await services.jobs.get(jobId);
  const events = (record?.outbox ?? []).flatMap((entry) => ('event' in entry ? [entry.event] : []));
  return {
    topics: events.map((event) => event.topic) as JobTopic[],
    updates: events.filter((event) => event.topic === 'job:updated'),
  };
}

describe('progress events of a job carried out outside partwise', () => {
  it('announces an executor’s acks at most once a second, and the last progress with the completion', async () => {
    // Prepare
    const clock = { now: Math.floor(Date.now() / 1000) * 1000 - 60_000 };
    const { jobId, timed } = await executingSubmit(clock);
    const t0 = clock.now;

    // Act: five acks within a second, one a second after the first, then the completion.
    for (const [at, progress] of [
      [t0, 10],
      [t0 + 200, 20],
      [t0 + 999, 30],
      [t0 + 1000, 40],
      [t0 + 1500, 50],
    ] as const) {
      clock.now = at;
      await outside.ackJob(timed, ENV, jobId, { progress });
    }
    clock.now = t0 + 1600;
    await outside.completeJob(timed, ENV, jobId, {});

    // Assess: every ack is kept on the job, but only two announced; the completion brings 100 %.
    const { topics, updates } = await updatesOf(jobId);
    expect(topics.filter((topic) => topic !== 'job:updated')).toEqual([
      'job:waiting',
      'job:started',
      'job:completed',
    ]);
    expect(updates.map((event) => [event.createdAt, event.progress])).toEqual([
      [new Date(t0).toISOString(), 10],
      [new Date(t0 + 1000).toISOString(), 40],
      [new Date(t0 + 1600).toISOString(), 100],
    ]);
  });

  it('keeps a quiet ack’s progress on the job, for a reader of GET /jobs/:id', async () => {
    const clock = { now: Math.floor(Date.now() / 1000) * 1000 - 60_000 };
    const { jobId, timed } = await executingSubmit(clock);
    await outside.ackJob(timed, ENV, jobId, { progress: 10 });
    clock.now += 100;

    const job = await outside.ackJob(timed, ENV, jobId, { progress: 35, info: 'a third done' });

    expect(job).toMatchObject({ status: 'EXECUTING', progress: 35, info: 'a third done' });
    expect((await updatesOf(jobId)).updates.map((event) => event.progress)).toEqual([10]);
  });
});
