/**
 * Reads and conditional writes of one job item, and the sparse indexes the relay poll and
 * the sweeper read (`outbox`, `active`), spread over shards.
 */
import type { JobRecord } from '../../ports.js';
import { dynamo, GetCommand, QueryCommand, tableName, UpdateCommand } from './client.js';
import { rethrow } from './errors.js';
import type { UpdateBuilder } from './expressions.js';
import { type Item, jobKey, recordFromItem } from './job-item.js';
import { TABLE_SCHEMA } from './table-schema.js';

type ShardedIndex = { indexName: string; partitionKey: string; sortKey: string };

export async function readJobItem(jobId: string): Promise<Item | undefined> {
  try {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: jobKey(jobId), ConsistentRead: true }),
    );
    return Item;
  } catch (error) {
    return rethrow(error, `read job ${jobId}`);
  }
}

/**
 * One conditional UpdateItem on a job's item; resolves to the item as written (`ALL_NEW`), or
 * to nothing with `NONE`. SDK errors reach the caller, which says what failed.
 */
export async function updateJobItem(
  jobId: string,
  update: UpdateBuilder,
  condition: string,
  returnValues: 'ALL_NEW' | 'NONE' = 'ALL_NEW',
): Promise<Item | undefined> {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: jobKey(jobId),
      ...update.params(condition),
      ReturnValues: returnValues,
    }),
  );
  return Attributes;
}

/** Jobs in a sparse index whose sort key is before `before`, read again from the table. */
export async function jobsInIndex(index: ShardedIndex, before: string, limit: number): Promise<JobRecord[]> {
  const records: JobRecord[] = [];
  for (let shard = 0; shard < TABLE_SCHEMA.shards && records.length < limit; shard++) {
    try {
      const { Items } = await dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: index.indexName,
          KeyConditionExpression: '#k = :k AND #s < :before',
          ExpressionAttributeNames: { '#k': index.partitionKey, '#s': index.sortKey },
          ExpressionAttributeValues: { ':k': String(shard), ':before': before },
          Limit: limit - records.length,
        }),
      );
      // The index is eventually consistent: read each job itself before acting on it. A
      // deleted job still counts while its outbox holds entries (job:deleted, say).
      for (const item of Items ?? []) {
        const fresh = await readJobItem(String(item.id));
        if (fresh && (!fresh.deletedAt || fresh.outboxAt)) records.push(recordFromItem(fresh));
      }
    } catch (error) {
      rethrow(error, `query the ${index.indexName} index`);
    }
  }
  return records;
}
