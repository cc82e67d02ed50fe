/**
 * Creates what the CDK construct creates in AWS, idempotently: the table (from the shared
 * TABLE_SCHEMA, so the two can never disagree), the bucket with CORS for presigned
 * uploads from a browser, the parts queue with its dead-letter queue, and the event dead
 * letter (events EventBridge refused).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import type { LocalClients } from './clients.js';
import { type Logger, silentLogger } from './logger.js';

export interface ProvisionOptions {
  tableName: string;
  bucketName: string;
  queueName: string;
  deadLetterQueueName: string;
  eventDeadLetterQueueName: string;
  /** @default 30 */
  visibilityTimeoutSeconds?: number;
  /** Receives before SQS moves a message to the DLQ. @default 5 */
  maxReceiveCount?: number;
  log?: Logger;
}

export interface Queue {
  url: string;
  arn: string;
}

export interface Provisioned {
  tableName: string;
  bucketName: string;
  partsQueue: Queue;
  deadLetterQueue: Queue;
  eventDeadLetterQueue: Queue;
}

export async function provision(clients: LocalClients, options: ProvisionOptions): Promise<Provisioned> {
  const visibility = String(options.visibilityTimeoutSeconds ?? 30);
  await ensureTable(clients.dynamodb, options.tableName, options.log ?? silentLogger);
  await ensureBucket(clients.s3, options.bucketName);
  const deadLetterQueue = await ensureQueue(clients.sqs, options.deadLetterQueueName, {
    VisibilityTimeout: visibility,
    MessageRetentionPeriod: String(14 * 24 * 3600),
  });
  const partsQueue = await ensureQueue(clients.sqs, options.queueName, {
    VisibilityTimeout: visibility,
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: options.maxReceiveCount ?? 5,
    }),
  });
  const eventDeadLetterQueue = await ensureQueue(clients.sqs, options.eventDeadLetterQueueName, {
    MessageRetentionPeriod: String(14 * 24 * 3600),
  });
  return {
    tableName: options.tableName,
    bucketName: options.bucketName,
    partsQueue,
    deadLetterQueue,
    eventDeadLetterQueue,
  };
}

function tableIndexes(): GlobalSecondaryIndex[] {
  return Object.values(TABLE_SCHEMA.indexes).map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
}

async function ensureTable(dynamodb: DynamoDBClient, tableName: string, log: Logger): Promise<void> {
  const indexes = tableIndexes();
  try {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    const missing = indexes.filter((index) => !present.has(index.IndexName)).map((index) => index.IndexName);
    if (missing.length > 0) {
      log.warn(
        `table ${tableName} predates indexes ${missing.join(', ')}; delete the data dir to recreate it`,
      );
    }
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const keyNames = new Set([
    TABLE_SCHEMA.partitionKey,
    TABLE_SCHEMA.sortKey,
    ...indexes.flatMap((index) => (index.KeySchema ?? []).map((key) => key.AttributeName ?? '')),
  ]);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexes,
    }),
  );
}

async function ensureBucket(s3: S3Client, bucketName: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
  // Browsers PUT to presigned URLs from any origin; they need the ETag of each part.
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucketName,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['PUT', 'GET', 'HEAD'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 3000,
          },
        ],
      },
    }),
  );
}

async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<Queue> {
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
  } catch (error) {
    if ((error as Error).name !== 'QueueNameExists') throw error;
    ({ QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue ${name}`);
  return { url, arn };
}
