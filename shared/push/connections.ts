/**
 * The WebSocket API's `$connect` and `$disconnect` (functions/push-connections.ts): a socket
 * the authorizer admitted is kept with its scope and its token's expiry (the connections
 * table's TTL), and forgotten when it closes.
 */
import type { PushConnection } from '../domain/push.js';
import type { PushConnectionStore } from '../ports.js';
import { pushScopeOfContext } from './admit.js';

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
