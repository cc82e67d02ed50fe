/**
 * The outbox relay's trigger. In AWS the table's stream invokes functions/relay; dynalite
 * has no streams, so this polls the sparse `outbox` index (every shard), reads each item
 * found with a consistent read, and invokes the relay with the DynamoDB Streams event the
 * item's last write would have produced (NEW_IMAGE). One invocation at a time; a failure is
 * logged and the items, still in the index, are picked up again by the next poll.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as StreamValue } from 'aws-lambda';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { type Invoker, LOCAL_ACCOUNT, LOCAL_REGION } from './lambda.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { type Loop, startLoop } from './loop.js';

export interface RelayPollerOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  relay: Invoker;
  /** Pause between polls that found nothing; a poll that found items is followed at once. @default 100 */
  intervalMs?: number;
  /** Pause after a failed relay before the items are offered again. @default 1000 */
  retryAfterMs?: number;
  /**
   * Leaves alone items whose outbox filled more recently than this: the functions relay a
   * commit's outbox right after it, so a young outbox is most likely being relayed now, and
   * the relay invoked here would only wait for that relay's claim on it. @default 0
   */
  graceMs?: number;
  /** Records per relay invocation, as a stream event source's batch size. @default 100 */
  batchSize?: number;
  log?: Logger;
}

type Item = Record<string, AttributeValue>;
type Key = { pk: AttributeValue; sk: AttributeValue };

const { outbox } = TABLE_SCHEMA.indexes;
// Stream sequence numbers only grow, across restarts too.
let sequence = BigInt(Date.now()) * 1_000_000n;

export function startRelayPoller(options: RelayPollerOptions): Loop {
  const log = options.log ?? silentLogger;
  return startLoop(
    async () => ((await relayOutbox(options)) > 0 ? 0 : (options.intervalMs ?? 100)),
    (error) => {
      log.error('relay failed; retrying on the next poll', describeError(error));
      return options.retryAfterMs ?? 1000;
    },
  );
}

/** One poll: relays every item now in the outbox index; resolves to the number relayed. */
export async function relayOutbox(options: RelayPollerOptions): Promise<number> {
  const shards = Array.from({ length: TABLE_SCHEMA.shards }, (_, shard) => String(shard));
  const before = new Date(Date.now() - (options.graceMs ?? 0)).toISOString();
  const found = (await Promise.all(shards.map((shard) => queryShard(options, shard, before)))).flat();
  found.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const items = (
    await readConsistently(
      options,
      found.map((entry) => entry.key),
    )
  ).filter(
    // An item leaves the sparse index when its outbox is cleared: nothing to relay any more.
    (item): item is Item => item?.[outbox.partitionKey] !== undefined,
  );
  const batchSize = options.batchSize ?? 100;
  let failed = 0;
  for (let start = 0; start < items.length; start += batchSize) {
    const records = items
      .slice(start, start + batchSize)
      .map((item) => streamRecord(options.tableName, item));
    const response = (await options.relay.invoke({ Records: records } satisfies DynamoDBStreamEvent)) as
      | { batchItemFailures?: Array<{ itemIdentifier?: string }> }
      | undefined;
    failed += response?.batchItemFailures?.length ?? 0;
  }
  if (failed > 0) throw new Error(`the relay reported ${failed} failed record(s)`);
  return items.length;
}

async function queryShard(
  options: RelayPollerOptions,
  shard: string,
  before: string,
): Promise<Array<{ key: Key; at: string }>> {
  const found: Array<{ key: Key; at: string }> = [];
  let start: Item | undefined;
  do {
    const page = await options.dynamodb.send(
      new QueryCommand({
        TableName: options.tableName,
        IndexName: outbox.indexName,
        KeyConditionExpression: '#shard = :shard AND #at <= :before',
        ExpressionAttributeNames: {
          '#shard': outbox.partitionKey,
          '#at': outbox.sortKey,
          '#pk': TABLE_SCHEMA.partitionKey,
          '#sk': TABLE_SCHEMA.sortKey,
        },
        ExpressionAttributeValues: { ':shard': { S: shard }, ':before': { S: before } },
        ProjectionExpression: '#pk, #sk, #at',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = item[TABLE_SCHEMA.partitionKey];
      const sk = item[TABLE_SCHEMA.sortKey];
      if (pk && sk) found.push({ key: { pk, sk }, at: item[outbox.sortKey]?.S ?? '' });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** GetItem with ConsistentRead for each key (an index read may be behind), 25 at a time. */
async function readConsistently(options: RelayPollerOptions, keys: Key[]): Promise<Array<Item | undefined>> {
  const seen = new Set<string>();
  const unique = keys.filter((key) => {
    const id = JSON.stringify(key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const items: Array<Item | undefined> = [];
  for (let start = 0; start < unique.length; start += 25) {
    const chunk = unique.slice(start, start + 25);
    const read = await Promise.all(
      chunk.map((key) =>
        options.dynamodb.send(
          new GetItemCommand({
            TableName: options.tableName,
            Key: { [TABLE_SCHEMA.partitionKey]: key.pk, [TABLE_SCHEMA.sortKey]: key.sk },
            ConsistentRead: true,
          }),
        ),
      ),
    );
    items.push(...read.map((output) => output.Item));
  }
  return items;
}

function streamRecord(tableName: string, item: Item): DynamoDBRecord {
  sequence += 1n;
  const image = toStreamImage(item);
  const keys = Object.fromEntries(
    [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey].flatMap((name) =>
      image[name] ? [[name, image[name]]] : [],
    ),
  );
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: keys,
      NewImage: image,
      SequenceNumber: sequence.toString(),
      SizeBytes: Buffer.byteLength(JSON.stringify(image)),
      StreamViewType: 'NEW_IMAGE',
    },
    eventSourceARN: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}/stream/local`,
  };
}

/**
 * The image as Lambda receives it from a stream, in JSON: the low-level client's items
 * already are marshalled AttributeValue maps; only binary values become base64 strings.
 */
function toStreamImage(item: Item): Record<string, StreamValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toStreamValue(value)]));
}

function toStreamValue(value: AttributeValue): StreamValue {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toStreamValue) };
  if (value.M !== undefined) return { M: toStreamImage(value.M) };
  return value as StreamValue; // S, N, SS, NS, BOOL, NULL: the same in both
}
