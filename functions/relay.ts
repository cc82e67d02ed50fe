import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { awsServices } from '../shared/adapters/aws-services.js';
import { recordFromItem } from '../shared/adapters/dynamodb/job-store.js';
import { relayOutboxes } from '../shared/engine/relay.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';

/**
 * The table stream (filtered to items with outbox entries) → events stored, published to
 * EventBridge (or held in the event dead letter when refused), commands queued, outbox
 * cleared. A failure retries the batch: at least once.
 */
const relay = async (event: DynamoDBStreamEvent): Promise<void> => {
  // The newest image of each job holds every entry not yet cleared.
  const latest = new Map<string, Record<string, unknown>>();
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (!image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.sk === 'JOB') latest.set(String(item.pk), item);
  }
  const report = await relayOutboxes(awsServices(), [...latest.values()].map(recordFromItem));
  for (const refused of report.deadLettered) {
    logger.error('EventBridge refused an event; it is held in the event dead letter', {
      eventId: refused.event.id,
      jobId: refused.event.jobId,
      environmentId: refused.event.environmentId,
      topic: refused.event.topic,
      code: refused.code,
      reason: refused.reason,
    });
  }
};

export const handler = middy(relay).use(observed());
