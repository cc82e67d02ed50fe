/**
 * API keys in the table (docs/auth.md): `KEY#<key id>` / `KEY`, one item per key holding its
 * HMAC and metadata, listed through the byEnvironment index under `KEY#ENV#<environmentId>`.
 * Every partition and index key of a key item starts with `KEY#`, so the job functions'
 * explicit deny on `KEY#*` leading keys covers them (infra/permissions.ts).
 *
 * Keys from before the lifecycle stay as they were, `KEY#<sha256 of the key>` / `KEY`, and
 * are read by `findLegacy` alone.
 */

import { type ApiKeyRecord, legacyKeyHash } from '../../domain/api-keys.js';
import { KeyNotFoundError } from '../../domain/errors.js';
import type { ApiKeyStore } from '../../ports.js';
import {
  DeleteCommand,
  dynamo,
  GetCommand,
  PutCommand,
  QueryCommand,
  tableName,
  UpdateCommand,
} from './client.js';
import { isConditionFailed, rethrow } from './errors.js';
import { decodeCursor, encodeCursor } from './expressions.js';
import { API_KEY_PARTITION_PREFIX, TABLE_SCHEMA } from './table-schema.js';

const SK = 'KEY';
const keyOf = (id: string) => ({ pk: `${API_KEY_PARTITION_PREFIX}${id}`, sk: SK });
const listPartition = (environmentId: string) => `${API_KEY_PARTITION_PREFIX}ENV#${environmentId}`;
const { byEnvironment } = TABLE_SCHEMA.indexes;

/**
 * The item of a key. Its expiry is `keyExpiresAt`, not the table's TTL attribute
 * `expiresAt`: an expired key stays, and lists as expired.
 */
function itemOf(record: ApiKeyRecord): Record<string, unknown> {
  const { expiresAt, ...rest } = record;
  return {
    ...keyOf(record.id),
    kind: 'apiKey',
    [byEnvironment.partitionKey]: listPartition(record.environmentId),
    [byEnvironment.sortKey]: `${record.createdAt}#${record.id}`,
    ...rest,
    ...(expiresAt === undefined ? {} : { keyExpiresAt: expiresAt }),
  };
}

function str(item: Record<string, unknown>, name: string): string | undefined {
  const value = item[name];
  return typeof value === 'string' ? value : undefined;
}

function recordOf(item: Record<string, unknown>): ApiKeyRecord {
  const expiresAt = str(item, 'keyExpiresAt');
  const revokedAt = str(item, 'revokedAt');
  const replacedBy = str(item, 'replacedBy');
  const replaces = str(item, 'replaces');
  return {
    id: str(item, 'id') ?? '',
    environmentId: str(item, 'environmentId') ?? '',
    name: str(item, 'name') ?? '',
    prefix: str(item, 'prefix') ?? '',
    hash: str(item, 'hash') ?? '',
    rateLimitPerMinute: typeof item.rateLimitPerMinute === 'number' ? item.rateLimitPerMinute : 0,
    createdAt: str(item, 'createdAt') ?? '',
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(revokedAt === undefined ? {} : { revokedAt }),
    ...(replacedBy === undefined ? {} : { replacedBy }),
    ...(replaces === undefined ? {} : { replaces }),
  };
}

export const dynamoApiKeyStore: ApiKeyStore = {
  async get(id) {
    try {
      const { Item } = await dynamo.send(
        new GetCommand({ TableName: tableName(), Key: keyOf(id), ConsistentRead: true }),
      );
      return Item && recordOf(Item);
    } catch (error) {
      return rethrow(error, 'read an API key');
    }
  },

  async create(record) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: itemOf(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      return rethrow(error, 'store an API key');
    }
  },

  async list(environmentId, { limit, next }) {
    const partition = listPartition(environmentId);
    // Outside the try: a cursor the list refuses is the caller's 400.
    const startKey = decodeCursor(next, {
      pk: { prefix: API_KEY_PARTITION_PREFIX },
      sk: { equals: SK },
      [byEnvironment.partitionKey]: { equals: partition },
      [byEnvironment.sortKey]: 'any',
    });
    try {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: byEnvironment.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': byEnvironment.partitionKey },
          ExpressionAttributeValues: { ':pk': partition },
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const cursor = encodeCursor(page.LastEvaluatedKey);
      return { items: (page.Items ?? []).map(recordOf), ...(cursor ? { next: cursor } : {}) };
    } catch (error) {
      return rethrow(error, 'list API keys');
    }
  },

  async revoke(id, at) {
    try {
      // if_not_exists: revoking twice keeps the first time.
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keyOf(id),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf(Attributes ?? {});
    } catch (error) {
      if (isConditionFailed(error)) throw new KeyNotFoundError(id, { cause: error });
      return rethrow(error, 'revoke an API key');
    }
  },

  async markRotated(id, change, now) {
    try {
      // Only once, and only a key that still works: a revoked or expired key is not rotated.
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keyOf(id),
          UpdateExpression: 'SET replacedBy = :next, keyExpiresAt = :until',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(replacedBy) AND attribute_not_exists(revokedAt) AND (attribute_not_exists(keyExpiresAt) OR keyExpiresAt > :now)',
          ExpressionAttributeValues: {
            ':next': change.replacedBy,
            ':until': change.expiresAt,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf(Attributes ?? {});
    } catch (error) {
      return rethrow(error, 'rotate an API key');
    }
  },

  async remove(id) {
    try {
      await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: keyOf(id) }));
    } catch (error) {
      return rethrow(error, 'remove an API key');
    }
  },

  async findLegacy(key) {
    try {
      const { Item } = await dynamo.send(
        new GetCommand({
          TableName: tableName(),
          Key: { pk: `${API_KEY_PARTITION_PREFIX}${legacyKeyHash(key)}`, sk: SK },
        }),
      );
      const environmentId = Item && str(Item, 'environmentId');
      return environmentId ? { environmentId } : undefined;
    } catch (error) {
      return rethrow(error, 'read an API key');
    }
  },
};

/**
 * Registers a key the way keys were registered before the lifecycle (`KEY#<sha256>`). Only
 * the local stack calls it, for keys it is given rather than makes (PARTWISE_API_KEY,
 * PARTWISE_LOCAL_API_KEYS, a key an older stack saved): no route creates one.
 */
export async function putLegacyApiKey(
  key: string,
  record: { environmentId: string; name: string; createdAt: string },
): Promise<void> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: `${API_KEY_PARTITION_PREFIX}${legacyKeyHash(key)}`, sk: SK, kind: 'apiKey', ...record },
      }),
    );
  } catch (error) {
    return rethrow(error, 'store an API key');
  }
}
