import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.js';
import type { JobEvent } from '../../domain/events.js';
import type { EventStore } from '../../ports.js';
import { dynamo, tableName } from './client.js';
import { rethrow } from './errors.js';
import { decodeCursor, encodeCursor } from './expressions.js';
import { TABLE_SCHEMA } from './table-schema.js';

const { byEnvironment } = TABLE_SCHEMA.indexes;

/** BatchWriteItem takes at most 25 items; unprocessed ones are retried with backoff. */
const BATCH = 25;

function eventItem(event: JobEvent) {
  return {
    pk: `JOB#${event.jobId}`,
    sk: `EVENT#${String(event.sequence).padStart(10, '0')}`,
    kind: 'event',
    id: event.id,
    jobId: event.jobId,
    topic: event.topic,
    gsi1pk: `ENV#${event.environmentId}#EVENT`,
    gsi1sk: event.id,
    body: JSON.stringify(event),
    [TABLE_SCHEMA.timeToLiveAttribute]:
      Math.floor(Date.parse(event.createdAt) / 1000) + config.eventRetentionDays * 86400,
  };
}

const toEvent = (item: Record<string, unknown>) => JSON.parse(String(item.body)) as JobEvent;

export const dynamoEventStore: EventStore = {
  async put(events) {
    for (let i = 0; i < events.length; i += BATCH) {
      let requests = events.slice(i, i + BATCH).map((event) => ({ PutRequest: { Item: eventItem(event) } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        try {
          const result = await dynamo.send(
            new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
          );
          requests = (result.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
        } catch (error) {
          rethrow(error, 'store events');
        }
        if (requests.length > 0) {
          if (attempt >= 8)
            rethrow(new Error(`${requests.length} events stayed unprocessed`), 'store events');
          await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        }
      }
    }
  },

  async listForJob(jobId, limit, cursor) {
    try {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':prefix': 'EVENT#' },
          ExclusiveStartKey: decodeCursor(cursor),
          Limit: limit,
        }),
      );
      const next = encodeCursor(page.LastEvaluatedKey);
      return { events: (page.Items ?? []).map(toEvent), ...(next ? { next } : {}) };
    } catch (error) {
      return rethrow(error, `list the events of job ${jobId}`);
    }
  },

  async listForEnvironment(environmentId, { since, jobId, topic, limit }) {
    const events: JobEvent[] = [];
    const filters = [jobId ? 'jobId = :jobId' : '', topic ? 'topic = :topic' : ''].filter(Boolean);
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: byEnvironment.indexName,
            KeyConditionExpression: since ? '#pk = :pk AND #sk > :since' : '#pk = :pk',
            ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: {
              '#pk': byEnvironment.partitionKey,
              ...(since ? { '#sk': byEnvironment.sortKey } : {}),
            },
            ExpressionAttributeValues: {
              ':pk': `ENV#${environmentId}#EVENT`,
              ...(since ? { ':since': since } : {}),
              ...(jobId ? { ':jobId': jobId } : {}),
              ...(topic ? { ':topic': topic } : {}),
            },
            ExclusiveStartKey: startKey,
            Limit: Math.max(limit, 50),
          }),
        );
        for (const item of page.Items ?? []) {
          if (events.length < limit) events.push(toEvent(item));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && events.length < limit);
    } catch (error) {
      return rethrow(error, 'list events');
    }
    // The cursor is the last event's id: pass it back as `since` to continue.
    const last = events.at(-1);
    return { events, ...(last ? { next: last.id } : {}) };
  },
};
