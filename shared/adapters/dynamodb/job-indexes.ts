/**
 * Reads of one job item, and the sparse indexes the relay poll and the sweeper read
 * (`outbox`, `active`), spread over shards.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord } from '../../ports.js';
import { dynamo, tableName } from './client.js';
import { isConditionFailed, rethrow } from './errors.js';
import { UpdateBuilder } from './expressions.js';
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

/**
 * Removes relayed entries; a drained job leaves the outbox index. When the entries are all
 * the outbox holds (the usual case), one write does both; otherwise the entries go first
 * and the index attributes only if nothing arrived in between.
 */
export async function clearOutbox(jobId: string, entryIds: string[]): Promise<void> {
  if (entryIds.length === 0) return;
  if (await clearWholeOutbox(jobId, entryIds)) return;
  const update = new UpdateBuilder();
  for (const id of entryIds) update.remove(`outbox.${id}`);
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: jobKey(jobId),
        ...update.params(`attribute_exists(${update.name('pk')})`),
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (Object.keys((Attributes?.outbox ?? {}) as object).length > 0) return;
    // Drained: leave the outbox index, unless an entry arrived in between.
    const drained = new UpdateBuilder().remove('outboxShard').remove('outboxAt');
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: jobKey(jobId),
        ...drained.params(`size(${drained.name('outbox')}) = ${drained.value(0)}`),
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) rethrow(error, `clear the outbox of job ${jobId}`);
  }
}

/** Clears the outbox and leaves the index in one write, if `entryIds` are exactly its entries. */
async function clearWholeOutbox(jobId: string, entryIds: string[]): Promise<boolean> {
  const ids = [...new Set(entryIds)];
  const update = new UpdateBuilder();
  for (const id of ids) update.remove(`outbox.${id}`);
  update.remove('outboxShard').remove('outboxAt');
  const exactly = [
    `attribute_exists(${update.name('pk')})`,
    `size(${update.name('outbox')}) = ${update.value(ids.length)}`,
    ...ids.map((id) => `attribute_exists(${update.name(`outbox.${id}`)})`),
  ].join(' AND ');
  try {
    await dynamo.send(
      new UpdateCommand({ TableName: tableName(), Key: jobKey(jobId), ...update.params(exactly) }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrow(error, `clear the outbox of job ${jobId}`);
  }
}
