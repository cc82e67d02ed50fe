import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/domain/events.js';
import type { QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * Work that stalled, over the real adapters: the sweeper finds what a crash or a lost
 * message left behind and sends it again, and the relay delivers what jobs committed.
 * Each test ends its jobs, so the next sweep sees only the job it is about.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let parts: typeof import('../../shared/engine/parts.js');
let relay: typeof import('../../shared/engine/relay.js');
let sweeper: typeof import('../../shared/engine/sweep.js');
let driver: ReturnType<typeof engineDriver>;

const ENV = 'env_sweep';
type PartMessage = Extract<QueueMessage, { part: number }>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  parts = await import('../../shared/engine/parts.js');
  relay = await import('../../shared/engine/relay.js');
  sweeper = await import('../../shared/engine/sweep.js');
  driver = engineDriver(aws, services);
});
afterAll(() => aws?.stop());

/** Leaves no job of a test stalled for the next one's sweep: each ends COMPLETED or FAILED. */
const open: string[] = [];
afterEach(async () => {
  for (const jobId of open.splice(0)) {
    const record = await services.jobs.get(jobId);
    if (record && !['COMPLETED', 'FAILED', 'CANCELED'].includes(record.job.status)) {
      await lifecycle.failJob(services, jobId, { code: 'test-over', message: 'the test is over' });
    }
    await driver.drive(jobId, { until: (r) => !r.cleanupPending }).catch(() => undefined);
  }
});

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
async function executingWithLostParts() {
  const { jobId, record, held } = await driver.executingExtract(ENV, generateCsv(150, 6).text);
  open.push(jobId);
  return { record, held };
}

/** Services whose queue keeps what is sent, as well as sending it. */
function recordingQueue() {
  const sent: QueueMessage[] = [];
  const queue = {
    send: async (messages: QueueMessage[]) => {
      sent.push(...messages);
      await services.queue.send(messages);
    },
  };
  return { services: { ...services, queue }, sent };
}

describe('the sweeper', () => {
  it('relays what a job committed when the stream did not deliver it', async () => {
    // Prepare: a job created, its job:waiting and plan command never relayed.
    const job = await extractJob('manual');
    expect((await services.jobs.get(job.id))?.outbox).toHaveLength(2);

    // Act
    const report = await sweeper.sweep(services, 0);

    // Assess
    expect(report.relayed).toBeGreaterThanOrEqual(1);
    expect((await services.jobs.get(job.id))?.outbox).toEqual([]);
    const { events } = await services.events.listForJob(job.id, 10);
    expect(events.map((event) => event.topic)).toEqual(['job:waiting']);
    const { record } = await driver.drive(job.id, { until: (r) => r.job.status !== 'PLANNING' });
    expect(record.job.status).toBe('READY');
  });

  it('plans a job again whose plan command was lost', async () => {
    const job = await extractJob('manual');
    await relay.relayOutboxes(services, [(await services.jobs.get(job.id))!]);
    await driver.dropQueued();

    const report = await sweeper.sweep(services, 0);
    const { record } = await driver.drive(job.id, { until: (r) => r.job.status !== 'PLANNING' });

    expect(report.replanned).toBe(1);
    expect(record.job.status).toBe('READY');
  });

  it('sends again exactly the parts of an executing job that are neither done nor failed, and the job completes', async () => {
    // Prepare: of the lost parts, 1 and 3 ran after all.
    const { record, held } = await executingWithLostParts();
    expect(held.length).toBeGreaterThanOrEqual(6);
    await parts.runPart(services, held[1] as PartMessage);
    await parts.runPart(services, held[3] as PartMessage);
    const queue = recordingQueue();

    // Act
    const report = await sweeper.sweep(queue.services, 0);
    const { record: done } = await driver.drive(record.job.id);

    // Assess
    const resent = queue.sent.flatMap((message) => ('part' in message ? [message.part] : []));
    const expected = held.map((message) => message.part).filter((part) => part !== 1 && part !== 3);
    expect(resent).toEqual(expected);
    expect(queue.sent.filter((message) => 'part' in message)).toEqual(
      held.filter((message) => message.part !== 1 && message.part !== 3),
    );
    expect(report).toMatchObject({ resumed: 1, resentParts: expected.length });
    expect(done.job).toMatchObject({ status: 'COMPLETED', processed: done.job.parts });
  });

  it('after the queue was lost, sends the pending parts of a job that moved since the sweep read it; a plain sweep leaves that job to the next one', async () => {
    // Prepare: every part lost; the job "moves" between the sweep's read and its stall note,
    // as when a part counted in that moment was the last message the queue held.
    const { record, held } = await executingWithLostParts();
    const moved = { ...services.jobs, noteStall: async () => undefined };
    const plain = recordingQueue();
    const lost = recordingQueue();

    // Act
    const skipped = await sweeper.sweep({ ...plain.services, jobs: moved }, 0);
    const report = await sweeper.sweep({ ...lost.services, jobs: moved }, 0, { queueLost: true });
    const { record: done } = await driver.drive(record.job.id);

    // Assess
    expect(skipped).toMatchObject({ resumed: 0, resentParts: 0 });
    expect(plain.sent.filter((message) => 'part' in message)).toEqual([]);
    expect(report).toMatchObject({ resumed: 1, resentParts: held.length, stalled: 0 });
    expect(lost.sent.filter((message) => 'part' in message)).toEqual(held);
    expect(done.job).toMatchObject({ status: 'COMPLETED', processed: done.job.parts });
  });

  it('finalizes a job whose every part was counted when the finalize was lost with a crash', async () => {
    // Prepare: the last part is counted, and its processor dies before finalizing.
    const { record, held } = await executingWithLostParts();
    for (const message of held.slice(0, -1)) await parts.runPart(services, message);
    globalThis.__partwiseFaultPoint = (name) => {
      if (name === 'part:after-count') throw new Error('the processor died');
    };
    try {
      await expect(parts.runPart(services, held.at(-1) as PartMessage)).rejects.toThrow(/died/);
    } finally {
      globalThis.__partwiseFaultPoint = undefined;
    }
    const stuck = await services.jobs.get(record.job.id);
    expect(stuck?.job).toMatchObject({ status: 'EXECUTING', processed: stuck?.job.parts });
    const queue = recordingQueue();

    // Act
    const report = await sweeper.sweep(queue.services, 0);

    // Assess
    expect(report.finalized).toBe(1);
    expect(queue.sent.filter((message) => 'part' in message)).toEqual([]);
    const { record: done } = await driver.drive(record.job.id);
    expect(done.job.status).toBe('COMPLETED');
    const { events } = await services.events.listForJob(record.job.id, 100);
    expect(events.filter((event) => event.topic === 'job:completed')).toHaveLength(1);
  });

  it('leaves alone work that moved since the moment it looks back to', async () => {
    const job = await extractJob('manual');
    await relay.relayOutboxes(services, [(await services.jobs.get(job.id))!]);
    await driver.dropQueued();

    const report = await sweeper.sweep(services, 3600);

    expect(report).toMatchObject({ relayed: 0, replanned: 0, resumed: 0, resentParts: 0, finalized: 0 });
    expect((await services.jobs.get(job.id))?.job.status).toBe('PLANNING');
  });
});

