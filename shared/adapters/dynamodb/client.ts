import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.js';

/** The one DynamoDB client of this process (module scope: reused across Lambda invocations). */
export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    maxAttempts: 5,
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } },
);

export function tableName(): string {
  return config.tableName;
}
