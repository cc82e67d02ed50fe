import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../../config.js';
import { DependencyError, NotFoundError } from '../../domain/errors.js';
import type { BlobStore } from '../../ports.js';
import { uploadInParts } from './multipart.js';

/**
 * The one S3 client of this process. Checksums only when required: the default
 * (flexible checksums on every request) makes s3rver store aws-chunked framing, and
 * presigned URLs carrying checksum parameters break plain `curl -T` uploads.
 */
const s3 = new S3Client({
  ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  maxAttempts: 5,
});

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || status === 404;
}

function fail(error: unknown, what: string, key: string): never {
  if (isNotFound(error)) throw new NotFoundError('Object', key, { cause: error });
  throw new DependencyError(`S3 could not ${what} ${key}.`, { cause: error });
}

/** Parts of a multipart upload: 8 MiB, 2 in flight — three part buffers whatever the body size. */
const UPLOAD_PART_SIZE = 8 * 1024 * 1024;
/** The largest object one PUT may write. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

export function s3BlobStore(bucketName?: string): BlobStore {
  const bucketOf = () => bucketName ?? config.bucketName;
  return {
    async size(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucketOf(), Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        return fail(error, 'inspect', key);
      }
    },

    async read(key, range) {
      if (range && range.endExclusive <= range.start) return Readable.from([]);
      try {
        const response = await s3.send(
          new GetObjectCommand({
            Bucket: bucketOf(),
            Key: key,
            // HTTP ranges are inclusive at both ends.
            ...(range ? { Range: `bytes=${range.start}-${range.endExclusive - 1}` } : {}),
          }),
        );
        if (!(response.Body instanceof Readable)) throw new Error('S3 returned a body that is not a stream');
        return response.Body;
      } catch (error) {
        return fail(error, 'read', key);
      }
    },

    async write(key, body, contentType, contentLength) {
      try {
        if (typeof body === 'string' || body instanceof Uint8Array) {
          await s3.send(
            new PutObjectCommand({ Bucket: bucketOf(), Key: key, Body: body, ContentType: contentType }),
          );
          return;
        }
        if (contentLength !== undefined && contentLength <= MAX_PUT_BYTES) {
          // One PUT streams the body as it comes: no part is buffered (nor hashed: a stream
          // body is signed UNSIGNED-PAYLOAD; TLS protects it on the way).
          await s3.send(
            new PutObjectCommand({
              Bucket: bucketOf(),
              Key: key,
              Body: body,
              ContentType: contentType,
              ContentLength: contentLength,
            }),
          );
          return;
        }
        await uploadInParts(s3, { Bucket: bucketOf(), Key: key, ContentType: contentType }, body, {
          partSize: UPLOAD_PART_SIZE,
          inFlight: 2,
        });
      } catch (error) {
        return fail(error, 'write', key);
      }
    },

    async remove(keys) {
      // DeleteObjects takes at most 1,000 keys per request.
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        try {
          await s3.send(
            new DeleteObjectsCommand({
              Bucket: bucketOf(),
              Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
            }),
          );
        } catch (error) {
          fail(error, 'delete', chunk[0] ?? '');
        }
      }
    },

    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await s3.send(
            new ListObjectsV2Command({ Bucket: bucketOf(), Prefix: prefix, ContinuationToken: token }),
          );
          for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        fail(error, 'list', prefix);
      }
      return keys;
    },

    async presignPut(key, expiresInSeconds, contentType) {
      const command = new PutObjectCommand({ Bucket: bucketOf(), Key: key, ContentType: contentType });
      return getSignedUrl(s3, command, { expiresIn: expiresInSeconds });
    },

    async presignGet(key, expiresInSeconds, downloadName) {
      const command = new GetObjectCommand({
        Bucket: bucketOf(),
        Key: key,
        ...(downloadName
          ? { ResponseContentDisposition: `attachment; filename="${downloadName.replace(/["\\]/g, '_')}"` }
          : {}),
      });
      return getSignedUrl(s3, command, { expiresIn: expiresInSeconds });
    },
  };
}