describe('the relay', () => {
  it('stores and publishes each job’s events in the order the job committed them, sends its commands, then clears the outboxes', async () => {
    // Prepare: two jobs, each with events and commands waiting.
    const first = await extractJob('immediate');
    const second = await extractJob('manual');
    await lifecycle.planJob(services, first.id);
    const records = [(await services.jobs.get(second.id))!, (await services.jobs.get(first.id))!];
    const published: JobEvent[] = [];
    const sent: QueueMessage[] = [];
    const watching: Services = {
      ...services,
      publisher: {
        publish: async (events) => {
          published.push(...events);
          return [];
        },
      },
      queue: { send: async (messages) => void sent.push(...messages) },
    };

    // Act
    await relay.relayOutboxes(watching, records);

    // Assess
    const byJob = (jobId: string) => published.filter((event) => event.jobId === jobId);
    expect(byJob(first.id).map((event) => event.topic)).toEqual(['job:waiting', 'job:started']);
    expect(byJob(first.id).map((event) => event.sequence)).toEqual([1, 2]);
    expect(byJob(second.id).map((event) => event.topic)).toEqual(['job:waiting']);
    const jobsInOrder = published.map((event) => event.jobId);
    expect(jobsInOrder).toEqual([...jobsInOrder].sort());
    expect(sent).toEqual(
      expect.arrayContaining([
        { kind: 'plan', jobId: first.id },
        { kind: 'plan', jobId: second.id },
        { kind: 'dispatch', jobId: first.id, from: 0 },
      ]),
    );
    expect(sent).toHaveLength(3);
    for (const jobId of [first.id, second.id]) {
      expect((await services.jobs.get(jobId))?.outbox).toEqual([]);
      const { events } = await services.events.listForJob(jobId, 10);
      expect(events.map((event) => event.id)).toEqual(byJob(jobId).map((event) => event.id));
    }
  });

  it('does nothing when no job has anything waiting', async () => {
    const calls: string[] = [];
    const watching: Services = {
      ...services,
      events: { ...services.events, put: async () => void calls.push('store') },
      publisher: {
        publish: async () => {
          calls.push('publish');
          return [];
        },
      },
      queue: { send: async () => void calls.push('send') },
    };

    await relay.relayOutboxes(watching, []);

    expect(calls).toEqual([]);
  });
});
