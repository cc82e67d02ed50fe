/**
 * Checks the SigV4 signature of presigned requests (an `uploadUrl`, a download URL), which
 * s3rver 3.7 leaves unchecked (it checks only SigV2): a URL whose path, query or signed
 * headers were changed gets S3's 403 SignatureDoesNotMatch, as on AWS. Its expiry s3rver
 * checks itself (403 AccessDenied, "Request has expired").
 *
 * Requests signed in their Authorization header (the SDK clients of the handlers and the
 * stack) are left as they are: their payload hashes and chunked encodings would make this
 * an S3 reimplementation, and the local stack's own code signs them.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type S3rver from 's3rver';
import type { S3rverContext } from 's3rver';
import { refuse } from './s3rver-conditions.js';

/** RFC 3986 encoding, as SigV4 wants it: everything but `A-Za-z0-9-._~`. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** The pairs of a query string as sent, decoded (`+` is a plus: SigV4 clients encode spaces as `%20`). */
function queryPairs(querystring: string): [string, string][] {
  return querystring
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      const [name, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
}

/** The signature a presigned request should carry, from the secret of its access key. */
export function presignedSignature(
  request: { method: string; path: string; querystring: string; header(name: string): string | undefined },
  secret: string,
): string {
  const pairs = queryPairs(request.querystring);
  const param = (name: string) => pairs.find(([n]) => n === name)?.[1] ?? '';
  const canonicalQuery = pairs
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a = '', x = ''], [b = '', y = '']) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const signedHeaders = param('X-Amz-SignedHeaders');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${(request.header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payload = param('X-Amz-Content-Sha256') || 'UNSIGNED-PAYLOAD';
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payload,
  ].join('\n');
  // X-Amz-Credential: <key>/<yyyymmdd>/<region>/<service>/aws4_request
  const [, date = '', region = '', service = ''] = param('X-Amz-Credential').split('/');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    param('X-Amz-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return hmac(key, stringToSign).toString('hex');
}

/** Puts the check in front of s3rver's middleware; `secrets` maps access key ids to their secrets. */
export function checkPresignedSignatures(server: S3rver, secrets: Record<string, string>): void {
  server.middleware.unshift(async (ctx: S3rverContext, next) => {
    const given = ctx.query['X-Amz-Signature'];
    // A CORS preflight carries the URL's query but signs nothing: S3 answers it unsigned.
    if (typeof given !== 'string' || ctx.method === 'OPTIONS') return next();
    const accessKey = String(ctx.query['X-Amz-Credential'] ?? '').split('/')[0] ?? '';
    const secret = secrets[accessKey];
    if (secret === undefined) {
      return refuse(
        ctx,
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
    }
    const header = (name: string) => {
      const value = ctx.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const request = { method: ctx.method, path: ctx.path, querystring: ctx.querystring, header };
    const expected = Buffer.from(presignedSignature(request, secret));
    const provided = Buffer.from(given);
    if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
      return refuse(
        ctx,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    return next();
  });
}
