/**
 * The local stack's side of the event dead letter. In AWS, events EventBridge refused wait
 * in an SQS queue whose depth raises a CloudWatch alarm. Locally the relay sends them to
 * the same kind of queue (fauxqs), through the same adapter; this moves each one to
 * `<dataDir>/event-dead-letters.jsonl`, which survives a restart (the in-memory queue does
 * not), and logs it as an error: the local alarm. A line is written before its message is
 * deleted, so a crash between the two repeats a line, never loses one (the event `id`
 * tells repeats apart).
 */
import { appendFile, readFile } from 'node:fs/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describeError, type Logger, silentLogger } from './logger.js';
import { type Loop, startLoop } from './loop.js';

export interface EventDeadLetterKeeperOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The JSONL file the dead letters are kept in. */
  path: string;
  /** Pause between polls that found nothing. @default 500 */
  intervalMs?: number;
  log?: Logger;
}

/** A kept dead letter: the queue message's body (code, reason, event), and when it was kept. */
export type KeptEventDeadLetter = Record<string, unknown> & { keptAt: string };

export function startEventDeadLetterKeeper(options: EventDeadLetterKeeperOptions): Loop {
  const log = options.log ?? silentLogger;
  return startLoop(
    async () => ((await keepEventDeadLetters(options)) > 0 ? 0 : (options.intervalMs ?? 500)),
    (error) => {
      log.error('could not keep the event dead letters; trying again', describeError(error));
      return 1000;
    },
  );
}

/** One poll: moves up to 10 dead letters from the queue to the file; resolves to how many. */
export async function keepEventDeadLetters(options: EventDeadLetterKeeperOptions): Promise<number> {
  const log = options.log ?? silentLogger;
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  if (Messages.length === 0) return 0;
  const keptAt = new Date().toISOString();
  const kept = Messages.map((message) => ({ keptAt, ...bodyOf(message.Body) }));
  await appendFile(options.path, kept.map((line) => `${JSON.stringify(line)}\n`).join(''));
  for (const letter of kept) {
    log.error('EventBridge refused an event; it is kept in the event dead letters', {
      file: options.path,
      ...headline(letter),
    });
  }
  await options.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
    }),
  );
  return Messages.length;
}

/** Every dead letter kept so far, oldest first; a torn last line (a kill mid-append) is skipped. */
export async function keptEventDeadLetters(path: string): Promise<KeptEventDeadLetter[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as KeptEventDeadLetter] : [];
    } catch {
      return [];
    }
  });
}

function bodyOf(body: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { ...parsed };
  } catch {
    // kept as text below
  }
  return { body };
}

/** The log line's fields: which event, and why. */
function headline(letter: Record<string, unknown>): Record<string, unknown> {
  const event = typeof letter.event === 'object' && letter.event !== null ? letter.event : {};
  return {
    eventId: 'id' in event ? event.id : undefined,
    jobId: 'jobId' in event ? event.jobId : undefined,
    topic: 'topic' in event ? event.topic : undefined,
    code: letter.code,
    reason: letter.reason,
  };
}
