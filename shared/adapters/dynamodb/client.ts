import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.js';
import { traced } from '../../tracing.js';

/** The one DynamoDB client of this process (module scope: reused across Lambda invocations). */
export const dynamo = DynamoDBDocumentClient.from(
  // The document client shares this client's middleware stack, and so its X-Ray capture.
  traced(
    new DynamoDBClient({
      ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
      maxAttempts: 5,
    }),
  ),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } },
);

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
