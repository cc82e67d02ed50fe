import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentChangedError, NotFoundError } from '../../shared/domain/errors.js';
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

    expect((await blobs.stat('tests/large.bin'))?.size).toBe(content.length);
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

describe('content pinned by its ETag', () => {
  it('tells each version of an object by its ETag, and reads a range only of the version named', async () => {
    await blobs.write('tests/pinned.csv', 'a,b\n1,2\n');
    const first = await blobs.stat('tests/pinned.csv');
    expect(first).toEqual({ size: 8, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    const range = { start: 4, endExclusive: 7 };
    expect(
      (await bytesOf(await blobs.read('tests/pinned.csv', range, { ifMatch: first?.etag }))).toString(),
    ).toBe('1,2');

    await blobs.write('tests/pinned.csv', 'a,b\n3,4\n');

    expect((await blobs.stat('tests/pinned.csv'))?.etag).not.toBe(first?.etag);
    await expect(blobs.read('tests/pinned.csv', range, { ifMatch: first?.etag })).rejects.toThrow(
      new ContentChangedError('the file changed after the job was planned'),
    );
    await expect(blobs.read('tests/pinned.csv', undefined, { ifMatch: first?.etag })).rejects.toBeInstanceOf(
      ContentChangedError,
    );
    expect(await blobs.stat('tests/nothing-here')).toBeUndefined();
  });

  it('says a missing object is missing without naming its key', async () => {
    const read = blobs.read('tests/secret-key-name');
    await expect(read).rejects.toBeInstanceOf(NotFoundError);
    await read.catch((error: Error) => expect(error.message).not.toContain('secret-key-name'));
  });
});

describe('upload URLs', () => {
  it('create the object once, and only with the headers they signed', async () => {
    const upload = await blobs.presignPut('tests/upload-once.csv', 60, { size: 4 });
    expect(upload.headers).toEqual({ 'if-none-match': '*', 'content-length': '4' });
    const put = (headers: Record<string, string>, body = 'a\nb\n') =>
      fetch(upload.url, { method: 'PUT', headers, body }).then((response) => response.status);

    expect(await put({})).toBe(403);
    expect(await put({ 'if-none-match': '*' })).toBe(200);
    expect(await put({ 'if-none-match': '*' }, 'c\nd\n')).toBe(412);

    expect((await bytesOf(await blobs.read('tests/upload-once.csv'))).toString()).toBe('a\nb\n');
  });

  it('let a browser ask first (a CORS preflight sends none of the signed headers)', async () => {
    const upload = await blobs.presignPut('tests/from-a-browser.csv', 60);
    const preflight = await fetch(upload.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'if-none-match',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBeTruthy();
  });

  it('download under a name with CR, LF, NUL and non-Latin-1 characters', async () => {
    await blobs.write('tests/named.csv', 'x\n');
    const name = 'r\u00e9sum\u00e9\r\n\u0000日本 "q".csv';
    const response = await fetch(await blobs.presignGet('tests/named.csv', 60, name));
    expect(response.status).toBe(200);
    const disposition = String(response.headers.get('content-disposition'));
    expect(disposition).toBe(
      `attachment; filename="r_sum______ _q_.csv"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
  });
});
