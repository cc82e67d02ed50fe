/**
 * The IAM statements each function gets, written out action by action rather than with
 * the `grant*` helpers: those grant wildcards (`s3:GetObject*`, `dynamodb:Scan`, every
 * item of the table) that these functions do not use.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IWebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { CONNECTIONS_TABLE_SCHEMA } from '../shared/adapters/dynamodb/connections-schema.js';
import { API_KEY_PARTITION_PREFIX, TABLE_SCHEMA } from '../shared/adapters/dynamodb/table-schema.js';

export type TableIndexName = keyof typeof TABLE_SCHEMA.indexes;

const ITEM_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const ITEM_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
/** Every action that reads or writes items (for the deny on API key items). */
const ITEM_ACTIONS = [
  ...ITEM_READ,
  ...ITEM_WRITE,
  'dynamodb:ConditionCheckItem',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

export interface JobDataAccess {
  read?: boolean;
  write?: boolean;
  /** Global secondary indexes the function queries. */
  indexes?: readonly TableIndexName[];
}

/**
 * Read and/or write on the job data of the table — every item except API keys. No Scan:
 * the engine never scans, and a Scan carries no partition key the condition below could
 * test.
 */
export function grantJobData(role: IRole, table: ITable, access: JobDataAccess): void {
  const actions = [...(access.read ? ITEM_READ : []), ...(access.write ? ITEM_WRITE : [])];
  role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
  const indexes = access.indexes ?? [];
  if (indexes.length > 0) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexes.map((name) => `${table.tableArn}/index/${TABLE_SCHEMA.indexes[name].indexName}`),
      }),
    );
  }
  // An explicit deny wins over any allow, including one a user of the construct adds later.
  // ForAnyValue: denied as soon as one key of a batch is an API key. On the indexes too: the
  // keys' byEnvironment entries (`KEY#ENV#…`) start the same way, and a Query of an index is
  // checked against the index's partition key.
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
  role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      actions: ITEM_ACTIONS,
      resources: [table.tableArn, `${table.tableArn}/index/*`],
      conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${API_KEY_PARTITION_PREFIX}*`] } },
    }),
  );
}

/** The authorizer's only access: GetItem on API key items. */
export function grantApiKeyLookup(role: IRole, table: ITable): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${API_KEY_PARTITION_PREFIX}*`] } },
    }),
  );
}

/**
 * The admin function's only table access: the API key items (`KEY#…`), read, created,
 * revoked, rotated and removed one by one, and listed through the byEnvironment index, whose
 * partition key for keys (`KEY#ENV#<environmentId>`) starts the same way. No Scan.
 */
export function grantApiKeyAdmin(role: IRole, table: ITable): void {
  const onKeyItems = {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${API_KEY_PARTITION_PREFIX}*`] },
  };
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: onKeyItems,
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${TABLE_SCHEMA.indexes.byEnvironment.indexName}`],
      conditions: onKeyItems,
    }),
  );
}

/**
 * GetSecretValue on one secret (the token secret, the key secret), and nothing else: the Parameters and Secrets extension
 * calls only that. The secret is encrypted with the AWS managed key, whose policy lets
 * Secrets Manager decrypt for any principal of the account, so no KMS grant is needed.
 */
export function grantSecretValue(role: IRole, secret: ISecret): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}

export interface ObjectAccess {
  read?: boolean;
  write?: boolean;
  delete?: boolean;
}

/**
 * Object access on the bucket. Presigned URLs act with the signer's permissions, so the api
 * function's PutObject/GetObject are also what uploads and downloads by URL use.
 */
export function grantObjects(role: IRole, bucket: IBucket, access: ObjectAccess): void {
  const objectActions = [
    // HeadObject is authorized as GetObject.
    ...(access.read ? ['s3:GetObject'] : []),
    // Multipart uploads (shared/adapters/s3/multipart.ts) are authorized as PutObject, except aborting one.
    ...(access.write ? ['s3:PutObject', 's3:AbortMultipartUpload'] : []),
    // DeleteObjects (batch) is authorized per key as DeleteObject.
    ...(access.delete ? ['s3:DeleteObject'] : []),
  ];
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: objectActions, resources: [bucket.arnForObjects('*')] }),
  );
  if (access.read) {
    // Without ListBucket a missing key answers 403 instead of 404 (NoSuchKey).
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }
}

/** PutEvents on the bus, only with the service's own `source`. */
export function grantPutJobEvents(role: IRole, bus: IEventBus, source: string): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': source } },
    }),
  );
}

/**
 * SendMessage on one queue, and nothing else: `grantSendMessages` adds GetQueueAttributes
 * and GetQueueUrl, which a sender given the queue URL never calls. With SSE-SQS no KMS
 * permission is needed; with `encryptionKey`, grants.ts adds the key (encryption.ts).
 */
export function grantSendMessage(role: IRole, queue: IQueue): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
}

export interface ConnectionAccess {
  /** PutItem: `$connect` keeps a connection. */
  put?: boolean;
  /** DeleteItem: `$disconnect`, and the fan-out for a connection gone or expired. */
  remove?: boolean;
  /** Query on the `byEnvironment` index: the fan-out's one query. */
  listByEnvironment?: boolean;
}

/** Item access on the connections table, action by action; never a Scan nor a read of one item. */
export function grantConnections(role: IRole, table: ITable, access: ConnectionAccess): void {
  const actions = [
    ...(access.put ? ['dynamodb:PutItem'] : []),
    ...(access.remove ? ['dynamodb:DeleteItem'] : []),
  ];
  if (actions.length > 0)
    role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
  if (access.listByEnvironment) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${CONNECTIONS_TABLE_SCHEMA.indexes.byEnvironment.indexName}`],
      }),
    );
  }
}

/**
 * `execute-api:ManageConnections` on one WebSocket stage's `@connections`, for the methods
 * named: POST sends a frame, DELETE closes a connection (GET, which reads one, is left out).
 * The connection ids are API Gateway's, known only at run time: hence `@connections/*`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-control-access-iam.html
 */
export function grantManageConnections(
  role: IRole,
  stage: IWebSocketStage,
  methods: readonly ('POST' | 'DELETE')[],
): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['execute-api:ManageConnections'],
      resources: methods.map((method) => manageConnectionsArn(stage, method)),
    }),
  );
}

/** `arn:…:execute-api:<region>:<account>:<api id>/<stage>/<method>/@connections/*`. */
export function manageConnectionsArn(stage: IWebSocketStage, method: 'POST' | 'DELETE'): string {
  return Stack.of(stage).formatArn({
    service: 'execute-api',
    resource: stage.api.apiId,
    resourceName: `${stage.stageName}/${method}/@connections/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
