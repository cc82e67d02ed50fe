import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalClients } from '../../infra/local/clients.js';
import { deleteExpiredItems } from '../../infra/local/ttl-reaper.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let clients: LocalClients;
let TABLE: string;

beforeAll(async () => {
  aws = await startEmulatedAws();
  clients = aws.clients;
  TABLE = aws.provisioned.tableName;
});
afterAll(() => aws?.stop());

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
