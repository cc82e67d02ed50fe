/**
 * The SQS event source mapping, as Lambda runs it: pollers long-poll the queue for up to
 * 10 messages, invoke the function with an `SQSEvent`, and delete every message the
 * function did not list in `batchItemFailures` (ReportBatchItemFailures). When the
 * invocation fails as a whole (the handler threw, its worker died), nothing is deleted:
 * the messages come back after their visibility timeout, and the queue's redrive policy
 * moves one to the DLQ after `maxReceiveCount` receives.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { messageKind, seededRandom } from './faults.js';
import { type Invoker, LOCAL_REGION } from './lambda.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { type Loop, startLoop } from './loop.js';

/** Marks the copy of a message that the duplicateDelivery fault sent (its value: the original's id). */
export const DUPLICATE_OF_ATTRIBUTE = 'partwise.duplicateOf';

export interface SqsEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** The function: a worker pool, or anything else that invokes a handler. */
  target: Invoker;
  /** Name for log lines. */
  name: string;
  /** Parallel pollers; one per worker so a received batch never waits for a free instance. */
  concurrency: number;
  /** @default 10 */
  batchSize?: number;
  /** Long-poll wait. @default 20 */
  waitTimeSeconds?: number;
  /** Fault injection: every message is delivered (at least) twice. */
  duplicateDelivery?: boolean;
  /** Fault injection: messages of these kinds are deleted unread (see `LocalFaults.loseMessages`). */
  loseMessages?: string[];
  /** Fault injection: each message is delivered twice with this probability (draws seeded by `seed`). */
  duplicateRate?: number;
  seed?: number;
  log?: Logger;
}

export interface SqsEventSource {
  stop(): Promise<void>;
}

export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const log = options.log ?? silentLogger;
  const draw = options.duplicateRate ? seededRandom(options.seed ?? 1) : undefined;
  const duplicates = (messages: Message[]) =>
    options.duplicateDelivery
      ? messages
      : draw
        ? messages.filter(() => draw() < (options.duplicateRate ?? 0))
        : [];
  const loops: Loop[] = Array.from({ length: Math.max(1, options.concurrency) }, () =>
    startLoop(
      async (signal) => {
        await pollOnce(options, log, signal, duplicates);
        return 0;
      },
      (error) => {
        log.error(`${options.name}: polling failed`, describeError(error));
        return 1000;
      },
    ),
  );
  return {
    async stop() {
      await Promise.all(loops.map((loop) => loop.stop()));
    },
  };
}

async function pollOnce(
  options: SqsEventSourceOptions,
  log: Logger,
  signal: AbortSignal,
  duplicates: (messages: Message[]) => Message[],
): Promise<void> {
  const { Messages: messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 20,
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    { abortSignal: signal },
  );
  if (messages.length === 0) return;
  const lost = options.loseMessages;
  if (lost && lost.length > 0) {
    const kept = messages.filter((message) => !lost.includes(messageKind(message.Body ?? '') ?? ''));
    await deleteMessages(
      options,
      messages.filter((message) => !kept.includes(message)),
    );
    if (kept.length === 0) return;
    messages.splice(0, messages.length, ...kept);
  }
  const copied = duplicates(messages);
  if (copied.length > 0) {
    await sendDuplicates(options, copied);
    log.info(`[partwise:faults] ${options.name}: delivering ${copied.length} message(s) twice`);
  }
  const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, options.queueArn)) };
  let failed: Set<string>;
  try {
    failed = failedMessageIds(await options.target.invoke(event), event.Records);
  } catch (error) {
    log.warn(`${options.name}: invocation failed; the batch returns after its visibility timeout`, {
      ...describeError(error),
      messages: messages.length,
    });
    return;
  }
  const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
  await deleteMessages(options, done);
}

/**
 * Reads a partial batch response. As in Lambda, an identifier that names no message of the
 * batch makes the whole batch fail; a response without `batchItemFailures` is a success.
 */
export function failedMessageIds(response: unknown, records: SQSRecord[]): Set<string> {
  const failures = (response as Partial<SQSBatchResponse> | undefined)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return new Set();
  const ids = new Set(records.map((record) => record.messageId));
  const failed = failures.map((failure) => failure?.itemIdentifier);
  if (failed.some((id) => typeof id !== 'string' || !ids.has(id))) return ids;
  return new Set(failed as string[]);
}

export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: toRecordAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/** Lambda spells message attributes in camel case, binary values in base64. */
function toRecordAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const base64 = (value: Uint8Array) => Buffer.from(value).toString('base64');
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? 'String',
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map(base64),
      },
    ]),
  );
}

async function deleteMessages(options: SqsEventSourceOptions, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
}

/**
 * The duplicateDelivery fault: each message received for the first time is sent again as
 * an independent copy, which another poller may well hand to another worker concurrently.
 */
async function sendDuplicates(options: SqsEventSourceOptions, messages: Message[]): Promise<void> {
  const originals = messages.filter(
    (message) =>
      message.Attributes?.ApproximateReceiveCount === '1' &&
      message.MessageAttributes?.[DUPLICATE_OF_ATTRIBUTE] === undefined,
  );
  if (originals.length === 0) return;
  await options.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: originals.map((message, index) => ({
        Id: String(index),
        MessageBody: message.Body ?? '',
        MessageAttributes: {
          ...message.MessageAttributes,
          [DUPLICATE_OF_ATTRIBUTE]: { DataType: 'String', StringValue: message.MessageId ?? '' },
        },
      })),
    }),
  );
}
