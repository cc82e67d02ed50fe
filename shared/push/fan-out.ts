/**
 * One job event to every browser connection that may receive it (functions/push-fan-out.ts,
 * fed by an EventBridge rule): the environment's connections in one query, a watch
 * connection only for its job, the event's JSON as one text frame. A connection that is gone
 * is forgotten; one whose token has expired is closed and forgotten, never sent to — so a
 * socket lasts no longer than its token, to the next event after its expiry, and the page
 * reconnects with a new token.
 */
import { isPushExpired, type PushConnection, type PushedEventScope, receives } from '../domain/push.js';
import type { PushChannel, PushConnectionStore } from '../ports.js';

/** An event as the fan-out sends it: who may receive it, and the frame (the event's JSON). */
export interface PushedEvent extends PushedEventScope {
  frame: string;
}

export interface FanOutReport {
  /** Connections the frame was sent to. */
  sent: number;
  /** Connections that were gone, now forgotten. */
  gone: number;
  /** Connections past their token's expiry, closed and forgotten. */
  expired: number;
  /** Connections of the environment that do not receive this event (watching another job). */
  skipped: number;
  /** What failed, per connection (left in the store: the next event tries again). */
  failures: { connectionId: string; error: unknown }[];
}

export interface FanOutPorts {
  connections: PushConnectionStore;
  channel: PushChannel;
  now: () => Date;
}

/** Frames sent at once: @connections calls are short, and a Lambda instance holds few sockets. */
export const FAN_OUT_CONCURRENCY = 16;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The event an EventBridge rule delivered (its `detail`, exactly what `GET /events` returns
 * per event), or undefined when the detail names no environment and job to send it to.
 */
export function pushedEventOf(detail: unknown): PushedEvent | undefined {
  if (!isObject(detail)) return undefined;
  const { environmentId, jobId } = detail;
  if (typeof environmentId !== 'string' || typeof jobId !== 'string') return undefined;
  return { environmentId, jobId, frame: JSON.stringify(detail) };
}

/**
 * Sends `event` to its environment's connections. Throws (DependencyError) only when the
 * connections cannot be listed, before anything was sent: a retry then sends nothing twice.
 */
export async function fanOut(ports: FanOutPorts, event: PushedEvent): Promise<FanOutReport> {
  const report: FanOutReport = { sent: 0, gone: 0, expired: 0, skipped: 0, failures: [] };
  const connections = await ports.connections.listForEnvironment(event.environmentId);
  const now = ports.now();
  const deliver = async (connection: PushConnection) => {
    const { connectionId } = connection;
    try {
      if (isPushExpired(connection, now)) {
        // Every expired connection the query found, whatever job it watches: closing it tells
        // its page to come back with a new token.
        await ports.channel.close(connectionId);
        await ports.connections.remove(connectionId);
        report.expired++;
      } else if (!receives(connection, event)) {
        report.skipped++;
      } else if ((await ports.channel.send(connectionId, event.frame)) === 'gone') {
        await ports.connections.remove(connectionId);
        report.gone++;
      } else {
        report.sent++;
      }
    } catch (error) {
      report.failures.push({ connectionId, error });
    }
  };
  await inPool(connections, FAN_OUT_CONCURRENCY, deliver);
  return report;
}

/** Runs `work` on every item, at most `size` at a time. */
async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
