/**
 * `GET /events/stream`: the local bus as Server-Sent Events, for one environment (for a
 * watch token, for one job; a token's stream ends when the token expires). Each
 * event is sent with `id:` the event's stable id (detail.id), `event:` its detail-type and
 * `data:` its detail. A client that reconnects with `Last-Event-ID` first gets what it
 * missed, replayed from events.jsonl; an id the log does not hold replays nothing.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { receives } from '../../shared/domain/push.js';
import type { BusEvent, LocalEventBus } from './event-bus.js';
import { pushedScopeOf } from './push-socket.js';

const KEEPALIVE_MS = 15_000;

function eventId(event: BusEvent): string {
  const id = event.detail.id;
  return typeof id === 'string' ? id : event.id;
}

function format(event: BusEvent): string {
  return `id: ${eventId(event)}\nevent: ${event['detail-type']}\ndata: ${JSON.stringify(event.detail)}\n\n`;
}

/** Which events a stream carries, and until when. */
export interface StreamScope {
  environmentId: string;
  /** Only this job's events (a watch token's stream). */
  jobId?: string;
  /** When the stream ends (ms since the epoch): a token's expiry. The client reconnects with a new token. */
  until?: number;
}

export async function streamEvents(
  req: IncomingMessage,
  res: ServerResponse,
  bus: LocalEventBus,
  scope: StreamScope,
): Promise<void> {
  const mine = (event: BusEvent) => receives(scope, pushedScopeOf(event));
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');

  // Subscribe before reading the log, so nothing published meanwhile is missed; what the
  // replay already sent is not sent again.
  let live = false;
  const pending: BusEvent[] = [];
  const onEvent = (event: BusEvent) => {
    if (!mine(event)) return;
    if (live) res.write(format(event));
    else pending.push(event);
  };
  bus.on('event', onEvent);
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const expiry =
    scope.until === undefined
      ? undefined
      : setTimeout(() => res.end(), Math.max(0, scope.until - Date.now()));
  res.on('close', () => {
    clearInterval(keepalive);
    clearTimeout(expiry);
    bus.off('event', onEvent);
  });

  const replayed = new Set<string>();
  const lastEventId = req.headers['last-event-id'];
  if (typeof lastEventId === 'string' && lastEventId !== '') {
    const history = await bus.history();
    const position = history.findIndex((event) => eventId(event) === lastEventId);
    if (position >= 0) {
      for (const event of history.slice(position + 1).filter(mine)) {
        res.write(format(event));
        replayed.add(eventId(event));
      }
    }
  }
  for (const event of pending) if (!replayed.has(eventId(event))) res.write(format(event));
  live = true;
}
