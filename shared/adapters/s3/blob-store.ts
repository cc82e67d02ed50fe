import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../config.js';
import { ContentChangedError, DependencyError, NotFoundError } from '../../domain/errors.js';
import type { BlobStore } from '../../ports.js';
import { traced } from '../../tracing.js';
import { uploadInParts } from './multipart.js';

/**
 * The one S3 client of this process, made with the first request (then reused across Lambda
 * invocations): the S3 SDK loads then, not with the function's module init
 * (docs/operations.md, Init). Checksums only when required: the default (flexible checksums
 * on every request) makes s3rver store aws-chunked framing, and presigned URLs carrying
 * checksum parameters break plain `curl -T` uploads.
 */
let loading: Promise<{ s3: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;
function s3Sdk() {
  loading ??= import('@aws-sdk/client-s3').then((sdk) => ({
    sdk,
    s3: traced(
      new sdk.S3Client({
        ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 5,
      }),
    ),
  }));
  return loading;
}

/**
 * The presigner, loaded with the first presigned URL: only the api presigns, and only for
 * uploads and downloads; the other functions' init does not load it (docs/operations.md, Init).
 */
let presigning: Promise<typeof import('@aws-sdk/s3-request-presigner')> | undefined;
const presigner = () => {
  presigning ??= import('@aws-sdk/s3-request-presigner');
  return presigning;
};

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || statusOf(error) === 404;
}

/** A missing object: a 404 whose message names no key (keys are partwise's own; the cause keeps it for the logs). */
class ObjectNotFoundError extends NotFoundError {
  constructor(key: string, cause: unknown) {
    super('Object', key, { cause });
    this.message =
      'Content partwise stored for this request is missing; it may be being replaced or removed.';
  }
}

function fail(error: unknown, what: string, key: string): never {
  if (isNotFound(error)) throw new ObjectNotFoundError(key, error);
  throw new DependencyError(`S3 could not ${what} ${key}.`, { cause: error });
}

/**
 * `Content-Disposition` for a download (RFC 6266): the name as UTF-8, percent-encoded
 * (`filename*`, RFC 8187), and a plain ASCII fallback (`filename`) for older clients. A
 * header cannot hold CR, LF, NUL or, in Node and S3, text beyond Latin-1: both forms keep
 * to printable ASCII whatever the name holds.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = [...new TextEncoder().encode(name)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Parts of a multipart upload: 8 MiB, 2 in flight — three part buffers whatever the body size. */
const UPLOAD_PART_SIZE = 8 * 1024 * 1024;
/** The largest object one PUT may write. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

export function s3BlobStore(bucketName?: string): BlobStore {
  const bucketOf = () => bucketName ?? config.bucketName;
  return {
    async stat(key) {
      try {
        const { s3, sdk } = await s3Sdk();
        const head = await s3.send(new sdk.HeadObjectCommand({ Bucket: bucketOf(), Key: key }));
        return { size: head.ContentLength ?? 0, etag: head.ETag ?? '' };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        return fail(error, 'inspect', key);
      }
    },

    async read(key, range, options = {}) {
      if (range && range.endExclusive <= range.start) return Readable.from([]);
      try {
        const { s3, sdk } = await s3Sdk();
        const response = await s3.send(
          new sdk.GetObjectCommand({
            Bucket: bucketOf(),
            Key: key,
            // HTTP ranges are inclusive at both ends.
            ...(range ? { Range: `bytes=${range.start}-${range.endExclusive - 1}` } : {}),
            // S3 answers 412 when the object's ETag is another one: it was rewritten.
            ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
          }),
        );
        if (!(response.Body instanceof Readable)) throw new Error('S3 returned a body that is not a stream');
        return response.Body;
      } catch (error) {
        if (options.ifMatch && statusOf(error) === 412)
          throw new ContentChangedError(undefined, { cause: error });
        return fail(error, 'read', key);
      }
    },

    async write(key, body, contentType, contentLength) {
      try {
        const { s3, sdk } = await s3Sdk();
        if (typeof body === 'string' || body instanceof Uint8Array) {
          await s3.send(
            new sdk.PutObjectCommand({ Bucket: bucketOf(), Key: key, Body: body, ContentType: contentType }),
          );
          return;
        }
        if (contentLength !== undefined && contentLength <= MAX_PUT_BYTES) {
          // One PUT streams the body as it comes: no part is buffered (nor hashed: a stream
          // body is signed UNSIGNED-PAYLOAD; TLS protects it on the way).
          await s3.send(
            new sdk.PutObjectCommand({
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
          const { s3, sdk } = await s3Sdk();
          await s3.send(
            new sdk.DeleteObjectsCommand({
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
        const { s3, sdk } = await s3Sdk();
        do {
          const page = await s3.send(
            new sdk.ListObjectsV2Command({ Bucket: bucketOf(), Prefix: prefix, ContinuationToken: token }),
          );
          for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        fail(error, 'list', prefix);
      }
      return keys;
    },

    async presignPut(key, expiresInSeconds, options = {}) {
      // Both headers are signed: S3 refuses the PUT without them. `If-None-Match: *` makes
      // the URL create the object once and never overwrite it; a signed Content-Length takes
      // exactly that many bytes.
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
      const { s3, sdk } = await s3Sdk();
      const command = new sdk.PutObjectCommand({
        Bucket: bucketOf(),
        Key: key,
        IfNoneMatch: '*',
        ...(options.size !== undefined ? { ContentLength: options.size } : {}),
      });
      const { getSignedUrl } = await presigner();
      const url = await getSignedUrl(s3, command, { expiresIn: expiresInSeconds });
      return {
        url,
        headers: {
          'if-none-match': '*',
          ...(options.size !== undefined ? { 'content-length': String(options.size) } : {}),
        },
      };
    },

    async presignGet(key, expiresInSeconds, downloadName) {
      const { s3, sdk } = await s3Sdk();
      const command = new sdk.GetObjectCommand({
        Bucket: bucketOf(),
        Key: key,
        ...(downloadName ? { ResponseContentDisposition: attachmentDisposition(downloadName) } : {}),
      });
      const { getSignedUrl } = await presigner();
      return getSignedUrl(s3, command, { expiresIn: expiresInSeconds });
    },
  };
}
