import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { awsServices } from '../shared/adapters/aws-services.js';
import { relayStreamed } from '../shared/engine/relay.js';
import { logger } from '../shared/logger.js';
import { observed } from '../shared/observability.js';

/**
 * The table stream (filtered to items with outbox entries) → each job read again, and what
 * its outbox still holds (the relay after the commit mostly took it already) relayed: events
 * stored, published to EventBridge (or held in the event dead letter when refused), commands
 * queued, outbox cleared. A failure retries the batch: at least once.
 */
const relay = async (event: DynamoDBStreamEvent): Promise<void> => {
  // With the first batch, not at module init: the DynamoDB client loads it then anyway.
  const { unmarshall } = await import('@aws-sdk/util-dynamodb');
  const jobIds = new Set<string>();
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (!image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.sk === 'JOB') jobIds.add(String(item.id));
  }
  const report = await relayStreamed(awsServices(), [...jobIds]);
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
