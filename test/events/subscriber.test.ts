import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/domain/events.js';
import { InvalidEventError } from '../../shared/events/errors.js';
import { parseJobEvent } from '../../shared/events/parse.js';
import { RecentIds, Subscriber } from '../../shared/events/subscriber.js';
import { eventBridgeEnvelope, sampleEvent, sseMessage } from './fixtures.js';

function recording(subscriber = new Subscriber()) {
  const seen: string[] = [];
  subscriber.on('job:completed', (event) => void seen.push(`completed ${event.job.outcome?.message}`));
  subscriber.on('job:started', (event) => void seen.push(`started ${event.operation}`));
  subscriber.on('*', (event) => void seen.push(`any ${event.topic}`));
  return { subscriber, seen };
}

describe('parseJobEvent', () => {
  it('takes the event out of each carrier: EventBridge, a server-sent event, a feed item', () => {
    const event = sampleEvent('job:started');
    expect(parseJobEvent(eventBridgeEnvelope(event))).toEqual(event);
    expect(parseJobEvent(sseMessage(event))).toEqual(event);
    expect(parseJobEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('refuses another source unless told to accept it', () => {
    const envelope = eventBridgeEnvelope(sampleEvent('job:started'), 'acme.jobs');
    expect(() => parseJobEvent(envelope)).toThrow(/source must be "partwise"/);
    expect(parseJobEvent(envelope, { source: 'acme.jobs' }).topic).toBe('job:started');
    expect(parseJobEvent(envelope, { source: null }).topic).toBe('job:started');
  });

  it('refuses a carrier whose detail-type or SSE event names another topic than the event', () => {
    const event = sampleEvent('job:started');
    expect(() => parseJobEvent({ ...eventBridgeEnvelope(event), 'detail-type': 'job:completed' })).toThrow(
      /carrier says "job:completed" but the event is "job:started"/,
    );
    expect(() => parseJobEvent({ ...sseMessage(event), event: 'job:failed' })).toThrow(InvalidEventError);
    expect(() => parseJobEvent({ ...sseMessage(event), id: 'evt_other' })).toThrow(/SSE id/);
  });

  it('reports every schema violation in a typed error', () => {
    const event = { ...sampleEvent('job:completed'), status: 'EXECUTING', progress: -1 };
    let error: unknown;
    try {
      parseJobEvent(eventBridgeEnvelope(event as JobEvent));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    const invalid = error as InvalidEventError;
    expect(invalid.topic).toBe('job:completed');
    expect(invalid.violations.map((v) => v.pointer).sort()).toEqual(['/progress', '/status']);
    expect(invalid.message).toMatch(/^job:completed does not match its schema: /);
  });

  it('refuses what is no job event at all, and an SSE message whose data is not JSON', () => {
    for (const input of [null, 'job:started', [], { hello: 'world' }]) {
      expect(() => parseJobEvent(input)).toThrow(/not a job event/);
    }
    expect(() => parseJobEvent({ id: '1', event: 'job:started', data: '{not json' })).toThrow(/no JSON/);
  });
});

describe('Subscriber', () => {
  it('calls the handlers of the event’s topic, then the catch-all ones', async () => {
    const { subscriber, seen } = recording();
    const completed = sampleEvent('job:completed', { outcome: { message: 'Sent' } });

    expect(await subscriber.handle(eventBridgeEnvelope(completed))).toBe(true);
    expect(await subscriber.handle(sampleEvent('job:started'))).toBe(true);

    expect(seen).toEqual(['completed Sent', 'any job:completed', 'started submit', 'any job:started']);
  });

  it('handles an event once, whichever carrier delivers it and however often', async () => {
    const { subscriber, seen } = recording();
    const event = sampleEvent('job:started');

    const results = [
      await subscriber.handle(eventBridgeEnvelope(event)),
      await subscriber.handle(sseMessage(event)),
      await subscriber.handle(event),
      await subscriber.handle(eventBridgeEnvelope(event)), // EventBridge's own envelope id differs
    ];

    expect(results).toEqual([true, false, false, false]);
    expect(seen).toEqual(['started submit', 'any job:started']);
  });

  it('drops a duplicate that arrives while the first delivery is still being handled', async () => {
    const subscriber = new Subscriber();
    let release: () => void = () => {};
    let calls = 0;
    subscriber.on('job:started', async () => {
      calls++;
      await new Promise<void>((resolve) => (release = resolve));
    });
    const event = sampleEvent('job:started');

    const first = subscriber.handle(event);
    const second = await subscriber.handle(sseMessage(event));
    release();

    expect(second).toBe(false);
    expect(await first).toBe(true);
    expect(calls).toBe(1);
  });

  it('forgets an event whose handler failed, so a redelivery is handled again', async () => {
    const subscriber = new Subscriber();
    let attempts = 0;
    subscriber.on('job:started', () => {
      attempts++;
      if (attempts === 1) throw new Error('database down');
    });
    const event = sampleEvent('job:started');

    await expect(subscriber.handle(event)).rejects.toThrow('database down');
    expect(await subscriber.handle(event)).toBe(true);
    expect(await subscriber.handle(event)).toBe(false);
    expect(attempts).toBe(2);
  });

  it('remembers only the last N ids: memory stays bounded, and an old id counts as new again', async () => {
    const subscriber = new Subscriber({ remember: 3 });
    const events = ['job:waiting', 'job:started', 'job:updated', 'job:completed'] as const;
    const [first, ...rest] = events.map((topic) => sampleEvent(topic));
    for (const event of [first!, ...rest]) await subscriber.handle(event);

    expect(subscriber.hasHandled(rest[2]!.id)).toBe(true);
    expect(subscriber.hasHandled(first!.id)).toBe(false);
    expect(await subscriber.handle(first!)).toBe(true);
  });

  it('does not call handlers for an invalid event, and consume() reports it and goes on', async () => {
    const { subscriber, seen } = recording();
    const broken = { ...sampleEvent('job:started'), jobId: 42 };
    const good = sampleEvent('job:completed', { outcome: { message: 'ok' } });
    const errors: unknown[] = [];

    async function* source() {
      yield broken;
      yield good;
      yield good;
    }
    await subscriber.consume(source(), { onError: (error) => errors.push(error) });

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvalidEventError);
    expect(seen).toEqual(['completed ok', 'any job:completed']);
    await expect(subscriber.consume(source())).rejects.toThrow(InvalidEventError);
  });
});

describe('RecentIds', () => {
  it('forgets the least recently used id first; a lookup counts as a use', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    expect(ids.has('a')).toBe(true); // a is now the most recent
    ids.add('c'); // b goes
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.size]).toEqual([true, false, true, 2]);
    expect(() => new RecentIds(0)).toThrow(RangeError);
  });
});
