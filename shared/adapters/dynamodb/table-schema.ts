/**
 * The single table's key schema, shared by the adapters, the CDK construct and the
 * local stack so the three can never disagree.
 *
 * Item layout (pk / sk):
 * - `KEY#<keyId>` / `KEY`                                  API key: HMAC, environment, status;
 *   indexed as `KEY#ENV#<environmentId>` in byEnvironment (shared/adapters/dynamodb/keys.ts)
 * - `KEY#<sha256 of api key>` / `KEY`                      a key from before the lifecycle → environment
 * - `RATE#<keyId>` / `WINDOW#<minute>`                     requests of a key in one minute (TTL)
 * - `ENV#<environmentId>` / `ENV`                          environment
 * - `ENV#<environmentId>` / `PARTS_IN_FLIGHT`              its jobs' declared parts in flight (a capped environment)
 * - `JOB#<jobId>` / `JOB`                                  job (+ outbox map, counters)
 * - `JOB#<jobId>` / `BUCKET#<n>`                           finished part indexes of bucket n
 * - `JOB#<jobId>` / `PARTFAIL#<part>`                      a part's final failure
 * - `JOB#<jobId>` / `SCANS#<wave>#<n>`                     range scans of distributed planning in bucket n
 * - `JOB#<jobId>` / `EVENT#<seq>`                          an event of the job (the feed)
 * - `ENV#<environmentId>#HOLE` / `<position>`             a feed position that holds no event (a copy relayed twice)
 * - `IDEMPOTENCY#<environmentId>#<key>` / `IDEMPOTENCY`    Idempotency-Key → job
 * - `FILE#<fileId>` / `FILE`                               file metadata
 * - `WORKBOOK#<workbookId>` / `WORKBOOK`                   workbook (sheets inline)
 * - `SHEET#<sheetId>` / `SHEET`                            sheet
 * - `SHEET#<sheetId>` / `SEGMENT#<ordinal>`                a records segment (S3 key, rows)
 * - `SHEET#<sheetId>` / `RUNS`                             the counter runs of the sheet are reserved from
 *
 * Indexes:
 * - `byEnvironment`: lists of one environment's jobs, files, workbooks, events and API keys.
 * - `outbox`: sparse, items whose outbox holds entries not yet relayed. In AWS the table
 *   stream drives the relay and the sweeper uses this index for entries stuck too long;
 *   the local stack (dynalite has no streams) polls it.
 * - `active`: sparse, jobs that are not final, for the sweeper.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    byEnvironment: { indexName: 'byEnvironment', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    outbox: { indexName: 'outbox', partitionKey: 'outboxShard', sortKey: 'outboxAt' },
    active: { indexName: 'active', partitionKey: 'activeShard', sortKey: 'activeAt' },
  },
  /** Sparse indexes are spread over this many partition key values (`0`..`n-1`). */
  shards: 8,
} as const;

/**
 * Every partition key of an API key item, and its byEnvironment partition key, starts with
 * this: the job functions are denied `KEY#*` leading keys (infra/permissions.ts), the
 * authorizer and the admin function allowed only those.
 */
export const API_KEY_PARTITION_PREFIX = 'KEY#';
