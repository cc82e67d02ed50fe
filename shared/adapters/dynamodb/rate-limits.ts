/**
 * The per-key rate limit (docs/auth.md, "Rate limit"): one counter item per key and minute,
 * `RATE#<keyId>` / `WINDOW#<minute>`, moved by a single conditional update per request. The
 * update adds one only while the count is below the limit, so no request is counted past
 * it and concurrent requests from any number of function instances share one count.
 * Counter items expire through the table's TTL a minute after their window.
 */

import { rateWindowOf } from '../../domain/api-keys.js';
import { RateLimitedError } from '../../domain/errors.js';
import type { RateLimiter } from '../../ports.js';
import { dynamo, tableName, UpdateCommand } from './client.js';
import { isConditionFailed, rethrow } from './errors.js';
import { TABLE_SCHEMA } from './table-schema.js';

export const dynamoRateLimiter: RateLimiter = {
  async consume(keyId, limitPerMinute, now) {
    const { window, endsAt, retryAfterSeconds } = rateWindowOf(now);
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: `RATE#${keyId}`, sk: `WINDOW#${window}` },
          UpdateExpression: 'ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.timeToLiveAttribute },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limitPerMinute,
            ':ttl': Math.floor(endsAt / 1000) + 60,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new RateLimitedError(
          `This API key may make ${limitPerMinute} requests a minute, and made them this minute; try again in ${retryAfterSeconds} s.`,
          retryAfterSeconds,
          { cause: error },
        );
      }
      rethrow(error, 'count a request against the key’s rate limit');
    }
  },
};
