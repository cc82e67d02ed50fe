/**
 * The page's push channel on the local stack: a WebSocket at `/ws?token=<browser token>`,
 * speaking what the deployed stack's API Gateway WebSocket API speaks, so the page has one
 * code path — every text frame is one job event (the EventBridge detail), for the token's
 * environment (a watch token: its job only); nothing is read from the client. The socket
 * closes when the token expires (code 4001); the page reconnects with a new one. Only a
 * browser token opens it: an API key is never put in a URL.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { receives } from '../../shared/domain/push.js';
import type { BusEvent, LocalEventBus } from './event-bus.js';
import type { StreamScope } from './event-stream.js';

export const PUSH_PATH = '/ws';
/** The close code when the token expired: reconnect with a new token. */
export const TOKEN_EXPIRED_CLOSE = 4001;
const PING_MS = 30_000;

export interface PushSocketServer {
  /** Upgrades an authorized request to the socket of `scope`. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, scope: StreamScope): void;
  /** Closes every socket (the stack stops). */
  close(): void;
}

export function pushSocketServer(bus: LocalEventBus): PushSocketServer {
  const server = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  return {
    accept(req, socket, head, scope) {
      server.handleUpgrade(req, socket, head, (ws) => {
        // The deployed fan-out's rule (shared/domain/push.ts), so that both push the same events.
        const mine = (event: BusEvent) => receives(scope, pushedScopeOf(event));
        const onEvent = (event: BusEvent) => {
          if (mine(event)) ws.send(JSON.stringify(event.detail));
        };
        bus.on('event', onEvent);
        const ping = setInterval(() => ws.ping(), PING_MS);
        const expiry =
          scope.until === undefined
            ? undefined
            : setTimeout(
                () => ws.close(TOKEN_EXPIRED_CLOSE, 'token expired'),
                Math.max(0, scope.until - Date.now()),
              );
        ws.on('close', () => {
          bus.off('event', onEvent);
          clearInterval(ping);
          clearTimeout(expiry);
        });
        // The client has nothing to say; a frame from it is ignored.
        ws.on('message', () => {});
      });
    },
    close() {
      for (const client of server.clients) client.close(1001, 'the stack is stopping');
      server.close();
    },
  };
}

/** Refuses an upgrade before it becomes a socket, with an HTTP status and a problem body. */
export function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** What the rule reads of a bus event: its environment and job. */
export function pushedScopeOf(event: BusEvent): { environmentId: string; jobId: string } {
  const { environmentId, jobId } = event.detail;
  return { environmentId: String(environmentId ?? ''), jobId: String(jobId ?? '') };
}
