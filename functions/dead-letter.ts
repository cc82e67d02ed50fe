import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsServices } from '../shared/adapters/aws-services.js';
import { failJob } from '../shared/engine/lifecycle.js';
import { failPart } from '../shared/engine/parts.js';
import { faultPoint } from '../shared/faults.js';
import { logger } from '../shared/logger.js';
import { observed, withJobKeys } from '../shared/observability.js';
import type { QueueMessage } from '../shared/ports.js';

const processor = new BatchProcessor(EventType.SQS);

/** Messages that exhausted their receives: the part is recorded FAILED with its last error, and the job fails. */
const recordDeadLetters = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const services = awsServices();
  const handleRecord = async (record: SQSRecord) => {
    let message: QueueMessage;
    try {
      message = JSON.parse(record.body) as QueueMessage;
    } catch {
      logger.error('dropping an unreadable dead letter', { body: record.body.slice(0, 200) });
      return;
    }
    const part = 'part' in message ? message.part : undefined;
    await withJobKeys({ jobId: message.jobId, part }, () =>
      recordDeadLetter(message, record.attributes.ApproximateReceiveCount),
    );
  };
  const recordDeadLetter = async (message: QueueMessage, attempts: string | undefined) => {
    if ('kind' in message && message.kind === 'cleanup') {
      // The job has ended already; it stays marked, and the sweeper sends the cleanup again.
      logger.error('the cleanup of an ended job failed repeatedly; the sweeper will retry it');
      return;
    }
    if ('kind' in message) {
      const step = {
        plan: 'Planning',
        dispatch: 'Dispatching parts',
        'ack-timeout': 'Checking the ack timeout',
        scan: 'Scanning a range of the file (distributed planning)',
      }[message.kind];
      await failJob(services, message.jobId, {
        code: `${message.kind}-failed`,
        message: `${step} failed after repeated attempts (details logged under correlation id ${context.awsRequestId}).`,
      });
      return;
    }
    const last = await services.jobs.lastAttemptError(message.jobId, message.part);
    faultPoint('dead-letter:before-fail');
    await failPart(services, message, {
      code: 'part-exhausted',
      message: `gave up after ${attempts ? `${attempts} attempts` : 'repeated attempts'}; the last one ended with ${last ?? 'no error recorded (the work may have crashed or run out of time)'}`,
      part: message.part,
    });
  };
  return processPartialResponse(event, handleRecord, processor, { context, processInParallel: false });
};

export const handler = middy(recordDeadLetters).use(observed());
