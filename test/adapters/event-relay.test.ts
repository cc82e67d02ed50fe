/**
 * The relay over the real adapters: the EventBridge publisher against the local
 * EventBridge (which keeps AWS's size rules, and here refuses the events a test names),
 * the event dead letter on an SQS queue, the job items in DynamoDB (dynalite keeps the
 * 400 KB item limit).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventBridgeEmulator,
  LocalEventBus,
  startEventBridgeEmulator,
} from '../../infra/local/event-bus.js';
import { ENV } from '../../shared/config.js';
import type { JobTopic } from '../../shared/domain/events.js';
import type { Job } from '../../shared/domain/job.js';
import { jsonBytes, SNAPSHOT_BUDGET_BYTES } from '../../shared/domain/snapshot.js';
import type { JobChanges, JobRecord } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { API_OBJECT_CAP_BYTES, filledObject, filledOutcome } from '../events/large-job.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let busDir: string;
let bus: LocalEventBus;
let eventBridge: EventBridgeEmulator;
let services: Services;
let relay: typeof import('../../shared/engine/relay.js');
let commit: typeof import('../../shared/engine/commit.js');
/** Event ids the local EventBridge refuses, as AWS would refuse a malformed entry. */
const refusedIds = new Set<string>();

beforeAll(async () => {
  aws = await startEmulatedAws();
  busDir = await mkdtemp(join(tmpdir(), 'partwise-relay-bus-'));
  bus = new LocalEventBus(join(busDir, 'events.jsonl'));
  eventBridge = await startEventBridgeEmulator(bus, {
    rule: (entry) =>
      refusedIds.has(JSON.parse(entry.Detail ?? '{}').id)
        ? { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid.' }
        : undefined,
  });
  // Before any adapter is imported: they build their clients on first import.
  process.env[ENV.eventbridgeEndpoint] = eventBridge.endpoint;
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  relay = await import('../../shared/engine/relay.js');
  commit = await import('../../shared/engine/commit.js');
});
afterAll(async () => {
  await eventBridge?.stop();
  await aws?.stop();
  await rm(busDir, { recursive: true, force: true });
});

/** A custom action's job, stored with its job:waiting event. */
async function createJob(fields: Partial<Job> = {}): Promise<JobRecord> {
  const job = jobFixture({
    type: 'workbook',
    operation: 'submit',
    source: 'wb_x',
    environmentId: 'env_relay',
    ...fields,
  });
  const blank: JobRecord = {
    job,
    version: 0,
    eventCount: 0,
    executeRequested: false,
    state: {},
    lastProgressEventAt: 0,
    outbox: [],
  };
  const outbox = commit.outboxFor(blank, { changes: {}, topics: ['job:waiting'] }, job.createdAt);
  return (await services.jobs.create(job, outbox)).record;
}

/** Commits a change with its events, as the engine does; nothing relays in between. */
async function change(record: JobRecord, job: JobChanges['job'], topics: JobTopic[]): Promise<JobRecord> {
  const updated = await commit.commitJob(services, record.job.id, () => ({ changes: { job }, topics }));
  if (!updated) throw new Error(`job ${record.job.id} is gone`);
  return updated;
}

const eventIdsOf = (record: JobRecord) =>
  record.outbox.flatMap((entry) => ('event' in entry ? [entry.event.id] : []));
const onTheBus = async () => new Set((await bus.history()).map((event) => String(event.detail.id)));

async function receiveDeadLetters() {
  const { Messages = [] } = await aws.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: aws.provisioned.eventDeadLetterQueue.url,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      WaitTimeSeconds: 0,
    }),
  );
  return Messages;
}

