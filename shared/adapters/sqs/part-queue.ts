import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { PartQueue, QueueMessage } from '../../ports.js';
import { sqsSdk } from './client.js';

/** SQS delays a message at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/** A message due later (the ack timer) is delayed until then, up to SQS's limit. */
function delayOf(message: QueueMessage): { DelaySeconds?: number } {
  if (!('due' in message)) return {};
  const seconds = Math.ceil((Date.parse(message.due) - Date.now()) / 1000);
  return seconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, seconds) } : {};
}

/** SendMessageBatch takes at most 10 entries. */
const BATCH = 10;
/** Entries that failed inside a successful call are retried this many times. */
const ENTRY_ATTEMPTS = 5;

/** `queueUrl` defaults to the configured parts queue, read when first used (the API never sends). */
export function sqsPartQueue(queueUrl?: string): PartQueue {
  return {
    async send(messages: QueueMessage[]) {
      for (let i = 0; i < messages.length; i += BATCH) {
        let entries: SendMessageBatchRequestEntry[] = messages.slice(i, i + BATCH).map((message, n) => ({
          Id: String(n),
          MessageBody: JSON.stringify(message),
          ...delayOf(message),
        }));
        for (let attempt = 1; entries.length > 0; attempt++) {
          let failed: string[];
          try {
            const { sqs, sdk } = await sqsSdk();
            const result = await sqs.send(
              new sdk.SendMessageBatchCommand({
                QueueUrl: queueUrl ?? config.partsQueueUrl,
                Entries: entries,
              }),
            );
            failed = (result.Failed ?? []).map((entry) => entry.Id ?? '');
          } catch (error) {
            throw new DependencyError('SQS could not accept the parts.', { cause: error });
          }
          entries = entries.filter((entry) => failed.includes(entry.Id ?? ''));
          if (entries.length > 0 && attempt >= ENTRY_ATTEMPTS) {
            throw new DependencyError(`SQS refused ${entries.length} messages after ${attempt} attempts.`);
          }
          if (entries.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        }
      }
    },
  };
}
