import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalClients, localClients } from '../../infra/local/clients.js';
import { type Emulators, startEmulators } from '../../infra/local/emulators.js';
import { type SqsEventSource, startSqsEventSource } from '../../infra/local/event-source.js';
import { armCrash, type LocalFaults } from '../../infra/local/faults.js';
import { type Provisioned, provision } from '../../infra/local/provision.js';
import { WorkerPool } from '../../infra/local/worker-pool.js';
import type { FixtureMessage, Recorded } from './fixtures/recording-handler.js';

const handlerModule = new URL('./fixtures/recording-handler.ts', import.meta.url);

let dataDir: string;
let emulators: Emulators;
let clients: LocalClients;
let queues: Provisioned;
const running: Array<{ stop(): Promise<unknown> }> = [];
let testNumber = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-event-source-'));
  emulators = await startEmulators(dataDir);
  clients = localClients(emulators);
});

afterEach(async () => {
  for (const component of running.splice(0).reverse()) await component.stop();
});

afterAll(async () => {
  clients.destroy();
  await emulators.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Fresh queues per test (fauxqs keeps them in memory) with a 1 s visibility timeout. */
async function provisionQueues(): Promise<Provisioned> {
  testNumber += 1;
  queues = await provision(clients, {
    tableName: 'partwise-test',
    bucketName: 'partwise-test',
    queueName: `parts-${testNumber}`,
    deadLetterQueueName: `dlq-${testNumber}`,
    eventDeadLetterQueueName: `event-dlq-${testNumber}`,
    visibilityTimeoutSeconds: 1,
  });
  return queues;
}

/** The fixture behind the parts queue and its DLQ, in worker pools. */
async function startMapping(faults: LocalFaults = {}, workers = 2) {
  await provisionQueues();
  const crashOnce = armCrash(faults);
  for (const [queue, size] of [
    [queues.partsQueue, workers],
    [queues.deadLetterQueue, 1],
  ] as const) {
    const pool = await WorkerPool.start({
      functionName: 'fixture',
      handlerModule,
      timeoutSeconds: 30,
      size,
      crashOnce,
    });
    const source: SqsEventSource = startSqsEventSource({
      sqs: clients.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      target: pool,
      name: 'fixture',
      concurrency: size,
      waitTimeSeconds: 1,
      duplicateDelivery: faults.duplicateDelivery === true,
    });
    running.push(pool, source);
  }
  const log = join(dataDir, `log-${testNumber}.jsonl`);
  const send = (message: Omit<FixtureMessage, 'log'>) =>
    clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.partsQueue.url,
        MessageBody: JSON.stringify({ ...message, log }),
      }),
    );
  const recorded = async (): Promise<Recorded[]> =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded);
  return { send, recorded };
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the SQS event source mapping', () => {
  it('invokes the function with a faithful SQSEvent and deletes what it processed', async () => {
    await provisionQueues();
    const events: SQSEvent[] = [];
    running.push(
      startSqsEventSource({
        sqs: clients.sqs,
        queueUrl: queues.partsQueue.url,
        queueArn: queues.partsQueue.arn,
        target: { invoke: async (event) => void events.push(event as SQSEvent) },
        name: 'inline',
        concurrency: 1,
        waitTimeSeconds: 1,
      }),
    );

    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.partsQueue.url,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: { origin: { DataType: 'String', StringValue: 'test' } },
      }),
    );
    await waitFor(
      async () => events.length,
      (count) => count > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the visibility timeout

    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      body: '{"hello":"world"}',
      eventSource: 'aws:sqs',
      eventSourceARN: queues.partsQueue.arn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { origin: { dataType: 'String', stringValue: 'test' } },
    });
    expect(record?.messageId).toMatch(/.+/);
    expect(record?.receiptHandle).toMatch(/.+/);
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
    // Processed once and deleted: not delivered again after the visibility timeout.
    expect(events).toHaveLength(1);
  });

  it('hands the function batches of up to its batch size, as the event source mapping does', async () => {
    // Prepare: 25 messages waiting before the pollers start.
    await provisionQueues();
    for (let start = 0; start < 25; start += 10) {
      await clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queues.partsQueue.url,
          Entries: Array.from({ length: Math.min(10, 25 - start) }, (_, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify({ n: start + i }),
          })),
        }),
      );
    }
    const batches: number[] = [];

    // Act
    running.push(
      startSqsEventSource({
        sqs: clients.sqs,
        queueUrl: queues.partsQueue.url,
        queueArn: queues.partsQueue.arn,
        target: { invoke: async (event) => void batches.push((event as SQSEvent).Records.length) },
        name: 'batched',
        concurrency: 1,
        batchSize: 10,
        waitTimeSeconds: 1,
      }),
    );
    await waitFor(
      async () => batches.reduce((sum, n) => sum + n, 0),
      (total) => total >= 25,
    );

    // Assess: every message once, never more than 10 in one invocation, and batches, not singles.
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(25);
    expect(Math.max(...batches)).toBe(10);
    expect(batches.length).toBeLessThan(25);
  });

  it('redelivers only the messages a partial batch response lists as failed', async () => {
    const mapping = await startMapping();

    await mapping.send({ key: 'ok' });
    await mapping.send({ key: 'flaky', failReceives: 1 });
    const recorded = await waitFor(mapping.recorded, (lines) =>
      lines.some((line) => line.receiveCount === 2),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const byKey = (key: string) => recorded.filter((line) => line.key === key);
    expect(byKey('ok').map((line) => line.receiveCount)).toEqual([1]);
    expect(byKey('flaky').map((line) => line.receiveCount)).toEqual([1, 2]);
    expect(await mapping.recorded()).toHaveLength(3);
  });

  it('fails the whole batch when the function throws', async () => {
    const mapping = await startMapping({}, 1);

    await mapping.send({ key: 'thrower', throwReceives: 1 });
    const recorded = await waitFor(mapping.recorded, (lines) => lines.length >= 2);

    expect(recorded.map((line) => line.receiveCount)).toEqual([1, 2]);
  });

  it('moves a message to the DLQ after 5 failed receives, where the dead-letter function gets it', async () => {
    const mapping = await startMapping();

    await mapping.send({ key: 'poison', failReceives: 100 });
    const recorded = await waitFor(mapping.recorded, (lines) =>
      lines.some((line) => line.eventSourceARN === queues.deadLetterQueue.arn),
    );

    const fromParts = recorded.filter((line) => line.eventSourceARN === queues.partsQueue.arn);
    expect(fromParts.map((line) => line.receiveCount)).toEqual([1, 2, 3, 4, 5]);
    expect(recorded.filter((line) => line.eventSourceARN === queues.deadLetterQueue.arn)).toHaveLength(1);
  });

  it('brings a message back after the worker running it crashes, on a new worker', async () => {
    const mapping = await startMapping({ crashOnce: 'fixture:crash' }, 1);

    await mapping.send({ key: 'victim', faultPoint: 'fixture:crash' });
    const recorded = await waitFor(mapping.recorded, (lines) => lines.length >= 2);

    expect(recorded.map((line) => line.receiveCount)).toEqual([1, 2]);
    expect(recorded[1]?.instance).not.toBe(recorded[0]?.instance);
  });

  it('delivers every message twice under the duplicateDelivery fault, the copy independently', async () => {
    const mapping = await startMapping({ duplicateDelivery: true });

    await mapping.send({ key: 'one' });
    await mapping.send({ key: 'two' });
    const recorded = await waitFor(mapping.recorded, (lines) => lines.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    for (const key of ['one', 'two']) {
      const deliveries = recorded.filter((line) => line.key === key);
      expect(deliveries).toHaveLength(2);
      const [original, copy] = [
        deliveries.find((d) => !d.duplicateOf),
        deliveries.find((d) => d.duplicateOf),
      ];
      expect(copy?.duplicateOf).toBe(original?.messageId);
      expect(copy?.messageId).not.toBe(original?.messageId);
    }
    expect(await mapping.recorded()).toHaveLength(4);
  });
});
