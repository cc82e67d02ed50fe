import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { uploadInParts } from '../../../shared/adapters/s3/multipart.js';

/** An S3 client that records what it was sent; `failPart` makes that part's upload fail. */
function fakeS3(failPart?: number) {
  const calls: { command: string; input: Record<string, any>; bytes?: Buffer }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, any> }) {
      const name = command.constructor.name;
      const body = command.input.Body as Buffer | undefined;
      // Copy now: the uploader may reuse the buffer once the part is done.
      calls.push({ command: name, input: command.input, ...(body ? { bytes: Buffer.from(body) } : {}) });
      if (name === 'CreateMultipartUploadCommand') return { UploadId: 'u1' };
      if (name !== 'UploadPartCommand') return {};
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      if (command.input.PartNumber === failPart) throw new Error(`part ${failPart} failed`);
      return { ETag: `"e${command.input.PartNumber}"` };
    },
  };
  return { client: client as unknown as S3Client, calls, maxInFlight: () => maxInFlight };
}

async function* chunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const target = { Bucket: 'b', Key: 'k', ContentType: 'text/csv' };
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

describe('uploadInParts', () => {
  it('sends parts of the part size in order, at most inFlight at once, and completes with every ETag', async () => {
    const s3 = fakeS3();
    await uploadInParts(s3.client, target, chunks(bytes, 37), { partSize: 100, inFlight: 2 });
    const parts = s3.calls.filter((call) => call.command === 'UploadPartCommand');
    expect(parts.map((part) => part.input.PartNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Buffer.concat(parts.map((part) => part.bytes as Buffer)).equals(bytes)).toBe(true);
    expect(s3.maxInFlight()).toBe(2);
    const complete = s3.calls.at(-1);
    expect(complete?.command).toBe('CompleteMultipartUploadCommand');
    expect(complete?.input.MultipartUpload.Parts).toEqual(
      parts.map((part) => ({ PartNumber: part.input.PartNumber, ETag: `"e${part.input.PartNumber}"` })),
    );
  });

  it('sends a short last part, and a body shorter than a part (or empty) as one PUT', async () => {
    const s3 = fakeS3();
    await uploadInParts(s3.client, target, chunks(bytes, 64), { partSize: 300, inFlight: 2 });
    const sizes = s3.calls.filter((c) => c.command === 'UploadPartCommand').map((c) => c.bytes?.length);
    expect(sizes).toEqual([300, 300, 300, 100]);

    for (const body of [bytes.subarray(0, 99), Buffer.alloc(0)]) {
      const small = fakeS3();
      await uploadInParts(small.client, target, chunks(body, 10), { partSize: 100, inFlight: 2 });
      expect(small.calls.map((c) => c.command)).toEqual(['PutObjectCommand']);
      expect(small.calls[0]?.bytes?.equals(body)).toBe(true);
      expect(small.calls[0]?.input.ContentType).toBe('text/csv');
    }
  });

  it('aborts the upload and throws when a part fails', async () => {
    const s3 = fakeS3(3);
    await expect(
      uploadInParts(s3.client, target, chunks(bytes, 50), { partSize: 100, inFlight: 2 }),
    ).rejects.toThrow('part 3 failed');
    const commands = s3.calls.map((call) => call.command);
    expect(commands.at(-1)).toBe('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
  });

  it('aborts the upload and throws when the body fails', async () => {
    const s3 = fakeS3();
    async function* failing() {
      yield bytes.subarray(0, 250);
      throw new Error('source broke');
    }
    await expect(uploadInParts(s3.client, target, failing(), { partSize: 100, inFlight: 2 })).rejects.toThrow(
      'source broke',
    );
    expect(s3.calls.map((call) => call.command).at(-1)).toBe('AbortMultipartUploadCommand');
  });
});
