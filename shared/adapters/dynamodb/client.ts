import type * as DocumentSdk from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.js';
import { traced } from '../../tracing.js';

type LibDynamodb = typeof DocumentSdk;
interface Loaded {
  client: DocumentSdk.DynamoDBDocumentClient;
  lib: LibDynamodb;
}

/**
 * The one DynamoDB client of this process, made with the first send (then reused across
 * Lambda invocations): the SDK's DynamoDB modules are loaded then, not with the function's
 * module init (docs/operations.md, Init).
 */
let loading: Promise<Loaded> | undefined;

function load(): Promise<Loaded> {
  loading ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]).then(
    ([{ DynamoDBClient }, lib]) => ({
      client: lib.DynamoDBDocumentClient.from(
        // The document client shares this client's middleware stack, and so its X-Ray capture.
        traced(
          new DynamoDBClient({
            ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
            maxAttempts: 5,
          }),
        ),
        { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } },
      ),
      lib,
    }),
  );
  return loading;
}

/** The process's document client itself, loading it if it is not yet (tests add middlewares to it). */
export async function documentClient(): Promise<DocumentSdk.DynamoDBDocumentClient> {
  return (await load()).client;
}

/**
 * A document command of lib-dynamodb, described now and made with the SDK's class of the
 * same name when sent: the adapters build commands as they would with the SDK's classes,
 * without loading the SDK to do it.
 */
abstract class DocumentCommand<Output> {
  constructor(readonly sendWith: (sdk: Loaded) => Promise<Output>) {}
}

export class GetCommand extends DocumentCommand<DocumentSdk.GetCommandOutput> {
  constructor(input: DocumentSdk.GetCommandInput) {
    super(({ client, lib }) => client.send(new lib.GetCommand(input)));
  }
}

export class PutCommand extends DocumentCommand<DocumentSdk.PutCommandOutput> {
  constructor(input: DocumentSdk.PutCommandInput) {
    super(({ client, lib }) => client.send(new lib.PutCommand(input)));
  }
}

export class UpdateCommand extends DocumentCommand<DocumentSdk.UpdateCommandOutput> {
  constructor(input: DocumentSdk.UpdateCommandInput) {
    super(({ client, lib }) => client.send(new lib.UpdateCommand(input)));
  }
}

export class DeleteCommand extends DocumentCommand<DocumentSdk.DeleteCommandOutput> {
  constructor(input: DocumentSdk.DeleteCommandInput) {
    super(({ client, lib }) => client.send(new lib.DeleteCommand(input)));
  }
}

export class QueryCommand extends DocumentCommand<DocumentSdk.QueryCommandOutput> {
  constructor(input: DocumentSdk.QueryCommandInput) {
    super(({ client, lib }) => client.send(new lib.QueryCommand(input)));
  }
}

export class BatchWriteCommand extends DocumentCommand<DocumentSdk.BatchWriteCommandOutput> {
  constructor(input: DocumentSdk.BatchWriteCommandInput) {
    super(({ client, lib }) => client.send(new lib.BatchWriteCommand(input)));
  }
}

/** Sends the commands above on the process's document client. */
export const dynamo = {
  async send<Output>(command: DocumentCommand<Output>): Promise<Output> {
    return command.sendWith(await load());
  },
};

export function tableName(): string {
  return config.tableName;
}

/** Every item of one partition whose sort key starts with `prefix`, all pages, in sort key order. */
export async function queryPrefix(
  pk: string,
  prefix: string,
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: startKey,
        ...(options.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
