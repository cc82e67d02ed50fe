import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobEvent, type JobTopic, jobEvent } from '../../shared/domain/events.js';
import { newId } from '../../shared/domain/ids.js';
import type { Job } from '../../shared/domain/job.js';
import type { EventStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: EventStore;
let steps: typeof import('../../shared/adapters/dynamodb/event-store.js').feedSteps;

beforeAll(async () => {
  aws = await startEmulatedAws();
  const module = await import('../../shared/adapters/dynamodb/event-store.js');
  store = module.dynamoEventStore;
  steps = module.feedSteps;
});
afterAll(() => aws?.stop());

function events(environmentId: string, count: number, topic: JobTopic = 'job:updated'): JobEvent[] {
  const now = new Date().toISOString();
  const job = {
    id: newId('job'),
    environmentId,
    operation: 'extract',
    status: 'EXECUTING',
    parts: 1,
    processed: 0,
    progress: 0,
  } as Job;
  return Array.from({ length: count }, (_, i) => jobEvent(newId('event'), topic, job, i + 1, now));
}

async function pollAll(environmentId: string, since?: string) {
  const seen: string[] = [];
  let cursor = since;
  for (;;) {
    const page = await store.listForEnvironment(environmentId, {
      limit: 3,
      ...(cursor ? { since: cursor } : {}),
    });
    seen.push(...page.events.map((e) => e.id));
    if (page.events.length === 0) return { seen, cursor: page.next };
    cursor = page.next;
  }
}

describe('the events feed', () => {
  it('hands a poller every event once, in order, page by page', async () => {
    const env = `env_${Date.now()}a`;
    const batch = events(env, 8);
    await store.put(batch);
    const { seen, cursor } = await pollAll(env);
    expect(seen).toEqual(batch.map((e) => e.id));
    const more = events(env, 2);
    await store.put(more);
    expect((await pollAll(env, cursor)).seen).toEqual(more.map((e) => e.id));
  });

  it('does not hand out an event a second time when the relay stores it again', async () => {
    const env = `env_${Date.now()}b`;
    const batch = events(env, 3);
    await store.put(batch);
    const first = await pollAll(env);
    await store.put(batch); // a relay retry after a crash
    const again = await pollAll(env, first.cursor);
    expect(again.seen).toEqual([]);
  });

  it('steps over the positions a second copy of stored events took, at once: the events after them are handed out', async () => {
    // Prepare: the relay after the commit and the stream's relay both store the same events,
    // the second copy taking positions of its own; then new events come.
    const env = `env_${Date.now()}h`;
    const batch = events(env, 3);
    await store.put(batch);
    await store.put(batch);
    const later = events(env, 2);
    await store.put(later);

    // Act
    const { seen } = await pollAll(env);

    // Assess: every event once, none held back behind the copy's positions.
    expect(seen).toEqual([...batch, ...later].map((e) => e.id));
  });

  it('waits at a gap while a slower relay may still fill it, so nothing is skipped', async () => {
    // Prepare: relay A takes positions 1–2 and stalls; relay B stores 3–4.
    const env = `env_${Date.now()}c`;
    const [a1, a2] = events(env, 2);
    const first = await steps.takePositions(env, 2);
    await store.put(events(env, 2));

    // Assess: the poller stops before the gap…
    const before = await store.listForEnvironment(env, { limit: 10 });
    expect(before.events).toEqual([]);
    expect(before.next).toBe('0');

    // …and gets everything, in position order, once A catches up.
    await steps.storeOnce(a1 as JobEvent, first);
    await steps.storeOnce(a2 as JobEvent, first + 1);
    const after = await store.listForEnvironment(env, { limit: 10, since: before.next });
    expect(after.events.map((e) => e.id).slice(0, 2)).toEqual([a1?.id, a2?.id]);
    expect(after.events).toHaveLength(4);
  });

  it('filters by job and topic without losing its place', async () => {
    const env = `env_${Date.now()}d`;
    await store.put([...events(env, 2, 'job:updated'), ...events(env, 1, 'job:completed')]);
    const page = await store.listForEnvironment(env, { limit: 10, topic: 'job:completed' });
    expect(page.events.map((e) => e.topic)).toEqual(['job:completed']);
    expect(page.next).toBe('3');
  });
});
