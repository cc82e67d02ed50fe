import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients } from '../../infra/local/clients.js';
import { S3_PORT_FILE, startEmulators } from '../../infra/local/emulators.js';
import type { Logger } from '../../infra/local/logger.js';
import { provision } from '../../infra/local/provision.js';
import { attachmentDisposition } from '../../shared/adapters/s3/blob-store.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-emulators-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const resources = {
  tableName: 'partwise',
  bucketName: 'partwise',
  queueName: 'partwise-parts',
  deadLetterQueueName: 'partwise-parts-dlq',
  eventDeadLetterQueueName: 'partwise-event-dlq',
};

async function startProvisioned() {
  const emulators = await startEmulators(dataDir);
  const clients = localClients(emulators);
  const provisioned = await provision(clients, resources);
  return {
    emulators,
    clients,
    provisioned,
    async stop() {
      clients.destroy();
      await emulators.stop();
    },
  };
}

describe('the emulated AWS services', () => {
  it('keep table items and objects on disk across a restart, and provisioning again changes nothing', async () => {
    // Prepare
    const first = await startProvisioned();
    await first.clients.dynamodb.send(
      new PutItemCommand({
        TableName: resources.tableName,
        Item: {
          pk: { S: 'JOB#1' },
          sk: { S: 'JOB' },
          activeShard: { S: '3' },
          activeAt: { S: '2026-01-01' },
        },
      }),
    );
    await first.clients.s3.send(
      new PutObjectCommand({ Bucket: resources.bucketName, Key: 'uploads/a.csv', Body: 'a,b\n1,2\n' }),
    );
    await first.stop();

    // Act
    const second = await startProvisioned();
    try {
      const { Item } = await second.clients.dynamodb.send(
        new GetItemCommand({ TableName: resources.tableName, Key: { pk: { S: 'JOB#1' }, sk: { S: 'JOB' } } }),
      );
      const active = await second.clients.dynamodb.send(
        new QueryCommand({
          TableName: resources.tableName,
          IndexName: 'active',
          KeyConditionExpression: 'activeShard = :shard',
          ExpressionAttributeValues: { ':shard': { S: '3' } },
        }),
      );
      const object = await second.clients.s3.send(
        new GetObjectCommand({ Bucket: resources.bucketName, Key: 'uploads/a.csv' }),
      );
      const cors = await second.clients.s3.send(new GetBucketCorsCommand({ Bucket: resources.bucketName }));

      // Assess
      expect(Item?.activeAt).toEqual({ S: '2026-01-01' });
      expect(active.Items?.map((item) => item.pk?.S)).toEqual(['JOB#1']);
      expect(await object.Body?.transformToString()).toBe('a,b\n1,2\n');
      expect(cors.CORSRules?.[0]).toMatchObject({
        AllowedOrigins: ['*'],
        AllowedMethods: expect.arrayContaining(['PUT']),
      });
      expect(second.provisioned.partsQueue.arn).toMatch(/:partwise-parts$/);
      expect(second.provisioned.deadLetterQueue.arn).toMatch(/:partwise-parts-dlq$/);
      expect(second.provisioned.eventDeadLetterQueue.arn).toMatch(/:partwise-event-dlq$/);
    } finally {
      await second.stop();
    }
  });

  it('make an S3 PUT atomic: a GET never sees a partial object, and concurrent PUTs to one key leave one whole', async () => {
    const aws = await startProvisioned();
    try {
      const chunk = 64 * 1024;
      // Bodies that trickle in, so two PUTs to one key overlap for their whole length.
      const trickle = (fill: number, chunks: number) =>
        Readable.from(
          (async function* () {
            for (let index = 0; index < chunks; index++) {
              await new Promise((resolve) => setTimeout(resolve, 5));
              yield Buffer.alloc(chunk, fill);
            }
          })(),
        );
      const put = (fill: number, chunks: number) =>
        aws.clients.s3.send(
          new PutObjectCommand({
            Bucket: resources.bucketName,
            Key: 'parts/out',
            Body: trickle(fill, chunks),
            ContentLength: chunk * chunks,
          }),
        );
      const get = async () => {
        const object = await aws.clients.s3.send(
          new GetObjectCommand({ Bucket: resources.bucketName, Key: 'parts/out' }),
        );
        return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      };

      await put(0x41, 20);
      const during = put(0x42, 20);
      await new Promise((resolve) => setTimeout(resolve, 40));
      const midway = await get();
      await Promise.all([during, put(0x43, 16)]);
      const last = await get();

      expect(midway.equals(Buffer.alloc(chunk * 20, 0x41))).toBe(true);
      const whole = [Buffer.alloc(chunk * 20, 0x42), Buffer.alloc(chunk * 16, 0x43)];
      expect(whole.some((body) => body.equals(last))).toBe(true);
    } finally {
      await aws.stop();
    }
  });

  it("answer from a bucket's configuration as it is now: kept in memory, it is forgotten when it or the bucket changes", async () => {
    const aws = await startProvisioned();
    const { s3 } = aws.clients;
    const Bucket = 'partwise-configured';
    const cors = (origin: string) =>
      new PutBucketCorsCommand({
        Bucket,
        CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: [origin] }] },
      });
    const origins = async () =>
      (await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules?.flatMap((rule) => rule.AllowedOrigins);
    try {
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(cors('https://a.example'));
      expect(await origins()).toEqual(['https://a.example']);
      await s3.send(cors('https://b.example'));
      expect(await origins()).toEqual(['https://b.example']);
      await s3.send(new DeleteBucketCorsCommand({ Bucket }));
      await expect(origins()).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });

      await s3.send(new DeleteBucketCommand({ Bucket }));
      await expect(s3.send(new HeadBucketCommand({ Bucket }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
      await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }))).rejects.toMatchObject({
        name: 'NoSuchBucket',
      });
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
      await expect(origins()).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });
    } finally {
      await aws.stop();
    }
  });

  it('count the requests they serve and the time they take to answer them, by service and operation', async () => {
    // Prepare
    const emulated = await startProvisioned();
    try {
      const counted = emulated.emulators.requestCounts();
      const spent = emulated.emulators.requestMilliseconds();

      // Act: a long poll of an empty queue, answered when its second of waiting is over.
      await emulated.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: emulated.provisioned.partsQueue.url, WaitTimeSeconds: 1 }),
      );

      // Assess: one more of it, and its wait in the time (the stack's own clients are `local:`).
      const key = 'local:sqs:ReceiveMessage';
      expect(emulated.emulators.requestCounts()[key]).toBe((counted[key] ?? 0) + 1);
      const waited = (emulated.emulators.requestMilliseconds()[key] ?? 0) - (spent[key] ?? 0);
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(Object.keys(emulated.emulators.requestMilliseconds()).sort()).toEqual(
        Object.keys(emulated.emulators.requestCounts()).sort(),
      );
    } finally {
      await emulated.stop();
    }
  });

  it("keep S3's port across a restart, and move it with a warning when something else took it", async () => {
    // Prepare: a first run picks a port and keeps it in the data directory.
    const dir = await mkdtemp(join(tmpdir(), 'partwise-s3-port-'));
    const warnings: string[] = [];
    const log: Logger = { info() {}, warn: (message) => warnings.push(message), error() {} };
    const first = await startEmulators(dir, log);
    const port = Number(new URL(first.s3Endpoint).port);
    await first.stop();
    expect(Number(await readFile(join(dir, S3_PORT_FILE), 'utf8'))).toBe(port);

    // Act + Assess: the same port again.
    const second = await startEmulators(dir, log);
    expect(second.s3Endpoint).toBe(`http://127.0.0.1:${port}`);
    await second.stop();
    expect(warnings).toEqual([]);

    // Act: another program listens on the port meanwhile.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const third = await startEmulators(dir, log);
      const moved = Number(new URL(third.s3Endpoint).port);
      await third.stop();

      // Assess: another port, said, and kept for the next run.
      expect(moved).not.toBe(port);
      expect(warnings).toEqual([expect.stringContaining(`port ${port} is taken`)]);
      expect(Number(await readFile(join(dir, S3_PORT_FILE), 'utf8'))).toBe(moved);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('check the signature of presigned URLs, as S3 does: a URL changed in any signed part is refused', async () => {
    // Prepare: a URL to create an object of 8 bytes once, as POST /files signs it.
    const emulated = await startProvisioned();
    const s3 = emulated.clients.s3;
    try {
      const put = (Key: string, size: number) =>
        getSignedUrl(
          s3,
          new PutObjectCommand({ Bucket: resources.bucketName, Key, IfNoneMatch: '*', ContentLength: size }),
          {
            expiresIn: 60,
          },
        );
      const url = await put('env/env_a/uploads/file 1+é', 8);
      const headers = { 'if-none-match': '*', 'content-length': '8' };
      const send = (target: string, extra: Record<string, string> = {}) =>
        fetch(target, { method: 'PUT', headers: { ...headers, ...extra }, body: 'a,b\n1,2\n' });

      // Act + Assess: another key, a longer expiry, another signed header value: refused.
      const otherKey = url.replace('env_a', 'env_b');
      expect((await send(otherKey)).status).toBe(403);
      const longer = url.replace('X-Amz-Expires=60', 'X-Amz-Expires=600');
      const refused = await send(longer);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('SignatureDoesNotMatch');
      expect((await send(url, { 'if-none-match': 'x' })).status).toBe(403);
      // A body of another length than the signed one: its Content-Length is not the signed one.
      const longer10 = await fetch(url, {
        method: 'PUT',
        headers: { 'if-none-match': '*' },
        body: '0123456789',
      });
      expect(longer10.status).toBe(403);
      // The URL as signed: taken.
      expect((await send(url)).status).toBe(200);

      // A download URL with a content disposition of every kind of character.
      const get = await getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: resources.bucketName,
          Key: 'env/env_a/uploads/file 1+é',
          ResponseContentDisposition: attachmentDisposition("Q1 'report' (final) *€ 100%.csv"),
        }),
        { expiresIn: 60 },
      );
      const download = await fetch(get);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe('a,b\n1,2\n');
      expect(
        (
          await fetch(
            get.replace(
              'response-content-disposition=',
              'response-content-type=text%2Fhtml&response-content-disposition=',
            ),
          )
        ).status,
      ).toBe(403);
    } finally {
      await emulated.stop();
    }
  });
});
