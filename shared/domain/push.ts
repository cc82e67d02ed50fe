/**
 * Push to browsers (docs/events.md, "Push to browsers"): a browser opens a WebSocket with a
 * browser token and receives every job event its token may read, one event a frame, until
 * the token expires. On AWS each such socket is an API Gateway connection kept in the
 * connections table; the local stack holds its sockets in memory. Which socket gets which
 * event is decided here, for both.
 */
import type { Grant } from './access.js';

/** The part of a job event that decides who receives it. */
export interface PushedEventScope {
  environmentId: string;
  jobId: string;
}

/** What a socket may receive: its token's environment, a watch token's one job, until its expiry. */
export interface PushScope {
  environmentId: string;
  /** A watch token's job: that job's events only. */
  jobId?: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

/** One browser connection to the WebSocket API (AWS), as the connections table keeps it. */
export interface PushConnection extends PushScope {
  /** API Gateway's id of the connection (what `@connections/{id}` takes). */
  connectionId: string;
  /** When the connection was opened (ISO time). */
  connectedAt: string;
}

/** The scope a token grant opens a socket for. An API key never opens one (it is never put in a URL). */
export function pushScopeOf(grant: Grant): PushScope | undefined {
  if (grant.credential !== 'token') return undefined;
  return {
    environmentId: grant.environmentId,
    ...(grant.jobId === undefined ? {} : { jobId: grant.jobId }),
    expiresAt: grant.expiresAt,
  };
}

/** Whether a socket of `scope` receives `event`: its environment's events, a watch socket only its job's. */
export function receives(scope: Omit<PushScope, 'expiresAt'>, event: PushedEventScope): boolean {
  return (
    event.environmentId === scope.environmentId && (scope.jobId === undefined || event.jobId === scope.jobId)
  );
}

/** Whether the socket's token has run out at `now` (RFC 7519 §4.1.4: at `exp` itself, it has). */
export function isPushExpired(scope: PushScope, now: Date): boolean {
  return now.getTime() >= scope.expiresAt * 1000;
}
