import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let blobs: BlobStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  const { s3BlobStore } = await import('../../shared/adapters/s3/blob-store.js');
  blobs = s3BlobStore();
});
afterAll(() => aws?.stop());

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest();

describe('the S3 blob store on the local S3', () => {
  it('streams a body larger than one upload part into one object, byte for byte, with the multipart ETag', async () => {
    // Three parts: two of 8 MiB and the rest. The stream arrives in odd-sized chunks.
    const content = randomBytes(8 * 2 ** 20 * 2 + 12_345);
    const chunks = Array.from({ length: Math.ceil(content.length / 999_983) }, (_, i) =>
      content.subarray(i * 999_983, (i + 1) * 999_983),
    );
    await blobs.write('tests/large.bin', Readable.from(chunks), 'application/octet-stream');

    expect(await blobs.size('tests/large.bin')).toBe(content.length);
    expect((await bytesOf(await blobs.read('tests/large.bin'))).equals(content)).toBe(true);
    const range = await bytesOf(
      await blobs.read('tests/large.bin', { start: 8 * 2 ** 20 - 5, endExclusive: 8 * 2 ** 20 + 5 }),
    );
    expect(range.equals(content.subarray(8 * 2 ** 20 - 5, 8 * 2 ** 20 + 5))).toBe(true);
    // As S3 does: the MD5 of the parts' MD5s, then the number of parts.
    const part = 8 * 2 ** 20;
    const digests = [0, 1, 2].map((i) => md5(content.subarray(i * part, (i + 1) * part)));
    const head = await aws.clients.s3.send(
      new HeadObjectCommand({ Bucket: aws.provisioned.bucketName, Key: 'tests/large.bin' }),
    );
    expect(head.ETag).toBe(`"${md5(Buffer.concat(digests)).toString('hex')}-3"`);
  });

  it('streams a body of known length in one PUT, byte for byte', async () => {
    const content = randomBytes(9 * 2 ** 20 + 7);
    const chunks = [content.subarray(0, 3), content.subarray(3, 2 ** 20), content.subarray(2 ** 20)];
    await blobs.write('tests/known.bin', Readable.from(chunks), 'text/csv', content.length);

    expect((await bytesOf(await blobs.read('tests/known.bin'))).equals(content)).toBe(true);
    const head = await aws.clients.s3.send(
      new HeadObjectCommand({ Bucket: aws.provisioned.bucketName, Key: 'tests/known.bin' }),
    );
    // One PUT: the ETag is the MD5 of the whole body, with no part count.
    expect(head.ETag).toBe(`"${md5(content).toString('hex')}"`);
    expect(head.ContentType).toBe('text/csv');
  });

  it('replaces an object whole when it is written again', async () => {
    await blobs.write('tests/again.txt', Readable.from([Buffer.from('first version, longer')]));
    await blobs.write('tests/again.txt', Readable.from([Buffer.from('second')]));
    expect((await bytesOf(await blobs.read('tests/again.txt'))).toString()).toBe('second');
  });
});
