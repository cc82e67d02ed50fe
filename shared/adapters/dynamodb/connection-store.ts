/**
 * The connections table (connections-schema.ts) behind the PushConnectionStore port.
 */

import { config } from '../../config.js';
import type { PushConnection } from '../../domain/push.js';
import type { PushConnectionStore } from '../../ports.js';
import { DeleteCommand, dynamo, PutCommand, QueryCommand } from './client.js';
import { CONNECTIONS_TABLE_SCHEMA as SCHEMA } from './connections-schema.js';
import { rethrow } from './errors.js';

function connectionOf(item: Record<string, unknown>): PushConnection | undefined {
  const { connectionId, environmentId, jobId, expiresAt, connectedAt } = item;
  if (
    typeof connectionId !== 'string' ||
    typeof environmentId !== 'string' ||
    typeof expiresAt !== 'number'
  ) {
    return undefined;
  }
  return {
    connectionId,
    environmentId,
    ...(typeof jobId === 'string' ? { jobId } : {}),
    expiresAt,
    connectedAt: typeof connectedAt === 'string' ? connectedAt : '',
  };
}

export const dynamoConnectionStore: PushConnectionStore = {
  async put(connection) {
    try {
      await dynamo.send(new PutCommand({ TableName: config.connectionsTableName, Item: { ...connection } }));
    } catch (error) {
      rethrow(error, 'keep a push connection');
    }
  },

  async remove(connectionId) {
    try {
      await dynamo.send(
        new DeleteCommand({
          TableName: config.connectionsTableName,
          Key: { [SCHEMA.partitionKey]: connectionId },
        }),
      );
    } catch (error) {
      rethrow(error, 'forget a push connection');
    }
  },

  async listForEnvironment(environmentId) {
    const connections: PushConnection[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: config.connectionsTableName,
            IndexName: SCHEMA.indexes.byEnvironment.indexName,
            KeyConditionExpression: '#environment = :environment',
            ExpressionAttributeNames: { '#environment': SCHEMA.indexes.byEnvironment.partitionKey },
            ExpressionAttributeValues: { ':environment': environmentId },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const connection = connectionOf(item);
          if (connection) connections.push(connection);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      rethrow(error, "list an environment's push connections");
    }
    return connections;
  },
};
