/** The local stack's own SDK clients (the handlers build theirs from the PARTWISE_* variables). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Emulators, LOCAL_CREDENTIALS, LOCAL_USER_AGENT } from './emulators.js';
import { LOCAL_REGION } from './lambda.js';

export interface LocalClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
  destroy(): void;
}

export function localClients(endpoints: Omit<Emulators, 'bus' | 'stop'>): LocalClients {
  const common = {
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    customUserAgent: LOCAL_USER_AGENT,
  };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodbEndpoint });
  const s3 = new S3Client({
    ...common,
    endpoint: endpoints.s3Endpoint,
    forcePathStyle: true,
    // s3rver would store the aws-chunked framing of a checksummed upload as content.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqsEndpoint });
  return {
    dynamodb,
    s3,
    sqs,
    destroy() {
      dynamodb.destroy();
      s3.destroy();
      sqs.destroy();
    },
  };
}