describe('the EventBridge publisher over the real SDK', () => {
  it('publishes events whose calls would be too large together, and gives up only the one too large alone', async () => {
    const { eventBridgePublisher } = await import('../../shared/adapters/eventbridge/event-publisher.js');
    const { sampleEvent } = await import('../events/fixtures.js');
    // Snapshots left unbounded on purpose: 90 KiB events, three of which no call can take together.
    const heavy = (kb: number) => {
      const event = sampleEvent('job:updated');
      return { ...event, job: { ...event.job, info: 'i'.repeat(kb * 1024) } };
    };
    const events = [heavy(90), heavy(90), heavy(90), heavy(300), heavy(1)];

    const refused = await eventBridgePublisher().publish(events);

    expect(refused.map((r) => [r.event.id, r.code])).toEqual([[events[3]?.id, 'EntryTooLarge']]);
    const published = await onTheBus();
    expect(events.filter((event) => published.has(event.id))).toEqual([
      events[0],
      events[1],
      events[2],
      events[4],
    ]);
  });
});

describe('the relay', () => {
  it('holds a poison event in the dead letter while the job’s other events and another job’s go out, and clears both outboxes', async () => {
    // Prepare: job A waiting then started (its job:started is poison to the bus); job B waiting.
    const a = await change(await createJob(), { status: 'READY' }, []);
    const started = await change(a, { status: 'EXECUTING', startedAt: new Date().toISOString() }, [
      'job:started',
    ]);
    const b = await createJob();
    const [waitingA, poison] = eventIdsOf(started);
    const [waitingB] = eventIdsOf(b);
    refusedIds.add(String(poison));

    // Act
    const report = await relay.relayOutboxes(services, [started, b]);

    // Assess: the others published, the poison held whole with why, nothing left in the outboxes.
    expect(report.published).toBe(2);
    expect(report.deadLettered.map((r) => [r.event.id, r.code])).toEqual([[poison, 'InvalidArgument']]);
    const published = await onTheBus();
    expect(published.has(String(waitingA)) && published.has(String(waitingB))).toBe(true);
    expect(published.has(String(poison))).toBe(false);
    const [letter, ...more] = await receiveDeadLetters();
    expect(more).toEqual([]);
    expect(JSON.parse(letter?.Body ?? '{}')).toMatchObject({
      code: 'InvalidArgument',
      reason: 'Parameter Detail is not valid.',
      event: { id: poison, topic: 'job:started', jobId: a.job.id, job: { status: 'EXECUTING' } },
    });
    expect(letter?.MessageAttributes?.topic?.StringValue).toBe('job:started');
    expect((await services.jobs.get(a.job.id))?.outbox).toEqual([]);
    expect((await services.jobs.get(b.job.id))?.outbox).toEqual([]);
    // The feed has it: GET /jobs/:id/events shows what the bus did not get.
    const { events } = await services.events.listForJob(a.job.id, 10);
    expect(events.map((event) => event.id)).toEqual([waitingA, poison]);
  });

  it('clears nothing and fails when the dead letter cannot take a refused event: nothing is dropped', async () => {
    const record = await createJob();
    const [poison] = eventIdsOf(record);
    refusedIds.add(String(poison));
    const { sqsEventDeadLetter } = await import('../../shared/adapters/sqs/event-dead-letter.js');
    const missing = `${aws.provisioned.eventDeadLetterQueue.url}-missing`;

    await expect(
      relay.relayOutboxes({ ...services, eventDeadLetter: sqsEventDeadLetter(missing) }, [record]),
    ).rejects.toMatchObject({ name: 'DependencyError' });

    const after = await services.jobs.get(record.job.id);
    expect(after && eventIdsOf(after)).toEqual([poison]);
  });

  it('carries a job as large as the API allows through its whole life, unrelayed, under the 400 KB item limit', async () => {
    // Prepare: input, config and outcome at the API's cap in one-byte characters, so that
    // dynalite's item size (UTF-16 units) is the bytes DynamoDB counts.
    const big = (label: string) => filledObject(API_OBJECT_CAP_BYTES, label, 'x');
    let record = await createJob({ input: big('i'), config: big('c'), info: 'x'.repeat(10_000) });
    record = await change(record, { status: 'READY' }, []);
    record = await change(record, { status: 'EXECUTING', startedAt: new Date().toISOString() }, [
      'job:started',
    ]);
    record = await change(record, { info: 'y'.repeat(10_000) }, ['job:updated']);

    // Act: the completion with an outcome at the cap, while four events still wait in the outbox.
    const outcome = filledOutcome(API_OBJECT_CAP_BYTES, 'x');
    record = await change(record, { status: 'COMPLETED', finishedAt: new Date().toISOString(), outcome }, [
      'job:updated',
      'job:completed',
    ]);

    // Assess: the item was written (dynalite refuses one over 400 KB) and is far under it.
    const { Item } = await aws.clients.dynamodb.send(
      new GetItemCommand({
        TableName: aws.provisioned.tableName,
        Key: { pk: { S: `JOB#${record.job.id}` }, sk: { S: 'JOB' } },
      }),
    );
    const item = unmarshall(Item ?? {});
    // JSON counts every byte DynamoDB does and more (quotes, commas, digits).
    expect(jsonBytes(item)).toBeLessThan(300 * 1024);
    expect(jsonBytes(item.outbox)).toBeLessThan(5 * (SNAPSHOT_BUDGET_BYTES + 1024));
    expect(eventIdsOf(record)).toHaveLength(5);

    const report = await relay.relayOutboxes(services, [record]);

    expect(report).toMatchObject({ published: 5, deadLettered: [] });
    const relayed = (await bus.history()).filter((event) => event.detail.jobId === record.job.id);
    expect(relayed.map((event) => event['detail-type'])).toEqual([
      'job:waiting',
      'job:started',
      'job:updated',
      'job:updated',
      'job:completed',
    ]);
    for (const event of relayed) {
      expect(event.detail.job).toMatchObject({ truncated: { href: `/jobs/${record.job.id}` } });
    }
    expect(relayed.at(-1)?.detail.job).toMatchObject({
      status: 'COMPLETED',
      outcome: { heading: outcome.heading, next: outcome.next },
    });
  });
});

