import { config } from '../../config.js';
import { ValidationError } from '../../domain/errors.js';
import { JOB_EVENT_VERSION, type JobEvent } from '../../domain/events.js';
import type { EventStore } from '../../ports.js';
import { dynamo, PutCommand, QueryCommand, tableName, UpdateCommand } from './client.js';
import { isConditionFailed, rethrow } from './errors.js';
import { decodeCursor, encodeCursor } from './expressions.js';
import { TABLE_SCHEMA } from './table-schema.js';

const { byEnvironment } = TABLE_SCHEMA.indexes;

/**
 * The events feed of an environment is ordered by a position the relay takes from an
 * atomic per-environment counter when it stores the events — not by commit time, which
 * would let an event committed earlier but relayed later slip in behind a poller's
 * cursor. Two relays can still store out of position order (A takes 1–5, B takes 6–8,
 * B writes first), so a reader stops at a gap until it is older than this: a gap that
 * old belongs to a relay that died after taking its positions, and never fills.
 */
const GAP_GRACE_MS = 30_000;
const POSITION_DIGITS = 16;

const feedCounterKey = (environmentId: string) => ({ pk: `ENV#${environmentId}`, sk: 'FEED' });
const padPosition = (position: number) => String(position).padStart(POSITION_DIGITS, '0');

async function takePositions(environmentId: string, count: number): Promise<number> {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: feedCounterKey(environmentId),
        UpdateExpression: 'ADD #position :count',
        ExpressionAttributeNames: { '#position': 'position' },
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.position) - count + 1;
  } catch (error) {
    return rethrow(error, 'take event feed positions');
  }
}

async function storeOnce(event: JobEvent, position: number): Promise<void> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: `JOB#${event.jobId}`,
          sk: `EVENT#${String(event.sequence).padStart(10, '0')}`,
          kind: 'event',
          id: event.id,
          jobId: event.jobId,
          topic: event.topic,
          position,
          storedAt: Date.now(),
          gsi1pk: `ENV#${event.environmentId}#EVENT`,
          gsi1sk: padPosition(position),
          body: JSON.stringify(event),
          [TABLE_SCHEMA.timeToLiveAttribute]:
            Math.floor(Date.parse(event.createdAt) / 1000) + config.eventRetentionDays * 86400,
        },
        // A relayed-again event keeps its first position: pollers never see it twice.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) rethrow(error, `store event ${event.id}`);
    // Stored already (the relay after the commit and the stream's relay both delivered it):
    // the position taken for this copy is marked as a hole, or readers would wait at it.
    await markHole(event, position);
  }
}

/** A position of the feed that holds no event: readers step over it at once. */
async function markHole(event: JobEvent, position: number): Promise<void> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: `ENV#${event.environmentId}#HOLE`,
          sk: padPosition(position),
          kind: 'hole',
          position,
          storedAt: Date.now(),
          gsi1pk: `ENV#${event.environmentId}#EVENT`,
          gsi1sk: padPosition(position),
          [TABLE_SCHEMA.timeToLiveAttribute]:
            Math.floor(Date.now() / 1000) + config.eventRetentionDays * 86400,
        },
      }),
    );
  } catch (error) {
    rethrow(error, `mark feed position ${position} empty`);
  }
}

/** An event as stored; one stored before events carried a version has the shape of version 1. */
const toEvent = (item: Record<string, unknown>): JobEvent => ({
  version: JOB_EVENT_VERSION,
  ...(JSON.parse(String(item.body)) as Omit<JobEvent, 'version'>),
});

export const dynamoEventStore: EventStore = {
  async put(events) {
    const byEnvironment = new Map<string, JobEvent[]>();
    for (const event of events) {
      byEnvironment.set(event.environmentId, [...(byEnvironment.get(event.environmentId) ?? []), event]);
    }
    for (const [environmentId, ofEnvironment] of byEnvironment) {
      const first = await takePositions(environmentId, ofEnvironment.length);
      // In position order, so a reader waiting at a gap sees it close from the front.
      for (const [i, event] of ofEnvironment.entries()) await storeOnce(event, first + i);
    }
  },

  async listForJob(jobId, limit, cursor) {
    // Outside the try: a cursor the list refuses is the caller's 400, not DynamoDB's failure.
    const startKey = decodeCursor(cursor, { pk: { equals: `JOB#${jobId}` }, sk: { prefix: 'EVENT#' } });
    try {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':prefix': 'EVENT#' },
          ExclusiveStartKey: startKey,
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
    // A cursor that is no position would restart the feed from its oldest event: refused.
    if (since && !/^\d+$/.test(since)) {
      throw new ValidationError(
        'since is not a position in the feed: pass back the `next` of an earlier page.',
        {
          errors: [{ path: ['query', 'since'], detail: 'is not a position in the feed' }],
        },
      );
    }
    let cursor = since ? Number(since) : 0;
    const events: JobEvent[] = [];
    const now = Date.now();
    try {
      // Reads on from the cursor while positions are contiguous; filters apply after the
      // gap check so a filtered-out event still moves the cursor.
      for (let pages = 0; pages < 20 && events.length < limit; pages++) {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: byEnvironment.indexName,
            KeyConditionExpression: '#pk = :pk AND #sk > :since',
            ExpressionAttributeNames: { '#pk': byEnvironment.partitionKey, '#sk': byEnvironment.sortKey },
            ExpressionAttributeValues: { ':pk': `ENV#${environmentId}#EVENT`, ':since': padPosition(cursor) },
            Limit: 100,
          }),
        );
        const items = page.Items ?? [];
        let stopped = false;
        for (const item of items) {
          const position = Number(item.position);
          if (position !== cursor + 1 && now - Number(item.storedAt) < GAP_GRACE_MS) {
            stopped = true; // a young gap: its events may still be on their way
            break;
          }
          cursor = position;
          if (item.kind === 'hole') continue;
          if ((!jobId || item.jobId === jobId) && (!topic || item.topic === topic))
            events.push(toEvent(item));
          if (events.length >= limit) break;
        }
        if (stopped || !page.LastEvaluatedKey) break;
      }
    } catch (error) {
      return rethrow(error, 'list events');
    }
    // Always a cursor: pass it back as `since` to continue, now or in the next poll.
    return { events, next: String(cursor) };
  },
};

/** The two steps of storing, exposed so tests can play a relay that dies between them. */
export const feedSteps = { takePositions, storeOnce };
