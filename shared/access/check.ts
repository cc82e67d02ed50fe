/**
 * What a grant may do, in one place (docs/auth.md). The api function checks every request of
 * a route against it before the route runs (shared/http/router.ts), and the local gateway
 * checks the routes it serves itself; no route checks a scope on its own.
 *
 * Enforced here rather than in the authorizer because API Gateway caches the authorizer's
 * answer per `Authorization` header, not per route: a read token allowed once for a GET
 * would be allowed for a POST from the cache. The expiry is checked here for the same
 * reason: the cache may hold an answer longer than the token lives.
 *
 * Without zod, so that an authorizer can check a grant and stay a small bundle; policy.ts
 * re-exports it beside the parsing of a grant from an authorizer's context.
 */
import { type Grant, isExpired } from '../domain/access.js';
import { InsufficientScopeError, KeyExpiredError, TokenExpiredError } from '../domain/errors.js';

/** A request as the policy sees it: the route it matched, and what names a job. */
export interface AccessRequest {
  method: string;
  /** The route's template: `/jobs/{id}/events`. */
  route: string;
  /** The route's `{id}`, decoded. */
  id?: string;
  query: Readonly<Record<string, string | undefined>>;
}

/**
 * The writes a `run` token may make besides reading: what a page needs to upload a file and
 * create and run jobs on it. Deleting, changing workbooks and plans, an outside executor's
 * reports and minting tokens take the API key.
 */
export const RUN_WRITES: readonly string[] = [
  'POST /files',
  'PUT /files/{id}/content',
  'POST /jobs',
  'POST /jobs/{id}/execute',
  'POST /jobs/{id}/cancel',
  'POST /jobs/{id}/retry',
];

/** The route that mints tokens: the API key's alone. */
export const MINT_ROUTE = 'POST /tokens';

/** Whether a `watch` token of `jobId` may make the request: GETs that name its job, or the event stream (filtered to it). */
function watches(jobId: string | undefined, request: AccessRequest): boolean {
  if (request.method !== 'GET' || jobId === undefined) return false;
  if (request.route === '/jobs/{id}' || request.route.startsWith('/jobs/{id}/')) return request.id === jobId;
  if (request.route === '/events') return request.query.jobId === jobId;
  return request.route === '/events/stream';
}

/**
 * Throws unless `grant` may make `request` at `now`: a TokenExpiredError (401) for a token
 * past its `exp`, a KeyExpiredError (401) for a key past its `expiresAt`, an
 * InsufficientScopeError (403) for a request its scope does not cover. An API key may do
 * everything in its environment.
 */
export function checkAccess(grant: Grant, request: AccessRequest, now: Date): void {
  if (grant.credential === 'api-key') {
    // The authorizer's answer may be cached past the key's expiry: checked here, on every request.
    if (grant.expiresAt !== undefined && isExpired(grant, now)) {
      throw new KeyExpiredError(
        `The API key ${grant.keyId ?? ''} expired at ${new Date(grant.expiresAt * 1000).toISOString()}: use the key that replaced it, or ask an administrator for a new one.`,
      );
    }
    return;
  }
  if (isExpired(grant, now)) {
    throw new TokenExpiredError(
      `The token expired at ${new Date(grant.expiresAt * 1000).toISOString()}; mint a new one (POST /tokens, with the API key).`,
    );
  }
  const route = `${request.method} ${request.route}`;
  if (route === MINT_ROUTE) {
    throw new InsufficientScopeError(
      'A token cannot mint tokens: call POST /tokens from your server, with the API key.',
    );
  }
  switch (grant.scope) {
    case 'read':
      if (request.method === 'GET') return;
      throw new InsufficientScopeError(
        `This token is read-only (scope read): ${route} needs a token of scope run, or the API key.`,
      );
    case 'run':
      if (request.method === 'GET' || RUN_WRITES.includes(route)) return;
      throw new InsufficientScopeError(
        `A token of scope run may read, upload files and create, execute, cancel and retry jobs; ${route} needs the API key.`,
      );
    case 'watch':
      if (watches(grant.jobId, request)) return;
      throw new InsufficientScopeError(
        `This token watches job ${grant.jobId} only: GET /jobs/${grant.jobId} and what lies below it, and GET /events?jobId=${grant.jobId}.`,
      );
  }
}