describe('the relay right after a commit', () => {
  it('delivers what a commit announces before the commit returns, and the stream relay sends none of it again', async () => {
    // Prepare: the services the functions run with.
    const relaying: Services = { ...services, relayAfterCommit: true };
    const record = await createJob();
    await relay.relayOutboxes(services, [record]);

    // Act: a state change with its events.
    const updated = await commit.commitJob(relaying, record.job.id, () => ({
      changes: { job: { info: 'relayed at once' } },
      topics: ['job:updated'],
    }));
    const announced = (await bus.history()).filter(
      (event) => event.detail.jobId === record.job.id && event.detail.topic === 'job:updated',
    );
    const streamed = await relay.relayStreamed(services, [record.job.id]);

    // Assess
    expect(updated?.outbox).toHaveLength(1); // as committed; the relay cleared it after
    expect(announced.map((event) => event.detail.id)).toEqual(eventIdsOf(updated!));
    expect((await services.jobs.withOutbox(record.job.id))?.outbox).toBeUndefined();
    expect(streamed).toMatchObject({ published: 0, commands: 0 });
  });

  it('keeps the outbox for the stream relay when the send after the commit fails, and sends the same event ids', async () => {
    // Prepare: EventBridge is down for the relay after the commit.
    const down: Services = {
      ...services,
      relayAfterCommit: true,
      publisher: {
        publish: async () => {
          throw new Error('EventBridge is unreachable');
        },
      },
    };
    const record = await createJob();
    await relay.relayOutboxes(services, [record]);

    // Act: the commit stands; the backstop relays later.
    const committed = await commit.commitJob(down, record.job.id, () => ({
      changes: { job: { info: 'during the outage' } },
      topics: ['job:updated'],
    }));
    const pending = await services.jobs.withOutbox(record.job.id);
    await relay.relayStreamed(services, [record.job.id]);

    // Assess
    expect(committed?.job.info).toBe('during the outage');
    expect(pending?.outbox.map((entry) => entry.id)).toEqual(committed?.outbox.map((entry) => entry.id));
    const published = await onTheBus();
    for (const id of eventIdsOf(committed!)) expect(published.has(id)).toBe(true);
    expect(await services.jobs.withOutbox(record.job.id)).toBeUndefined();
  });
});

