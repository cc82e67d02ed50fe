/**
 * One thread of the request floor (request-floor.ts): its share of the parts, one after the
 * other as a processor instance takes them, each part the requests the measured job made per
 * part, sent through partwise's own adapters and clients, with no handler code between them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  BatchWriteCommand,
  dynamo,
  GetCommand,
  PutCommand,
  QueryCommand,
  tableName,
  UpdateCommand,
} from '../shared/adapters/dynamodb/client.js';
import { s3BlobStore } from '../shared/adapters/s3/blob-store.js';
import { sqsSdk } from '../shared/adapters/sqs/client.js';
import { sqsPartQueue } from '../shared/adapters/sqs/part-queue.js';
import { FLOOR_INPUTS, FLOOR_JOB_KEY, type FloorWork, requestsOfPart } from './request-floor.js';

const work = workerData as FloorWork;
const blobs = s3BlobStore();
const queue = sqsPartQueue(work.queueUrl);
const body = Buffer.alloc(work.partBytes, 'a');
/** Receipts of messages received and not yet deleted. */
let receipts: string[] = [];

async function send(request: string, part: number): Promise<void> {
  switch (request) {
    case 's3:GET': {
      for await (const _ of await blobs.read(`floor/in/${part % FLOOR_INPUTS}`));
      return;
    }
    case 's3:PUT':
      return blobs.write(`floor/out/${part}`, body, 'text/csv', body.length);
    case 's3:POST':
      return blobs.remove([`floor/none/${part}`]);
    case 's3:HEAD':
      await blobs.stat(`floor/in/${part % FLOOR_INPUTS}`);
      return;
    case 'dynamodb:GetItem':
      await dynamo.send(new GetCommand({ TableName: tableName(), Key: FLOOR_JOB_KEY }));
      return;
    case 'dynamodb:PutItem':
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            pk: 'FLOOR#SHEET',
            sk: `SEG#${part}`,
            key: `floor/out/${part}`,
            bytes: body.length,
            rows: 9,
          },
        }),
      );
      return;
    case 'dynamodb:UpdateItem':
      // The job's item takes every part's count: one hot item, as there.
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: FLOOR_JOB_KEY,
          UpdateExpression: 'ADD #counted :one',
          ExpressionAttributeNames: { '#counted': 'counted' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      return;
    case 'dynamodb:Query':
    case 'local:dynamodb:Query':
      await dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': FLOOR_JOB_KEY.pk },
          Limit: 10,
        }),
      );
      return;
    case 'dynamodb:BatchWriteItem':
      await dynamo.send(
        new BatchWriteCommand({
          RequestItems: { [tableName()]: [{ PutRequest: { Item: { pk: 'FLOOR#BATCH', sk: `${part}` } } }] },
        }),
      );
      return;
    case 'sqs:SendMessageBatch':
      return queue.send(
        Array.from({ length: 10 }, (_, index) => ({ jobId: 'floor', part: part * 10 + index })),
      );
    case 'local:sqs:ReceiveMessage': {
      const { sqs, sdk } = await sqsSdk();
      const { Messages } = await sqs.send(
        new sdk.ReceiveMessageCommand({
          QueueUrl: work.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      receipts.push(...(Messages ?? []).flatMap((message) => message.ReceiptHandle ?? []));
      return;
    }
    case 'local:sqs:DeleteMessageBatch': {
      const taken = receipts.slice(0, 10);
      receipts = receipts.slice(10);
      if (taken.length === 0) return;
      const { sqs, sdk } = await sqsSdk();
      await sqs.send(
        new sdk.DeleteMessageBatchCommand({
          QueueUrl: work.queueUrl,
          Entries: taken.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle })),
        }),
      );
      return;
    }
    default:
      throw new Error(`the floor has no request for ${request}`);
  }
}

const port = parentPort;
if (!port) throw new Error('request-floor-worker.ts runs in a worker thread');
port.once('message', async () => {
  let requests = 0;
  for (const part of work.parts) {
    for (const request of requestsOfPart(work.perPart, part)) {
      await send(request, part);
      requests++;
    }
  }
  port.postMessage({ requests });
});
// Warmed up, untimed: each client made and its SDK loaded, as in a warm Lambda instance.
for (const request of Object.keys(work.perPart)) await send(request, 0);
receipts = [];
port.postMessage('ready');
