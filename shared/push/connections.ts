/**
 * The WebSocket API's `$connect` and `$disconnect` (functions/push-connections.ts): a socket
 * the authorizer admitted is kept with its scope and its token's expiry (the connections
 * table's TTL), and forgotten when it closes.
 */
import { checkAccess } from '../access/check.js';
import { grantOfContext } from '../access/policy.js';
import { UnauthorizedError } from '../domain/errors.js';
import { type PushConnection, type PushScope, pushScopeOf } from '../domain/push.js';
import type { PushConnectionStore } from '../ports.js';
import { LIVE_FEED_REQUEST } from './admit.js';

/**
 * The scope of a socket the authorizer admitted, from the grant it passed on in its context:
 * checked again (a context that holds no token grant, or a token that expired between the
 * authorizer and the route, opens nothing). Throws UnauthorizedError or TokenExpiredError.
 */
export function pushScopeOfContext(context: unknown, now: Date): PushScope {
  const grant = grantOfContext(context);
  checkAccess(grant, LIVE_FEED_REQUEST, now);
  const scope = pushScopeOf(grant);
  if (!scope) throw new UnauthorizedError('A push socket is opened with a browser token, never an API key.');
  return scope;
}

/** Keeps the connection `connectionId` of the grant the authorizer put in `authorizerContext`. */
export async function openConnection(
  store: PushConnectionStore,
  connectionId: string,
  authorizerContext: unknown,
  now: Date,
): Promise<PushConnection> {
  const connection: PushConnection = {
    connectionId,
    connectedAt: now.toISOString(),
    ...pushScopeOfContext(authorizerContext, now),
  };
  await store.put(connection);
  return connection;
}

/** Forgets a connection that closed (API Gateway calls `$disconnect` on a best-effort basis; the TTL catches the rest). */
export async function closeConnection(store: PushConnectionStore, connectionId: string): Promise<void> {
  await store.remove(connectionId);
}
