import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobEvent, type JobTopic, jobEvent } from '../../shared/domain/events.js';
import { newId } from '../../shared/domain/ids.js';
import type { EventStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

/**
 * The pages of the events a job and an environment have had (GET /jobs/:id/events and
 * GET /events), as the DynamoDB event store hands them out.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: EventStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoEventStore: store } = await import('../../shared/adapters/dynamodb/event-store.js'));
});
afterAll(() => aws?.stop());

const newEnvironment = () => `env_${Math.random().toString(36).slice(2, 10)}`;

/** `topics.length` events of one new job, numbered from 1. */
function eventsOfAJob(environmentId: string, topics: JobTopic[]): JobEvent[] {
  const job = jobFixture({ environmentId, status: 'EXECUTING' });
  return topics.map((topic, i) => jobEvent(newId('event'), topic, job, i + 1, new Date().toISOString()));
}

describe('the events of one job', () => {
  it('come in the order the job committed them, page by page', async () => {
    const events = eventsOfAJob(newEnvironment(), [
      'job:waiting',
      'job:started',
      'job:updated',
      'job:completed',
    ]);
    await store.put([...events].reverse());

    const first = await store.listForJob(events[0]!.jobId, 3);
    const second = await store.listForJob(events[0]!.jobId, 3, first.next);

    expect(first.events.map((event) => event.sequence)).toEqual([1, 2, 3]);
    expect(first.next).toEqual(expect.any(String));
    expect(second.events.map((event) => event.sequence)).toEqual([4]);
    expect(second.next).toBeUndefined();
    expect(second.events[0]).toEqual(events[3]);
  });

  it('are none for a job that had none', async () => {
    expect(await store.listForJob(newId('job'), 10)).toEqual({ events: [] });
  });
});

describe('the events feed of an environment', () => {
  it('filters by job without losing its place, and hands out a cursor even for an empty page', async () => {
    // Prepare: two jobs' events, interleaved in the feed.
    const environmentId = newEnvironment();
    const one = eventsOfAJob(environmentId, ['job:waiting', 'job:started']);
    const two = eventsOfAJob(environmentId, ['job:waiting', 'job:started']);
    await store.put([one[0]!, two[0]!]);
    await store.put([one[1]!, two[1]!]);

    // Act
    const page = await store.listForEnvironment(environmentId, { limit: 10, jobId: two[0]!.jobId });
    const after = await store.listForEnvironment(environmentId, { limit: 10, since: page.next ?? '' });

    // Assess
    expect(page.events.map((event) => event.id)).toEqual([two[0]!.id, two[1]!.id]);
    expect(page.next).toBe('4');
    expect(after).toEqual({ events: [], next: '4' });
  });

  it('stops at the limit and goes on from there, over more than one read of the index', async () => {
    const environmentId = newEnvironment();
    const events = eventsOfAJob(
      environmentId,
      Array.from({ length: 130 }, () => 'job:updated'),
    );
    await store.put(events);

    const first = await store.listForEnvironment(environmentId, { limit: 120 });
    const rest = await store.listForEnvironment(environmentId, { limit: 120, since: first.next ?? '' });

    expect(first.events).toHaveLength(120);
    expect(first.next).toBe('120');
    expect([...first.events, ...rest.events].map((event) => event.id)).toEqual(
      events.map((event) => event.id),
    );
  });

  it('refuses a `since` that is no position, rather than read from the start again', async () => {
    const environmentId = newEnvironment();
    await store.put(eventsOfAJob(environmentId, ['job:waiting']));

    await expect(
      store.listForEnvironment(environmentId, { limit: 10, since: 'yesterday' }),
    ).rejects.toMatchObject({
      status: 400,
      errors: [{ path: ['query', 'since'] }],
    });
  });

  it('keeps each environment’s positions apart', async () => {
    const [a, b] = [newEnvironment(), newEnvironment()];
    await store.put([
      ...eventsOfAJob(a, ['job:waiting', 'job:started']),
      ...eventsOfAJob(b, ['job:waiting']),
    ]);

    expect((await store.listForEnvironment(a, { limit: 10 })).next).toBe('2');
    expect((await store.listForEnvironment(b, { limit: 10 })).next).toBe('1');
  });
});
