/**
 * The stateful resources: the table, the buckets and the queues. Created directly in the
 * service's scope (no wrapper construct), so their logical ids stay short and stable.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CorsRule,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CONNECTIONS_TABLE_SCHEMA } from '../shared/adapters/dynamodb/connections-schema.js';
import { TABLE_SCHEMA } from '../shared/adapters/dynamodb/table-schema.js';
import { TEMPORARY_PREFIX } from '../shared/domain/object-keys.js';
import { bucketEncryption, queueEncryption, tableEncryption } from './encryption.js';
import { DEFAULT_NONCURRENT_VERSION_RETENTION, type ResolvedJobsServiceProps } from './props.js';

/** Key attributes of the table and its indexes are all strings (shard numbers included). */
const S = AttributeType.STRING;

/** Every table of the service: on demand, recoverable to a point in time, encrypted with the AWS managed key or `encryptionKey`. */
const tableBasics = (key: IKey | undefined) =>
  ({
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...tableEncryption(key),
  }) as const;

export function createJobsTable(scope: Construct, p: ResolvedJobsServiceProps): Table {
  const table = new Table(scope, 'Table', {
    partitionKey: { name: TABLE_SCHEMA.partitionKey, type: S },
    sortKey: { name: TABLE_SCHEMA.sortKey, type: S },
    ...tableBasics(p.encryptionKey),
    timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
    // The relay reads outbox entries from the new image; old images are never needed.
    stream: StreamViewType.NEW_IMAGE,
    deletionProtection: p.removalPolicy !== RemovalPolicy.DESTROY,
    removalPolicy: p.removalPolicy,
  });
  for (const index of Object.values(TABLE_SCHEMA.indexes)) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: S },
      sortKey: { name: index.sortKey, type: S },
    });
  }
  return table;
}

/**
 * The push socket's connections (shared/adapters/dynamodb/connections-schema.ts): one item per
 * open browser connection, expired by DynamoDB's TTL some time after its token. Removed with
 * the stack whatever the removal policy says: it holds nothing that outlives a connection.
 */
export function createConnectionsTable(scope: Construct, p: ResolvedJobsServiceProps): Table {
  const table = new Table(scope, 'ConnectionsTable', {
    partitionKey: { name: CONNECTIONS_TABLE_SCHEMA.partitionKey, type: S },
    ...tableBasics(p.encryptionKey),
    timeToLiveAttribute: CONNECTIONS_TABLE_SCHEMA.timeToLiveAttribute,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const byEnvironment = CONNECTIONS_TABLE_SCHEMA.indexes.byEnvironment;
  table.addGlobalSecondaryIndex({
    indexName: byEnvironment.indexName,
    partitionKey: { name: byEnvironment.partitionKey, type: S },
  });
  return table;
}

export function createBuckets(
  scope: Construct,
  p: ResolvedJobsServiceProps,
): { bucket: Bucket; accessLogsBucket: Bucket } {
  const accessLogsBucket = new Bucket(scope, 'AccessLogsBucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    // CloudFront writes the site's access logs with an ACL: its standard logs need a bucket
    // that takes ACLs. S3 server access logs are delivered under the bucket policy either way.
    ...(p.webApp ? { objectOwnership: ObjectOwnership.OBJECT_WRITER } : {}),
    enforceSSL: true,
    // S3 server access logging delivers only to SSE-S3 buckets, whatever `encryptionKey` says.
    encryption: BucketEncryption.S3_MANAGED,
    removalPolicy: p.removalPolicy,
    lifecycleRules:
      p.logRetention === RetentionDays.INFINITE
        ? []
        : [{ id: 'expire-logs', expiration: Duration.days(p.logRetention) }],
  });
  const temporaryDays = Duration.days(p.temporaryObjectRetention.toDays());
  const bucket = new Bucket(scope, 'Bucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    ...bucketEncryption(p.encryptionKey),
    versioned: p.bucketVersioning,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: 'bucket/',
    removalPolicy: p.removalPolicy,
    cors: [transferCorsRule(p.corsOrigins)],
    lifecycleRules: [
      // Temporary objects of every environment: shared/domain/object-keys.ts puts them all under tmp/.
      { id: 'expire-temporary-objects', prefix: TEMPORARY_PREFIX, expiration: temporaryDays },
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: temporaryDays },
      ...(p.bucketVersioning ? [noncurrentVersionsRule(p)] : []),
    ],
  });
  return { bucket, accessLogsBucket };
}

/**
 * With versioning, a delete (partwise's cleanups, the temporary objects' expiry) leaves the
 * object as a noncurrent version and a delete marker: this rule deletes the version once
 * its retention is over, and the marker once no version is left behind it, so the space is
 * freed after all.
 */
function noncurrentVersionsRule(p: ResolvedJobsServiceProps) {
  return {
    id: 'expire-noncurrent-versions',
    noncurrentVersionExpiration: p.noncurrentVersionRetention ?? DEFAULT_NONCURRENT_VERSION_RETENTION,
    expiredObjectDeleteMarker: true,
  };
}

/** Browsers of `origins` upload with the presigned PUT URL of POST /files and download by GET URL. */
export function transferCorsRule(origins: string[]): CorsRule {
  return {
    allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
    allowedOrigins: origins,
    allowedHeaders: ['*'],
    exposedHeaders: ['ETag'],
    maxAge: 3600,
  };
}

export interface JobsQueues {
  partsQueue: Queue;
  deadLetterQueue: Queue;
  relayFailureQueue: Queue;
  eventDeadLetterQueue: Queue;
}

/**
 * `deadLetterTimeout` is the dead-letter function's timeout: a queue feeding a function
 * must hide a message at least as long as the function may work on it.
 */
export function createQueues(
  scope: Construct,
  p: ResolvedJobsServiceProps,
  deadLetterTimeout: Duration,
): JobsQueues {
  const common = {
    ...queueEncryption(p.encryptionKey),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  };
  const deadLetterQueue = new Queue(scope, 'DeadLetterQueue', {
    ...common,
    visibilityTimeout: Duration.seconds(deadLetterTimeout.toSeconds() * 6),
  });
  const partsQueue = new Queue(scope, 'PartsQueue', {
    ...common,
    // AWS: at least six times the function timeout of an SQS event source, so a batch
    // retried after a throttle is not delivered again while it still runs.
    visibilityTimeout: Duration.seconds(p.processorTimeout.toSeconds() * 6),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
  });
  const relayFailureQueue = new Queue(scope, 'RelayFailureQueue', common);
  // Events EventBridge refused, each whole in its message (the relay's on-failure queue
  // would hold only stream positions, and only after retries that hold the shard back).
  const eventDeadLetterQueue = new Queue(scope, 'EventDeadLetterQueue', common);
  return { partsQueue, deadLetterQueue, relayFailureQueue, eventDeadLetterQueue };
}
