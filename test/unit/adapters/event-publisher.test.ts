import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  ENTRY_TOO_LARGE,
  eventBridgePublisher,
  type PutEvents,
} from '../../../shared/adapters/eventbridge/event-publisher.js';
import { DependencyError } from '../../../shared/domain/errors.js';
import type { JobEvent } from '../../../shared/domain/events.js';
import { sampleEvent } from '../../events/fixtures.js';

/** An event whose PutEvents entry weighs about `kb` KiB (its snapshot unbounded, as a test may make it). */
function eventOf(kb = 1): JobEvent {
  const event = sampleEvent('job:updated');
  return { ...event, job: { ...event.job, info: 'i'.repeat(kb * 1024) } };
}
const idOf = (entry: PutEventsRequestEntry): string => JSON.parse(entry.Detail ?? '{}').id;

/**
 * PutEvents played by a script: `answer` says what becomes of each entry (undefined: taken).
 * Records every call's event ids.
 */
function scripted(
  answer: (id: string, call: number) => PutEventsResultEntry | Error | undefined = () => undefined,
) {
  const calls: string[][] = [];
  const putEvents: PutEvents = async (entries) => {
    const ids = entries.map(idOf);
    calls.push(ids);
    const answers = ids.map((id) => answer(id, calls.length));
    const thrown = answers.find((a): a is Error => a instanceof Error);
    if (thrown) throw thrown;
    return answers.map((a) => (a instanceof Error ? {} : (a ?? { EventId: `eb-${calls.length}` })));
  };
  const waits: number[] = [];
  const publisher = eventBridgePublisher({
    busName: 'partwise',
    source: 'partwise',
    putEvents,
    wait: async (ms) => void waits.push(ms),
  });
  return { publisher, calls, waits };
}

const failure = (ErrorCode: string): PutEventsResultEntry => ({
  ErrorCode,
  ErrorMessage: `${ErrorCode} here`,
});
const named = (name: string, status?: number) =>
  Object.assign(new Error(`${name} from EventBridge`), { name, $metadata: { httpStatusCode: status } });

describe('the EventBridge publisher', () => {
  it('publishes 25 small events in calls of 10, 10 and 5, in order', async () => {
    const events = Array.from({ length: 25 }, () => eventOf());
    const { publisher, calls } = scripted();

    const refused = await publisher.publish(events);

    expect(refused).toEqual([]);
    expect(calls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(calls.flat()).toEqual(events.map((event) => event.id));
  });

  it('groups large events by their size: five of 100 KiB go two, two and one', async () => {
    const { publisher, calls } = scripted();

    await publisher.publish(Array.from({ length: 5 }, () => eventOf(100)));

    expect(calls.map((call) => call.length)).toEqual([2, 2, 1]);
  });

  it('tries again the entries that failed for now, and only those, after a growing pause', async () => {
    const events = Array.from({ length: 4 }, () => eventOf());
    const [, second, , fourth] = events.map((event) => event.id);
    const { publisher, calls, waits } = scripted((id, call) => {
      if (call === 1 && id === second) return failure('ThrottlingException');
      if (call <= 2 && id === fourth) return failure('InternalFailure');
      return undefined;
    });

    const refused = await publisher.publish(events);

    expect(refused).toEqual([]);
    expect(calls).toEqual([events.map((event) => event.id), [second, fourth], [fourth]]);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up an event EventBridge refuses for good, publishing the others, without trying it again', async () => {
    const events = Array.from({ length: 3 }, () => eventOf());
    const poison = events[1]?.id;
    const { publisher, calls } = scripted((id) => (id === poison ? failure('MalformedDetail') : undefined));

    const refused = await publisher.publish(events);

    expect(refused).toEqual([{ event: events[1], code: 'MalformedDetail', reason: 'MalformedDetail here' }]);
    expect(calls).toHaveLength(1);
  });

  it('gives up, after five attempts, an event that keeps failing while the others go', async () => {
    const events = Array.from({ length: 3 }, () => eventOf());
    const stuck = events[2]?.id;
    const { publisher, calls } = scripted((id) => (id === stuck ? failure('InternalFailure') : undefined));

    const refused = await publisher.publish(events);

    expect(refused).toEqual([
      {
        event: events[2],
        code: 'InternalFailure',
        reason: 'Still failing after 5 attempts: InternalFailure here',
      },
    ]);
    expect(calls.slice(1)).toEqual([[stuck], [stuck], [stuck], [stuck]]);
  });

  it('gives up nothing and throws when EventBridge takes none of the events: that is an outage, not a poison', async () => {
    const { publisher, calls } = scripted(() => failure('ThrottlingException'));

    await expect(publisher.publish([eventOf(), eventOf()])).rejects.toBeInstanceOf(DependencyError);
    expect(calls).toHaveLength(5);
  });

  it('throws at once, giving up nothing, when EventBridge refuses the publisher rather than an event', async () => {
    const events = [eventOf(), eventOf()];
    const { publisher } = scripted((id) =>
      id === events[1]?.id ? failure('NotAuthorizedForSourceException') : undefined,
    );

    await expect(publisher.publish(events)).rejects.toThrow(/refuses this publisher: NotAuthorizedForSource/);
  });

  it('halves a call EventBridge refuses whole until the entry at fault is alone, and gives up only that one', async () => {
    const events = Array.from({ length: 8 }, () => eventOf());
    const poison = events[5]?.id;
    const { publisher, calls } = scripted((id) => (id === poison ? named('ValidationException') : undefined));

    const refused = await publisher.publish(events);

    expect(refused).toEqual([
      { event: events[5], code: 'ValidationException', reason: 'ValidationException from EventBridge' },
    ]);
    const published = calls.filter((call) => !call.includes(poison ?? '')).flat();
    expect(published.sort()).toEqual(events.flatMap((e) => (e.id === poison ? [] : [e.id])).sort());
    // 8 refused → 4 taken, 4 refused → 2 refused → 1 taken, 1 refused; then the last 2 taken.
    expect(calls.map((call) => call.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
  });

  it('reads a 413 with no body the same way: the call was too large for EventBridge', async () => {
    const events = [eventOf(), eventOf()];
    const { publisher } = scripted((id) => (id === events[0]?.id ? named('UnknownError', 413) : undefined));

    const refused = await publisher.publish(events);

    expect(refused.map((r) => [r.event.id, r.code])).toEqual([[events[0]?.id, 'UnknownError']]);
  });

  it('gives up an event too large for any call without sending it, and sends the rest', async () => {
    const events = [eventOf(), eventOf(257), eventOf()];
    const { publisher, calls } = scripted();

    const refused = await publisher.publish(events);

    expect(refused).toMatchObject([{ event: { id: events[1]?.id }, code: ENTRY_TOO_LARGE }]);
    expect(refused[0]?.reason).toMatch(
      /^The entry is 26\d{4} bytes; a PutEvents entry must be less than 262144\.$/,
    );
    expect(calls).toEqual([[events[0]?.id, events[2]?.id]]);
  });

  it('fails the publish when EventBridge cannot be reached', async () => {
    const { publisher } = scripted(() => named('TimeoutError'));

    await expect(publisher.publish([eventOf()])).rejects.toMatchObject({
      name: 'DependencyError',
      message: 'EventBridge could not accept the events.',
    });
  });
});
