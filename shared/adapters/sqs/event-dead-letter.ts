import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { JobEvent } from '../../domain/events.js';
import type { EventDeadLetter, RefusedEvent } from '../../ports.js';
import { sqsSdk } from './client.js';

/** An SQS message holds 256 KiB, attributes included; these leave room for ours. */
const MAX_BODY_BYTES = 250 * 1024;

/** What a dead-lettered event's message says: why, and the event as the bus would have had it. */
export interface EventDeadLetterMessage {
  code: string;
  reason: string;
  /** The whole event, or its headline when the whole would not fit a message (`eventOmitted`). */
  event: JobEvent | Pick<JobEvent, 'id' | 'topic' | 'sequence' | 'jobId' | 'environmentId' | 'createdAt'>;
  /** The event was too large for a message: GET /jobs/:id/events has it whole. */
  eventOmitted?: true;
}

export function eventDeadLetterMessage({ event, code, reason }: RefusedEvent): EventDeadLetterMessage {
  const whole: EventDeadLetterMessage = { code, reason, event };
  if (Buffer.byteLength(JSON.stringify(whole)) <= MAX_BODY_BYTES) return whole;
  const { id, topic, sequence, jobId, environmentId, createdAt } = event;
  return {
    code,
    reason,
    event: { id, topic, sequence, jobId, environmentId, createdAt },
    eventOmitted: true,
  };
}

/**
 * The event dead letter on an SQS queue: one message per refused event, whose attributes
 * (topic, jobId, code) let a console filter them. The queue's depth is alarmed.
 * `queueUrl` defaults to PARTWISE_EVENT_DEAD_LETTER_QUEUE_URL, read only when an event is held.
 */
export function sqsEventDeadLetter(queueUrl?: string): EventDeadLetter {
  return {
    async hold(refused) {
      for (const item of refused) {
        const text = (value: string) => ({ DataType: 'String', StringValue: value });
        try {
          const { sqs, sdk } = await sqsSdk();
          await sqs.send(
            new sdk.SendMessageCommand({
              QueueUrl: queueUrl ?? config.eventDeadLetterQueueUrl,
              MessageBody: JSON.stringify(eventDeadLetterMessage(item)),
              MessageAttributes: {
                topic: text(item.event.topic),
                jobId: text(item.event.jobId),
                code: text(item.code),
              },
            }),
          );
        } catch (error) {
          throw new DependencyError(`SQS could not hold the refused event ${item.event.id}.`, {
            cause: error,
          });
        }
      }
    },
  };
}
