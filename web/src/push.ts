/**
 * Job events pushed to the page over a WebSocket: on AWS the stack's WebSocket API, on the
 * local stack its `/ws` — the same protocol, so the page has one code path. The socket is
 * opened with the page's token (`?token=`); every text frame is one job event (the
 * EventBridge detail, as `GET /events` gives it). It reconnects with backoff; `onOpen` runs
 * on every (re)connection, for the page to read again what it shows (events sent while the
 * socket was down are not replayed).
 */
import type { components } from '../../shared/client/api-types.js';
import { type TokenSource, TokenUnavailableError } from './token.js';

export type JobEvent = components['schemas']['JobEventBase'];

export interface Push {
  close(): void;
}

export function connectPush(
  url: string,
  tokens: TokenSource,
  handlers: {
    onEvent: (event: JobEvent) => void;
    onOpen?: () => void;
    onDown?: () => void;
    /** No token can be had (a deployed page's token expired): the socket stays closed. */
    onNoToken?: (reason: string) => void;
  },
): Push {
  let socket: WebSocket | undefined;
  let closed = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = async () => {
    if (closed) return;
    let token: string;
    try {
      token = await tokens.get();
    } catch (error) {
      if (error instanceof TokenUnavailableError) return handlers.onNoToken?.(error.message);
      return retry();
    }
    const target = new URL(url);
    target.searchParams.set('token', token);
    socket = new WebSocket(target);
    socket.onopen = () => {
      failures = 0;
      handlers.onOpen?.();
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      try {
        handlers.onEvent(JSON.parse(message.data) as JobEvent);
      } catch {
        // not an event: ignored
      }
    };
    socket.onclose = () => {
      handlers.onDown?.();
      retry();
    };
  };
  const retry = () => {
    if (closed) return;
    failures++;
    timer = setTimeout(open, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
  };
  void open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
