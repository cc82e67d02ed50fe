import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalClients } from '../../infra/local/clients.js';
import { relayOutbox, startRelayPoller } from '../../infra/local/relay-poller.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { waitFor } from '../helpers/wait.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let clients: LocalClients;
let TABLE: string;

beforeAll(async () => {
  aws = await startEmulatedAws();
  clients = aws.clients;
  TABLE = aws.provisioned.tableName;
});
afterAll(() => aws?.stop());

async function putJob(id: string, shard: string | undefined) {
  await clients.dynamodb.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        pk: { S: `JOB#${id}` },
        sk: { S: 'JOB' },
        status: { S: 'EXECUTING' },
        processed: { N: '3' },
        outbox: { L: [{ M: { id: { S: `evt_${id}` } } }] },
        ...(shard ? { outboxShard: { S: shard }, outboxAt: { S: new Date().toISOString() } } : {}),
      },
    }),
  );
}

/** Clears an item's outbox the way the relay does: it leaves the sparse index. */
async function clearOutbox(id: string) {
  await clients.dynamodb.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: { S: `JOB#${id}` }, sk: { S: 'JOB' } },
      UpdateExpression: 'REMOVE outbox, outboxShard, outboxAt',
    }),
  );
}

describe('the outbox relay poller (in place of DynamoDB Streams)', () => {
  it('hands the relay a NEW_IMAGE stream event for each item in the outbox index, from every shard', async () => {
    await putJob('a', '0');
    await putJob('b', '7');
    await putJob('quiet', undefined);
    const events: DynamoDBStreamEvent[] = [];

    const relayed = await relayOutbox({
      dynamodb: clients.dynamodb,
      tableName: TABLE,
      relay: { invoke: async (event) => void events.push(event as DynamoDBStreamEvent) },
    });

    expect(relayed).toBe(2);
    const records = events.flatMap((event) => event.Records);
    expect(records.map((record) => record.dynamodb?.Keys?.pk?.S).sort()).toEqual(['JOB#a', 'JOB#b']);
    expect(records[0]).toMatchObject({
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: { StreamViewType: 'NEW_IMAGE', Keys: { sk: { S: 'JOB' } } },
    });
    expect(records[0]?.dynamodb?.NewImage).toMatchObject({
      status: { S: 'EXECUTING' },
      processed: { N: '3' },
      outbox: { L: [{ M: { id: { S: expect.stringMatching(/^evt_/) } } }] },
    });
    const sequence = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    expect(sequence[1]).toBeGreaterThan(sequence[0] ?? 0n);
    await clearOutbox('a');
    await clearOutbox('b');
  });

  it('leaves an outbox younger than its grace to the relay after the commit, and takes it once older', async () => {
    await putJob('young', '3');
    const events: DynamoDBStreamEvent[] = [];
    const options = {
      dynamodb: clients.dynamodb,
      tableName: TABLE,
      relay: { invoke: async (event: unknown) => void events.push(event as DynamoDBStreamEvent) },
    };

    const young = await relayOutbox({ ...options, graceMs: 60_000 });
    const old = await relayOutbox({ ...options, graceMs: 0 });

    expect(young).toBe(0);
    expect(old).toBe(1);
    expect(events.flatMap((event) => event.Records).map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual([
      'JOB#young',
    ]);
    await clearOutbox('young');
  });

  it('keeps polling after a failed relay, and stops offering an item once its outbox is cleared', async () => {
    await putJob('c', '4');
    const offered: string[][] = [];
    const poller = startRelayPoller({
      dynamodb: clients.dynamodb,
      tableName: TABLE,
      intervalMs: 20,
      retryAfterMs: 20,
      relay: {
        invoke: async (event) => {
          const keys = (event as DynamoDBStreamEvent).Records.map((record) =>
            String(record.dynamodb?.Keys?.pk?.S),
          );
          offered.push(keys);
          if (offered.length === 1) throw new Error('EventBridge is down');
          for (const key of keys) await clearOutbox(key.slice('JOB#'.length));
        },
      },
    });

    // Act: c fails once and is offered again; once it is cleared, a new item d comes along.
    await waitFor(
      'the relay to be offered c again',
      () => offered.length,
      (calls) => calls >= 2,
    );
    await putJob('d', '4');
    await waitFor(
      'the relay to be offered d',
      () => offered.flat(),
      (keys) => keys.includes('JOB#d'),
    );
    await poller.stop();

    // Assess: the polls that found d did not find c again.
    expect(offered).toEqual([['JOB#c'], ['JOB#c'], ['JOB#d']]);
  });
});
