import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalClients, localClients } from '../../infra/local/clients.js';
import { type Emulators, startEmulators } from '../../infra/local/emulators.js';
import { provision } from '../../infra/local/provision.js';
import { deleteExpiredItems } from '../../infra/local/ttl-reaper.js';

const TABLE = 'partwise';
let dataDir: string;
let emulators: Emulators;
let clients: LocalClients;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-ttl-'));
  emulators = await startEmulators(dataDir);
  clients = localClients(emulators);
  await provision(clients, {
    tableName: TABLE,
    bucketName: 'partwise',
    queueName: 'partwise-parts',
    deadLetterQueueName: 'partwise-parts-dlq',
  });
});

afterAll(async () => {
  clients.destroy();
  await emulators.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Time to Live on dynalite', () => {
  it('deletes the items whose expiresAt has passed and keeps the others', async () => {
    const now = Math.floor(Date.now() / 1000);
    const put = (sk: string, expiresAt?: number) =>
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            pk: { S: 'JOB#1' },
            sk: { S: sk },
            ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }),
          },
        }),
      );
    await put('EVENT#1', now - 60);
    await put('EVENT#2', now + 3600);
    await put('JOB');

    const deleted = await deleteExpiredItems(clients.dynamodb, TABLE);

    const { Items } = await clients.dynamodb.send(new ScanCommand({ TableName: TABLE }));
    expect(deleted).toBe(1);
    expect(Items?.map((item) => item.sk?.S).sort()).toEqual(['EVENT#2', 'JOB']);
  });
});
