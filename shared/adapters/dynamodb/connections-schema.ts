/**
 * The connections table's schema (browsers' push sockets on AWS), shared by its adapter
 * (connection-store.ts), the CDK construct and the adapter tests, so they can never disagree.
 *
 * One item per open WebSocket connection, keyed by API Gateway's connection id:
 * `connectionId`, `environmentId`, `jobId` (a watch token's job), `expiresAt` (the token's
 * `exp`, seconds since the epoch: DynamoDB's TTL removes the item some time after it),
 * `connectedAt`.
 *
 * Index `byEnvironment`: an environment's connections in one query, for the fan-out.
 */
export const CONNECTIONS_TABLE_SCHEMA = {
  partitionKey: 'connectionId',
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    byEnvironment: { indexName: 'byEnvironment', partitionKey: 'environmentId' },
  },
} as const;
