/**
 * What S3 checks of a request and s3rver 3.7 does not, so the local stack refuses what AWS
 * would refuse:
 *
 * - `If-Match` on a GET or HEAD (ranged or not): S3 answers 412 PreconditionFailed when the
 *   object's ETag is another one; s3rver ignores the header and serves the new content.
 * - `If-None-Match: *` on a PUT (a conditional write): S3 answers 412 when the object
 *   exists; s3rver overwrites it. (Checked, then written: two PUTs racing both pass here,
 *   where S3 lets one win.)
 * - A presigned request must send every header its URL signed (`X-Amz-SignedHeaders`);
 *   S3 answers 403 SignatureDoesNotMatch otherwise. Their values (a signed Content-Length,
 *   say) are checked with the signature (s3rver-signatures.ts).
 * - A single PUT takes at most 5 GiB (400 EntityTooLarge).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
import type S3rver from 's3rver';
import type { S3rverContext } from 's3rver';

const MAX_PUT_BYTES = 5 * 1024 ** 3;

export function refuse(ctx: S3rverContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body =
    ctx.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

const header = (ctx: S3rverContext, name: string): string | undefined => {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** An ETag as compared: without quotes or a weak marker. */
const bare = (etag: string) => etag.replace(/^W\//, '').replace(/"/g, '');

/** Plain object requests (no `?uploads`, `?partNumber`, `?tagging`…): the ones these checks are about. */
function objectOf(ctx: S3rverContext): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (!match?.[1] || !match[2]) return undefined;
  const subresource = Object.keys(ctx.query).some((name) => !/^(X-Amz-|x-id$|response-)/i.test(name));
  if (subresource) return undefined;
  try {
    return { bucket: match[1], key: decodeURIComponent(match[2]) };
  } catch {
    return undefined;
  }
}

/** Puts the checks in front of s3rver's own middleware; call before `run()`. */
export function enforceS3Conditions(server: S3rver): void {
  server.middleware.unshift(async (ctx, next) => {
    // A browser's CORS preflight sends none of the signed headers, and S3 answers it unsigned.
    if (ctx.method === 'OPTIONS') return next();
    const signed = ctx.query['X-Amz-SignedHeaders'];
    if (typeof signed === 'string') {
      const missing = signed.split(';').filter((name) => name && header(ctx, name) === undefined);
      if (missing.length > 0) {
        return refuse(
          ctx,
          403,
          'SignatureDoesNotMatch',
          `The request does not send the signed headers ${missing.join(', ')}.`,
        );
      }
    }
    const object = objectOf(ctx);
    if (!object) return next();
    const metadata = () => server.store.getMetadata(object.bucket, object.key).catch(() => undefined);
    if (ctx.method === 'PUT' && header(ctx, 'x-amz-copy-source') === undefined) {
      if (Number(header(ctx, 'content-length') ?? 0) > MAX_PUT_BYTES) {
        return refuse(ctx, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
      }
      if (header(ctx, 'if-none-match') === '*' && (await metadata())) {
        return refuse(
          ctx,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
    }
    const ifMatch = header(ctx, 'if-match');
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ifMatch !== undefined) {
      const stored = await metadata();
      if (stored && bare(String(stored.etag ?? '')) !== bare(ifMatch) && ifMatch !== '*') {
        return refuse(
          ctx,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
    }
    return next();
  });
}
