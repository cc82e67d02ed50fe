/**
 * Who may open a push socket, for the WebSocket API's `$connect` authorizer (and the rule the
 * local stack's `/ws` applies): a browser token of partwise's, not expired, whose grant may
 * read the live feed of events — the grant of `GET /events/stream` (shared/access/check.ts).
 * An API key is never taken: it would sit in a URL, and URLs end up in logs and histories.
 * Free of zod, as the HTTP authorizer is: it runs on every `$connect`.
 */
import { authorize } from '../access/authorize.js';
import { type AccessRequest, checkAccess } from '../access/check.js';
import { looksLikeToken } from '../access/token.js';
import type { Grant } from '../domain/access.js';
import { PartwiseError } from '../domain/errors.js';
import type { TokenSecret } from '../ports.js';

/** The request a push socket stands for: the live feed of events, as `GET /events/stream` is. */
export const LIVE_FEED_REQUEST: AccessRequest = { method: 'GET', route: '/events/stream', query: {} };

export type TokenGrant = Extract<Grant, { credential: 'token' }>;

export type Admission = { admitted: true; grant: TokenGrant } | { admitted: false; reason: string };

/**
 * Whether the `?token=` of a `$connect` opens a socket at `now`, and with what grant. A token
 * that is missing, not partwise's, or expired is refused with the reason (for the logs: a
 * browser is told nothing but that the handshake failed). Throws DependencyError when the
 * token secret cannot be read, which is no answer about the token.
 */
export async function admitPushToken(
  token: string | undefined,
  tokenSecret: TokenSecret,
  now: Date,
): Promise<Admission> {
  if (!token || !looksLikeToken(token)) {
    return { admitted: false, reason: 'no browser token in ?token= (an API key is never taken there)' };
  }
  const grant = await authorize(
    { kind: 'token', value: token },
    // A token never consults the key store: only the secret decides.
    { findKey: async () => undefined, tokenSecret },
  );
  if (grant?.credential !== 'token') return { admitted: false, reason: 'not a token partwise signed' };
  try {
    checkAccess(grant, LIVE_FEED_REQUEST, now);
  } catch (error) {
    if (error instanceof PartwiseError && error.expose) return { admitted: false, reason: error.message };
    throw error;
  }
  return { admitted: true, grant };
}