describe('the claim each relay holds on an outbox', () => {
  const timesOnTheBus = async (id: string) =>
    (await bus.history()).filter((event) => String(event.detail.id) === id).length;

  it('makes the stream relay wait for the relay after the commit instead of publishing the same events beside it', async () => {
    // Prepare: the relay after the commit stops inside its publish until let go.
    let letGo: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    let publishing: () => void = () => {};
    const published = new Promise<void>((resolve) => {
      publishing = resolve;
    });
    const slow: Services = {
      ...services,
      relayAfterCommit: true,
      publisher: {
        publish: async (events) => {
          publishing();
          await gate;
          return services.publisher.publish(events);
        },
      },
    };
    const record = await createJob();
    await relay.relayOutboxes(services, [record]);

    // Act: the stream relay comes while the first is still publishing; the first then ends.
    const committing = commit.commitJob(slow, record.job.id, () => ({
      changes: { job: { info: 'one publish' } },
      topics: ['job:updated'],
    }));
    await published;
    const streaming = relay.relayStreamed(services, [record.job.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    letGo();
    const [committed, streamed] = await Promise.all([committing, streaming]);

    // Assess: one publish of the event, by the relay after the commit; nothing left.
    const [eventId] = eventIdsOf(committed!);
    expect(await timesOnTheBus(String(eventId))).toBe(1);
    expect(streamed).toMatchObject({ jobs: 0, published: 0 });
    expect(await services.jobs.withOutbox(record.job.id)).toBeUndefined();
  });

  it('leaves an outbox another relay holds to it, takes over a claim that lapsed, and gives the claim back as it clears', async () => {
    // Prepare: a job with an undelivered event, claimed by a relay that will not finish.
    const record = await change(await createJob(), { info: 'held' }, ['job:updated']);
    const held = await services.jobs.claimOutbox(record.job.id, { token: 'stuck-relay', leaseSeconds: 1 });

    // Act: the sweeper's relay meets the live claim; then the claim lapses.
    const whileHeld = await relay.relayPending(services, [record]);
    const again = await services.jobs.claimOutbox(record.job.id, { token: 'other', leaseSeconds: 30 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const afterLapse = await relay.relayPending(services, [record]);
    const item = await aws.clients.dynamodb.send(
      new GetItemCommand({
        TableName: aws.provisioned.tableName,
        Key: { pk: { S: `JOB#${record.job.id}` }, sk: { S: 'JOB' } },
        ConsistentRead: true,
      }),
    );

    // Assess
    expect(held).toMatchObject({ claimed: { relayClaim: { token: 'stuck-relay' } } });
    expect(whileHeld).toMatchObject({ jobs: 0, published: 0 });
    expect(again).toMatchObject({ heldUntil: expect.any(String) });
    expect(afterLapse).toMatchObject({ jobs: 1, published: 2 }); // job:waiting and job:updated
    for (const id of eventIdsOf(record)) expect(await timesOnTheBus(id)).toBe(1);
    expect(unmarshall(item.Item ?? {})).not.toHaveProperty('relayClaim');
    expect(unmarshall(item.Item ?? {}).outbox).toEqual({});
    expect(await services.jobs.claimOutbox(record.job.id, { token: 'late', leaseSeconds: 30 })).toEqual({
      empty: true,
    });
  });
});

describe('the sweep after a restart of the whole stack', () => {
  it('takes over the claims of relays that died with the process, without waiting for them to lapse', async () => {
    // Prepare: a claim of 30 s, held by a relay that died with the stack.
    const record = await change(await createJob(), { info: 'claimed before the restart' }, ['job:updated']);
    await services.jobs.claimOutbox(record.job.id, { token: 'died-with-the-stack', leaseSeconds: 30 });

    // Act
    const plain = await relay.relayPending(services, [record]);
    const afterRestart = await relay.relayPending(services, [record], { takeOver: true });

    // Assess
    expect(plain).toMatchObject({ jobs: 0 });
    expect(afterRestart).toMatchObject({ jobs: 1, published: 2 });
    expect(await services.jobs.withOutbox(record.job.id)).toBeUndefined();
  });
});
