import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsServices } from '../shared/adapters/aws-services.js';
// Only the processor reads and writes XLSX (yauzl, saxes, fflate): they stay out of the other bundles.
import '../shared/formats/xlsx/codec.js';
import { publicMessage } from '../shared/domain/errors.js';
import { runCommand } from '../shared/engine/commands.js';
import { runPart } from '../shared/engine/parts.js';
import { logger } from '../shared/logger.js';
import { addJobKeys, observed, withJobKeys } from '../shared/observability.js';
import type { JobRecord, QueueMessage } from '../shared/ports.js';

const processor = new BatchProcessor(EventType.SQS);

/**
 * Parts queue consumer: plan and dispatch commands, and parts. Failed messages come back
 * (partial batch response). Each record's log lines carry its job and part.
 */
const consume = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const services = awsServices();
  // Parts of one job often arrive together: read the job once per batch.
  const jobs = new Map<string, Promise<JobRecord | undefined>>();
  const handleRecord = async (record: SQSRecord) => {
    const message = JSON.parse(record.body) as QueueMessage;
    services.metrics.partsMessageReceived(services.now().getTime() - Number(record.attributes.SentTimestamp));
    const part = 'part' in message ? message.part : undefined;
    await withJobKeys({ jobId: message.jobId, part }, () => handleMessage(message));
  };
  const handleMessage = async (message: QueueMessage) => {
    try {
      if ('kind' in message) {
        await runCommand(services, message);
        return;
      }
      if (!jobs.has(message.jobId)) jobs.set(message.jobId, services.jobs.get(message.jobId));
      const record = await jobs.get(message.jobId);
      addJobKeys({ environmentId: record?.job.environmentId });
      await runPart(services, message, record);
    } catch (error) {
      // The details stay in the logs; the job keeps what a tenant may read, and where to look.
      const correlationId = context.awsRequestId;
      logger.warn('message failed; it will be retried', { error: error as Error });
      if ('part' in message) {
        await services.jobs
          .noteAttemptError(message.jobId, message.part, publicMessage(error, correlationId))
          .catch(() => {});
      }
      throw error;
    }
  };
  // One record at a time: a part is already a large unit of work, and memory stays bounded.
  return processPartialResponse(event, handleRecord, processor, { context, processInParallel: false });
};

export const handler = middy(consume).use(observed());
