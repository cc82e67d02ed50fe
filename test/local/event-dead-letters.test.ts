/**
 * The local stack's event dead letter: the relay (polled as the local stack polls it)
 * sends what the local EventBridge refuses to the event dead-letter queue, and the keeper
 * moves it to `event-dead-letters.jsonl` with an error line — the local alarm.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventBridgeEmulator,
  LocalEventBus,
  startEventBridgeEmulator,
} from '../../infra/local/event-bus.js';
import { keepEventDeadLetters, keptEventDeadLetters } from '../../infra/local/event-dead-letters.js';
import { inProcessFunction } from '../../infra/local/lambda.js';
import type { Logger } from '../../infra/local/logger.js';
import { relayOutbox } from '../../infra/local/relay-poller.js';
import { ENV } from '../../shared/config.js';
import type { JobRecord } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let dir: string;
let bus: LocalEventBus;
let eventBridge: EventBridgeEmulator;
/** Topics the local EventBridge refuses here, as AWS refuses a malformed entry. */
const refusedTopics = new Set<string>();

beforeAll(async () => {
  aws = await startEmulatedAws();
  dir = await mkdtemp(join(tmpdir(), 'partwise-dead-letters-'));
  bus = new LocalEventBus(join(dir, 'events.jsonl'));
  eventBridge = await startEventBridgeEmulator(bus, {
    rule: (entry) =>
      refusedTopics.has(entry.DetailType ?? '')
        ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }
        : undefined,
  });
  process.env[ENV.eventbridgeEndpoint] = eventBridge.endpoint;
});
afterAll(async () => {
  await eventBridge?.stop();
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

function recordingLogger() {
  const errors: Array<{ message: string; extra?: Record<string, unknown> }> = [];
  const log: Logger = {
    info() {},
    warn() {},
    error: (message, extra) => void errors.push({ message, extra }),
  };
  return { log, errors };
}

const keeper = (path: string, log: Logger) => ({
  sqs: aws.clients.sqs,
  queueUrl: aws.provisioned.eventDeadLetterQueue.url,
  path,
  log,
});

describe('the local event dead letter', () => {
  it('ends in a file, with an error line, when the relay polled by the local stack meets a refused event', async () => {
    // Prepare: a job whose job:waiting the bus refuses, and one whose job:waiting it takes.
    const { awsServices } = await import('../../shared/adapters/aws-services.js');
    const { outboxFor } = await import('../../shared/engine/commit.js');
    // The relay handler as the local stack runs it (in process, like Lambda would).
    const relay = await inProcessFunction({
      functionName: 'partwise-relay',
      handlerModule: new URL('../../functions/relay.ts', import.meta.url),
      timeoutSeconds: 60,
    });
    const poll = () =>
      relayOutbox({ dynamodb: aws.clients.dynamodb, tableName: aws.provisioned.tableName, relay });
    const services = awsServices();
    const create = async (operation: string) => {
      const job = jobFixture({ type: 'workbook', operation, source: 'wb_local', environmentId: 'env_local' });
      const blank: JobRecord = {
        job,
        version: 0,
        eventCount: 0,
        executeRequested: false,
        state: {},
        lastProgressEventAt: 0,
        outbox: [],
      };
      await services.jobs.create(
        job,
        outboxFor(blank, { changes: {}, topics: ['job:waiting'] }, job.createdAt),
      );
      return job.id;
    };
    const poisoned = await create('submit');
    refusedTopics.add('job:waiting');
    const { log, errors } = recordingLogger();
    const path = join(dir, 'event-dead-letters.jsonl');

    // Act: a poll of the outbox while the bus refuses job:waiting, one after, then one of the dead letter.
    await poll();
    refusedTopics.clear();
    const fine = await create('approve');
    await poll();
    const kept = await keepEventDeadLetters(keeper(path, log));

    // Assess
    expect(kept).toBe(1);
    const [letter, ...more] = await keptEventDeadLetters(path);
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      keptAt: expect.any(String),
      code: 'MalformedDetail',
      reason: 'Detail is malformed.',
      event: { topic: 'job:waiting', jobId: poisoned, job: { operation: 'submit' } },
    });
    expect(errors).toEqual([
      {
        message: 'EventBridge refused an event; it is kept in the event dead letters',
        extra: expect.objectContaining({
          jobId: poisoned,
          topic: 'job:waiting',
          code: 'MalformedDetail',
          file: path,
        }),
      },
    ]);
    expect((await bus.history()).map((event) => event.detail.jobId)).toEqual([fine]);
    expect((await services.jobs.get(poisoned))?.outbox).toEqual([]);
    const { Attributes } = await aws.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.provisioned.eventDeadLetterQueue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('keeps a message it cannot read as text rather than drop it, and adds to the file without rewriting it', async () => {
    const path = join(dir, 'unreadable.jsonl');
    const { log } = recordingLogger();
    const send = (body: string) =>
      aws.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: aws.provisioned.eventDeadLetterQueue.url, MessageBody: body }),
      );
    await send('{"code":"InvalidArgument","event":{"id":"evt_1"}}');
    await keepEventDeadLetters(keeper(path, log));
    await send('not json');

    await keepEventDeadLetters(keeper(path, log));

    const kept = await keptEventDeadLetters(path);
    expect(kept.map(({ keptAt, ...letter }) => letter)).toEqual([
      { code: 'InvalidArgument', event: { id: 'evt_1' } },
      { body: 'not json' },
    ]);
    expect(await keepEventDeadLetters(keeper(path, log))).toBe(0);
  });
});
