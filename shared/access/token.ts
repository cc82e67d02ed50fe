/**
 * Browser tokens (docs/auth.md): a JWT (RFC 7519) signed with HS256 under the service's
 * token secret. One secret signs and verifies, and only the api and authorizer functions
 * hold it, so an asymmetric pair would buy nothing here; HS256 keeps a token short enough
 * for a `?token=` query parameter.
 *
 *   header  { "alg": "HS256", "typ": "JWT" }
 *   payload { "iss": "partwise", "aud": "partwise", "sub": "<environment id>",
 *             "scope": "read" | "run" | "watch", "job"?: "<job id>",
 *             "iat": <s>, "exp": <s>, "jti": "<uuid>" }
 *
 * Verifying checks the signature and the claims' shape, not the time: the API refuses an
 * expired token itself, on every request (shared/access/policy.ts), so that an authorizer
 * answer API Gateway cached cannot outlive the token it was given for.
 */
import { randomUUID } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { type Grant, MAX_ENVIRONMENT_ID_LENGTH, TOKEN_SCOPES, type TokenScope } from '../domain/access.js';
import { isId } from '../domain/ids.js';

const ISSUER = 'partwise';
const AUDIENCE = 'partwise';
const ALGORITHM = 'HS256';
/** HS256 wants a key at least as long as its hash (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

/** The claims partwise signs, and the only ones it accepts. */
export interface TokenClaims {
  iss: typeof ISSUER;
  aud: typeof AUDIENCE;
  /** The environment. */
  sub: string;
  scope: TokenScope;
  /** The job of a watch token, and of a watch token only. */
  job?: string;
  iat: number;
  exp: number;
  jti: string;
}

const CLAIM_NAMES = new Set(['iss', 'aud', 'sub', 'scope', 'job', 'iat', 'exp', 'jti']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const isScope = (value: unknown): value is TokenScope => TOKEN_SCOPES.some((known) => known === value);
const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * `value` as claims partwise signs, or undefined: written out rather than a zod schema so
 * that the authorizer, which runs on every uncached request, stays a small bundle.
 */
function claimsOf(value: unknown): TokenClaims | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const c: Record<string, unknown> = { ...value };
  const { iss, aud, sub, scope, job, iat, exp, jti } = c;
  const valid =
    Object.keys(c).every((name) => CLAIM_NAMES.has(name)) &&
    iss === ISSUER &&
    aud === AUDIENCE &&
    typeof sub === 'string' &&
    sub.length >= 1 &&
    sub.length <= MAX_ENVIRONMENT_ID_LENGTH &&
    isScope(scope) &&
    (job === undefined || (typeof job === 'string' && isId('job', job))) &&
    // A watch token names its job, and only a watch token names one.
    (scope === 'watch') === (job !== undefined) &&
    isSeconds(iat) &&
    isSeconds(exp) &&
    exp > iat &&
    typeof jti === 'string' &&
    UUID.test(jti);
  if (!valid) return undefined;
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub,
    scope,
    ...(job === undefined ? {} : { job }),
    iat,
    exp,
    jti,
  };
}

/** What a token is minted for. */
export interface TokenRequest {
  environmentId: string;
  scope: TokenScope;
  jobId?: string;
  ttlSeconds: number;
}

export interface MintedToken {
  token: string;
  claims: TokenClaims;
}

function keyOf(secret: Uint8Array): Uint8Array {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new Error(`The token secret must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.length}.`);
  }
  return secret;
}

/** Signs a token for `request`, issued at `now` (an injectable clock: tests mint tokens of the past). */
export async function signToken(
  secret: Uint8Array,
  request: TokenRequest,
  now: Date = new Date(),
): Promise<MintedToken> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims = claimsOf({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: request.environmentId,
    scope: request.scope,
    ...(request.jobId === undefined ? {} : { job: request.jobId }),
    iat,
    exp: iat + request.ttlSeconds,
    jti: randomUUID(),
  });
  if (!claims) throw new Error(`A token cannot be minted for ${JSON.stringify(request)}.`);
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .sign(keyOf(secret));
  return { token, claims };
}

/** Three base64url segments: a compact JWS. API keys (`pw_…`) never hold a dot. */
export function looksLikeToken(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);
}

/**
 * The claims of a token partwise signed with `secret`, or undefined for anything else: a
 * bad signature, another algorithm (`none` included), claims of another shape. Expiry is
 * not checked here (see the top of this file).
 */
export async function verifyToken(secret: Uint8Array, token: string): Promise<TokenClaims | undefined> {
  const key = keyOf(secret);
  if (!looksLikeToken(token)) return undefined;
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: [ALGORITHM] }));
  } catch {
    return undefined;
  }
  try {
    return claimsOf(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    return undefined;
  }
}

/** What a verified token grants. */
export function grantOfClaims(claims: TokenClaims): Grant {
  return {
    credential: 'token',
    environmentId: claims.sub,
    scope: claims.scope,
    ...(claims.job === undefined ? {} : { jobId: claims.job }),
    expiresAt: claims.exp,
  };
}
