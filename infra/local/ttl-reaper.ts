/**
 * DynamoDB's Time to Live, which dynalite lacks: items whose TTL attribute (epoch seconds)
 * has passed are deleted in the background. AWS deletes them within days, not on the
 * second, so an occasional scan is faithful enough; the condition spares an item whose
 * TTL was pushed back meanwhile.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { type Loop, startLoop } from './loop.js';

export interface TtlReaperOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** @default 600 */
  everySeconds?: number;
  /** Delay before the first pass, to leave the start to the sweeper. @default 60 */
  firstAfterSeconds?: number;
  log?: Logger;
}

const names = {
  '#ttl': TABLE_SCHEMA.timeToLiveAttribute,
  '#pk': TABLE_SCHEMA.partitionKey,
  '#sk': TABLE_SCHEMA.sortKey,
};

/** One pass: deletes every expired item; resolves to how many it deleted. */
export async function deleteExpiredItems(dynamodb: DynamoDBClient, tableName: string): Promise<number> {
  const now: AttributeValue = { N: String(Math.floor(Date.now() / 1000)) };
  let deleted = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#ttl < :now',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': now },
        ExclusiveStartKey: start,
      }),
    );
    for (const key of page.Items ?? []) {
      try {
        await dynamodb.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.timeToLiveAttribute },
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        deleted += 1;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return deleted;
}

export function startTtlReaper(options: TtlReaperOptions): Loop {
  const log = options.log ?? silentLogger;
  const every = (options.everySeconds ?? 600) * 1000;
  let first = true;
  return startLoop(
    async () => {
      if (first) {
        first = false;
        return (options.firstAfterSeconds ?? 60) * 1000;
      }
      await deleteExpiredItems(options.dynamodb, options.tableName);
      return every;
    },
    (error) => {
      log.error('expiring items (TTL) failed', describeError(error));
      return every;
    },
  );
}
