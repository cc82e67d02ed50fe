import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/domain/events.js';
import { EventFeedError } from '../../shared/events/errors.js';
import { pollEvents, streamEvents } from '../../shared/events/feed.js';
import type { SseMessage } from '../../shared/events/sse.js';
import { Subscriber } from '../../shared/events/subscriber.js';
import { sampleEvent, sseMessage } from './fixtures.js';

const KEY = 'pw_test';
let stopServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopServer?.();
  stopServer = undefined;
});

/** A fake partwise API: `handle` answers every request after the key is checked. */
async function fakeApi(handle: (req: IncomingMessage, res: ServerResponse, url: URL) => void) {
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${KEY}`)
      return void res.writeHead(401).end('{"title":"Unauthorized"}');
    handle(req, res, new URL(req.url ?? '/', 'http://x'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stopServer = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Collects `count` items from a source, then aborts it. */
async function take<T>(source: AsyncIterable<T>, count: number, controller: AbortController): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) {
    items.push(item);
    if (items.length === count) controller.abort();
  }
  return items;
}

describe('pollEvents', () => {
  it('pages with since = the last next, and picks up what arrives later', async () => {
    const events: JobEvent[] = Array.from({ length: 5 }, () => sampleEvent('job:updated'));
    const sinceSeen: Array<string | null> = [];
    const url = await fakeApi((_req, res, { searchParams }) => {
      const since = searchParams.get('since');
      sinceSeen.push(since);
      const from = since ? events.findIndex((event) => event.id === since) + 1 : 0;
      const page = events.slice(from, from + Number(searchParams.get('limit')));
      // Like the real feed, always a cursor: on an empty page, the one it was given.
      const next = page.at(-1)?.id ?? since;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: page, ...(next ? { next } : {}) }));
      // Once a poll has found nothing new, a new event comes.
      if (page.length === 0 && events.length === 5) events.push(sampleEvent('job:completed'));
    });
    const controller = new AbortController();
    const cursors: string[] = [];

    const polled = await take(
      pollEvents({
        url,
        apiKey: KEY,
        limit: 2,
        intervalMs: 20,
        signal: controller.signal,
        onCursor: (next) => cursors.push(next),
      }),
      6,
      controller,
    );

    expect(polled.map((event) => event.id)).toEqual(events.map((event) => event.id));
    // Full pages are followed at once; a short one waits; an empty one keeps the cursor.
    const [, e1, , e3, e4, e5] = events.map((event) => event.id);
    expect(sinceSeen).toEqual([null, e1, e3, e4, e4]);
    // Reported once per new cursor, each after its page was consumed.
    expect(cursors).toEqual([e1, e3, e4, e5]);
  });

  it('starts after a given cursor, rides out a 503, and gives up on a 401', async () => {
    const events = [sampleEvent('job:waiting'), sampleEvent('job:started')];
    let calls = 0;
    const url = await fakeApi((_req, res, { searchParams }) => {
      if (++calls === 1) return void res.writeHead(503).end();
      expect(searchParams.get('since')).toBe(events[0]!.id);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [events[1]] }));
    });
    const controller = new AbortController();

    const polled = await take(
      pollEvents({ url, apiKey: KEY, since: events[0]!.id, intervalMs: 10, signal: controller.signal }),
      1,
      controller,
    );

    expect(polled.map((event) => event.id)).toEqual([events[1]!.id]);
    const wrongKey = pollEvents({ url, apiKey: 'pw_wrong' });
    await expect(wrongKey.next()).rejects.toThrow(EventFeedError);
  });
});

describe('streamEvents', () => {
  it('reconnects after the server closes, resuming with Last-Event-ID', async () => {
    const events = [sampleEvent('job:waiting'), sampleEvent('job:started'), sampleEvent('job:completed')];
    const frame = (event: JobEvent) => {
      const { id, event: topic, data } = sseMessage(event);
      return `id: ${id}\nevent: ${topic}\ndata: ${data}\n\n`;
    };
    const lastEventIds: Array<string | undefined> = [];
    const url = await fakeApi((req, res) => {
      const resumeFrom = req.headers['last-event-id'] as string | undefined;
      lastEventIds.push(resumeFrom);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 10\n: connected\n\n');
      if (!resumeFrom) {
        res.write(frame(events[0]!));
        // The second event arrives cut in two; the connection drops before its end.
        const second = frame(events[1]!);
        res.write(second.slice(0, 40));
        setTimeout(() => res.end(second.slice(40)), 20);
      } else {
        const from = events.findIndex((event) => event.id === resumeFrom) + 1;
        res.write(events.slice(from).map(frame).join(''));
      }
    });
    const controller = new AbortController();
    let opened = 0;

    const messages = await take(
      streamEvents({ url, apiKey: KEY, signal: controller.signal, onOpen: () => opened++ }),
      3,
      controller,
    );

    expect(messages.map((message: SseMessage) => message.id)).toEqual(events.map((event) => event.id));
    expect(lastEventIds).toEqual([undefined, events[1]!.id]);
    expect(opened).toBe(2);
  });

  it('feeds a Subscriber, which sees each event once even when the stream repeats it', async () => {
    const event = sampleEvent('job:started');
    const next = sampleEvent('job:completed');
    const frame = (of: JobEvent) => {
      const { id, event: topic, data } = sseMessage(of);
      return `id: ${id}\nevent: ${topic}\ndata: ${data}\n\n`;
    };
    let connections = 0;
    const url = await fakeApi((_req, res) => {
      connections += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      // The event twice; after the reconnect, the replay repeats it once more, then goes on.
      res.end(connections === 1 ? frame(event).repeat(2) : frame(event) + frame(next));
    });
    const controller = new AbortController();
    const handled: string[] = [];
    const subscriber = new Subscriber()
      .on('job:started', (started) => void handled.push(started.id))
      .on('job:completed', (completed) => {
        handled.push(completed.id);
        controller.abort(); // everything before it in the stream has been handled (or dropped)
      });

    await subscriber.consume(streamEvents({ url, apiKey: KEY, retryMs: 5, signal: controller.signal }));

    expect(connections).toBe(2);
    expect(handled).toEqual([event.id, next.id]);
  });

  it('says each time it cannot reach the server, and keeps trying', async () => {
    // Prepare: a port nothing listens on
    const url = await fakeApi(() => undefined);
    await stopServer?.();
    stopServer = undefined;
    const controller = new AbortController();
    const failures: Array<{ failures: number; retryInMs: number; error: unknown }> = [];

    // Act
    const messages = await take(
      streamEvents({
        url,
        apiKey: KEY,
        retryMs: 5,
        signal: controller.signal,
        onRetry: (failure) => {
          failures.push(failure);
          if (failures.length === 3) controller.abort();
        },
      }),
      1,
      controller,
    );

    // Assess
    expect(messages).toEqual([]);
    expect(failures.map((f) => f.failures)).toEqual([1, 2, 3]);
    expect(failures.map((f) => f.retryInMs)).toEqual([5, 10, 20]);
    expect(failures[0]?.error).toBeInstanceOf(TypeError); // fetch's "cannot connect"
  });

  it('gives up on a wrong key or an answer that is not an event stream', async () => {
    const url = await fakeApi(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>'),
    );
    await expect(streamEvents({ url, apiKey: 'pw_wrong' }).next()).rejects.toMatchObject({
      name: 'EventFeedError',
      status: 401,
    });
    await expect(streamEvents({ url, apiKey: KEY }).next()).rejects.toThrow(/not an event stream/);
  });
});
