/**
 * Following one job to its end by its events, pushed where the server can push:
 * - the local stack streams its events (`GET /events/stream`, server-sent events): the job
 *   is read once the stream is open, so nothing between that read and the next event is
 *   missed, and every event of the job is seen as it is published;
 * - a deployed API (HTTP APIs cannot stream: the stream route is a 404 there) is followed
 *   through its events feed (`GET /events?jobId`), gap-free from the job's first event.
 * Neither polls the job itself.
 */
import type { JobEvent, JobSnapshot } from '../domain/events.js';
import { endsJob, isFinal } from '../domain/status.js';
import { EventFeedError } from '../events/errors.js';
import { pollEvents, streamEvents } from '../events/feed.js';
import type { SseMessage } from '../events/sse.js';

export interface FollowOptions {
  url: string;
  apiKey: string;
  jobId: string;
  /** Reads the job whole (events carry a snapshot that may be bounded). */
  getJob: (id: string) => Promise<JobSnapshot>;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** How often the feed is polled once caught up (deployed APIs). @default 1000 */
  pollMs?: number;
  /** `stream` or `feed` to choose; by default the stream, else the feed. */
  via?: 'stream' | 'feed';
}

/** A snapshot no older than the last one seen (the stream may deliver one read meanwhile). */
function newer(last: JobSnapshot, next: JobSnapshot): boolean {
  return next.updatedAt >= last.updatedAt;
}

/**
 * The job as it stands, then as each of its events shows it, ending with the job read whole
 * once an event announced its end (or its deletion: then `getJob` says it is gone).
 */
export async function* followJob(options: FollowOptions): AsyncGenerator<JobSnapshot> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort);
  try {
    const followed =
      options.via === 'feed' ? undefined : await openStream(options, stop.signal).catch(notAStream);
    if (followed) {
      const first = await options.getJob(options.jobId);
      yield first;
      if (isFinal(first.status)) return;
      let last = first;
      for await (const message of followed) {
        const event = parsed(message);
        if (event?.jobId !== options.jobId) continue;
        if (newer(last, event.job)) {
          last = event.job;
          yield event.job;
        }
        if (endsJob(event)) break;
      }
    } else {
      yield await options.getJob(options.jobId);
      for await (const event of pollEvents({
        url: options.url,
        apiKey: options.apiKey,
        jobId: options.jobId,
        intervalMs: options.pollMs ?? 1000,
        signal: stop.signal,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })) {
        yield event.job;
        if (endsJob(event)) break;
      }
    }
    if (options.signal?.aborted) return;
    yield await options.getJob(options.jobId);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    stop.abort();
  }
}

/** The stream's messages once it is open; an EventFeedError when the server has no stream. */
export async function openStream(
  options: Pick<FollowOptions, 'url' | 'apiKey' | 'fetch'>,
  signal: AbortSignal,
): Promise<AsyncIterable<SseMessage>> {
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const messages = streamEvents({
    url: options.url,
    apiKey: options.apiKey,
    signal,
    onOpen: () => opened(),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })[Symbol.asyncIterator]();
  // The first next() connects; it settles with the first message, or throws for a 404.
  const first = messages.next();
  await Promise.race([open, first]);
  return {
    async *[Symbol.asyncIterator]() {
      let next = first;
      for (;;) {
        const result = await next;
        if (result.done) return;
        next = messages.next();
        yield result.value;
      }
    },
  };
}

/** A server without the stream route (a deployed HTTP API) answers 404: follow the feed there. */
export function notAStream(error: unknown): undefined {
  if (error instanceof EventFeedError && (error.status === 404 || error.status === 405)) return undefined;
  throw error;
}

export function parsed(message: SseMessage): JobEvent | undefined {
  try {
    return JSON.parse(message.data) as JobEvent;
  } catch {
    return undefined;
  }
}
