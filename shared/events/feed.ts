/**
 * Two small clients of partwise's event endpoints, each an async iterable to hand to a
 * `Subscriber` (`subscriber.consume(streamEvents({...}))`):
 * - `pollEvents`: GET /events?since=<cursor>, the way that works everywhere (API Gateway
 *   HTTP APIs cannot stream, so it is also a browser's way on AWS);
 * - `streamEvents`: GET /events/stream as server-sent events, on the local stack; it
 *   reconnects with `Last-Event-ID` and so resumes without loss.
 * Both end quietly when `signal` aborts, retry transient failures (network errors, 429,
 * 5xx) with backoff, and throw `EventFeedError` for an answer a retry will not change.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobEvent } from '../domain/events.js';
import { EventFeedError } from './errors.js';
import { type SseMessage, SseParser } from './sse.js';

export interface FeedOptions {
  /** The API's base URL, e.g. http://localhost:3000. */
  url: string;
  apiKey: string;
  signal?: AbortSignal;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Called each time a transient failure (the server cannot be reached, 429, 5xx) is about
   * to be retried, after `retryInMs`: `failures` counts the failures in a row.
   */
  onRetry?: (failure: { error: unknown; failures: number; retryInMs: number }) => void;
}

export interface PollOptions extends FeedOptions {
  /** Start after this cursor (a page's `next`, as `onCursor` reported it); without it, from the oldest kept event. */
  since?: string;
  /**
   * Called with the page's `next` once every event of the page has been taken from the
   * iterator — with `subscriber.consume`, once each was handled. Save it to resume there.
   */
  onCursor?: (next: string) => void;
  /** Wait between polls once caught up. @default 1000 */
  intervalMs?: number;
  /** @default 100 */
  limit?: number;
  jobId?: string;
  topic?: string;
}

export interface StreamOptions extends FeedOptions {
  /** Resume after this event id: the stream first replays what came after it. */
  lastEventId?: string;
  /** Reconnection delay when the server gives none (`retry:`). @default 1000 */
  retryMs?: number;
  /** Called each time a connection is open and events will flow. */
  onOpen?: () => void;
}

const MAX_BACKOFF_MS = 30_000;

/** Retry a transient failure; anything else (401, 404, …) is the caller's to fix. */
const transient = (status: number) => status === 429 || status >= 500;

function backoff(baseMs: number, failures: number): number {
  return failures === 0 ? baseMs : Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (failures - 1));
}

/** Sleeps unless aborted; resolves to false when the signal ended the wait. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
    return true;
  } catch {
    return false;
  }
}

class TransientError extends Error {}

async function fetchOk(
  options: FeedOptions,
  path: string,
  headers: Record<string, string>,
  accept: string,
): Promise<Response> {
  const url = `${options.url.replace(/\/$/, '')}${path}`;
  const response = await (options.fetch ?? fetch)(url, {
    headers: { authorization: `Bearer ${options.apiKey}`, accept, ...headers },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    if (transient(response.status)) throw new TransientError(`${url}: ${response.status}`);
    throw new EventFeedError(url, response.status, body);
  }
  return response;
}

/** Every event of the environment after `since`, oldest first, polling for new ones until aborted. */
export async function* pollEvents(options: PollOptions): AsyncGenerator<JobEvent> {
  const { signal } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const limit = options.limit ?? 100;
  let since = options.since;
  let failures = 0;
  while (!signal?.aborted) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (since) query.set('since', since);
    if (options.jobId) query.set('jobId', options.jobId);
    if (options.topic) query.set('topic', options.topic);
    let page: { data: JobEvent[]; next?: string };
    try {
      const response = await fetchOk(options, `/events?${query}`, {}, 'application/json');
      page = (await response.json()) as typeof page;
      failures = 0;
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof EventFeedError) throw error;
      failures++;
      const retryInMs = backoff(intervalMs, failures);
      options.onRetry?.({ error, failures, retryInMs });
      if (!(await pause(retryInMs, signal))) return;
      continue;
    }
    for (const event of page.data) yield event;
    // `next` is opaque: the position after which the next poll continues.
    if (page.next) {
      if (page.next !== since) options.onCursor?.(page.next);
      since = page.next;
    }
    // A full page means more is waiting: fetch it at once.
    if (page.data.length < limit && !(await pause(intervalMs, signal))) return;
  }
}

/** The server-sent events of GET /events/stream, reconnecting with Last-Event-ID until aborted. */
export async function* streamEvents(options: StreamOptions): AsyncGenerator<SseMessage> {
  const { signal } = options;
  const parser = new SseParser(options.lastEventId ?? '');
  let failures = 0;
  while (!signal?.aborted) {
    try {
      const resume: Record<string, string> = parser.lastEventId
        ? { 'last-event-id': parser.lastEventId }
        : {};
      const response = await fetchOk(
        options,
        '/events/stream',
        { 'cache-control': 'no-cache', ...resume },
        'text/event-stream',
      );
      if (!response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
        throw new EventFeedError(response.url, response.status, 'the answer is not an event stream');
      }
      failures = 0;
      options.onOpen?.();
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        for (const message of parser.push(decoder.decode(chunk, { stream: true }))) yield message;
      }
      // The server closed the stream (a restart, a proxy's timeout): reconnect.
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof EventFeedError) throw error;
      failures++;
      options.onRetry?.({
        error,
        failures,
        retryInMs: backoff(parser.retryMs ?? options.retryMs ?? 1000, failures),
      });
    } finally {
      parser.end();
    }
    if (!(await pause(backoff(parser.retryMs ?? options.retryMs ?? 1000, failures), signal))) return;
  }
}
