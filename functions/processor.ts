import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { functionServices } from '../shared/adapters/aws-services.js';
// Only the processor reads and writes XLSX (yauzl, saxes, fflate): they stay out of the other bundles.
import '../shared/formats/xlsx/codec.js';
import { publicMessage } from '../shared/domain/errors.js';
import { runCommand } from '../shared/engine/commands.js';
import { PartBatch } from '../shared/engine/part-batch.js';
import { logger } from '../shared/logger.js';
import { addJobKeys, observed, withJobKeys } from '../shared/observability.js';
import type { QueueMessage } from '../shared/ports.js';
import type { Services } from '../shared/services.js';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Parts queue consumer: plan and dispatch commands, and parts. A batch's finished parts are
 * counted per job at its end (PartBatch); failed messages come back (partial batch response).
 * Each record's log lines carry its job and part.
 */
const consume = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const services = functionServices();
  const parts = new PartBatch(services);
  const handleRecord = async (record: SQSRecord) => {
    const message = messageOf(record);
    services.metrics.partsMessageReceived(services.now().getTime() - Number(record.attributes.SentTimestamp));
    const part = 'part' in message ? message.part : undefined;
    await withJobKeys({ jobId: message.jobId, part }, async () => {
      try {
        if ('kind' in message) await runCommand(services, message);
        else {
          addJobKeys({ environmentId: (await parts.job(message.jobId))?.job.environmentId });
          await parts.run(record.messageId, message);
        }
      } catch (error) {
        await noteFailure(services, message, error, context);
        throw error;
      }
    });
  };
  // One record at a time: a part is already a large unit of work, and memory stays bounded.
  const response = await processPartialResponse(event, handleRecord, processor, {
    context,
    processInParallel: false,
  });
  const uncounted = await parts.count();
  for (const { message, error } of uncounted) {
    await withJobKeys({ jobId: message.jobId, part: message.part }, () =>
      noteFailure(services, message, error, context),
    );
  }
  return {
    batchItemFailures: [
      ...response.batchItemFailures,
      ...uncounted.map(({ id }) => ({ itemIdentifier: id })),
    ],
  };
};

export const handler = middy(consume).use(observed());

/** A record's message; a part's says whether the queue delivered it before (report-fragment.ts). */
function messageOf(record: SQSRecord): QueueMessage {
  const message = JSON.parse(record.body) as QueueMessage;
  return 'part' in message && Number(record.attributes.ApproximateReceiveCount) > 1
    ? { ...message, redelivered: true }
    : message;
}

async function noteFailure(services: Services, message: QueueMessage, error: unknown, context: Context) {
  // The details stay in the logs; the job keeps what a tenant may read, and where to look.
  const correlationId = context.awsRequestId;
  logger.warn('message failed; it will be retried', { error: error as Error });
  if ('part' in message) {
    await services.jobs
      .noteAttemptError(message.jobId, message.part, publicMessage(error, correlationId))
      .catch(() => {});
  }
}
