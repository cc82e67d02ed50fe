import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entrySize, PUT_EVENTS_MAX_BYTES } from '../../shared/adapters/eventbridge/put-events-limits.js';
import { JOB_TOPICS, type JobEvent, withBoundedSnapshot } from '../../shared/domain/events.js';
import type { Job } from '../../shared/domain/job.js';
import {
  boundedSnapshot,
  cutText,
  depthOf,
  jsonBytes,
  SNAPSHOT_BUDGET_BYTES,
  SNAPSHOT_MAX_DEPTH,
} from '../../shared/domain/snapshot.js';
import { validateJobEvent } from '../../shared/events/schemas.js';
import { sampleEvent, sampleJob } from './fixtures.js';
import { API_OBJECT_CAP_BYTES, API_TEXT_CAP_CHARS, filledObject, filledOutcome } from './large-job.js';

/** The largest job the API allows (or larger: `objectBytes` past the cap), as it ends failed. */
function largestJob(objectBytes = API_OBJECT_CAP_BYTES): Partial<Job> {
  const wide = '€'.repeat(API_TEXT_CAP_CHARS);
  return {
    operation: `submit-${'o'.repeat(2_000)}`,
    destination: 'd'.repeat(128),
    input: filledObject(objectBytes, 'i'),
    config: filledObject(objectBytes, 'c'),
    outcome: filledOutcome(objectBytes),
    info: wide,
    error: { code: 'executor-failed', message: wide },
  };
}

/** The EventBridge entry size of an event as the publisher sends it. */
const entryOf = (event: JobEvent) =>
  entrySize({ Time: new Date(), Source: 'partwise', DetailType: event.topic, Detail: JSON.stringify(event) });

/** What a bounded snapshot kept of an object: every kept member exactly as in the job. */
function expectKeptExactly(kept: Record<string, unknown> | undefined, whole: Record<string, unknown>) {
  for (const [key, value] of Object.entries(kept ?? {})) expect(value, key).toEqual(whole[key]);
}

describe('the snapshot an event carries', () => {
  it('is the job itself, unmarked, when the job is small', () => {
    const job = sampleJob({ config: { partSizeBytes: 8192 }, outcome: { message: 'Imported 3 rows.' } });

    const snapshot = boundedSnapshot(job);

    expect(snapshot).toBe(job);
    expect(snapshot.truncated).toBeUndefined();
  });

  it('keeps a job of exactly the budget whole, and bounds one byte more', () => {
    const job = sampleJob({ info: '' });
    const exactly = { ...job, info: 'i'.repeat(SNAPSHOT_BUDGET_BYTES - jsonBytes(job)) };
    expect(jsonBytes(exactly)).toBe(SNAPSHOT_BUDGET_BYTES);

    expect(boundedSnapshot(exactly)).toBe(exactly);
    const over = boundedSnapshot({ ...exactly, info: `${exactly.info}i` });
    expect(over.truncated?.fields).toEqual(['info']);
    expect(jsonBytes(over)).toBeLessThanOrEqual(SNAPSHOT_BUDGET_BYTES);
  });

  describe.each([
    ['the largest job the API allows', API_OBJECT_CAP_BYTES],
    ['a job sixteen times larger than the API allows', 16 * API_OBJECT_CAP_BYTES],
  ])('of %s', (_, objectBytes) => {
    const job = sampleJob(largestJob(objectBytes));

    it('stays within the budget, and every event of it far under the 256 KB of an EventBridge entry', () => {
      expect(jsonBytes(job)).toBeGreaterThan(3 * objectBytes);

      for (const topic of JOB_TOPICS) {
        const event = sampleEvent(topic, largestJob(objectBytes));
        expect(jsonBytes(event.job)).toBeLessThanOrEqual(SNAPSHOT_BUDGET_BYTES);
        // The snapshot, its marker and the fields repeated at the top: about 10 KiB.
        expect(entryOf(event)).toBeLessThan(12 * 1024);
        expect(entryOf(event) * 20).toBeLessThan(PUT_EVENTS_MAX_BYTES);
      }
    });

    it('says which fields are not whole and where the whole job is', () => {
      const snapshot = boundedSnapshot(job);

      expect(snapshot.truncated).toEqual({
        fields: expect.arrayContaining(['operation', 'info', 'error', 'outcome', 'config', 'input']),
        href: `/jobs/${job.id}`,
      });
      expect(snapshot.truncated?.fields).not.toContain('source');
      expect(snapshot.info?.endsWith('…')).toBe(true);
      expect(snapshot.error?.code).toBe('executor-failed');
    });

    it('keeps every field it does not name exact, and every member it keeps whole', () => {
      const snapshot = boundedSnapshot(job);
      const named = new Set(snapshot.truncated?.fields);

      const untouched = Object.fromEntries(Object.entries(job).filter(([field]) => !named.has(field)));
      expect(Object.keys(untouched)).toEqual(expect.arrayContaining(['id', 'source', 'status', 'createdAt']));
      expect(snapshot).toMatchObject(untouched);
      expectKeptExactly(snapshot.outcome, job.outcome ?? {});
      expectKeptExactly(snapshot.config, job.config);
      expectKeptExactly(snapshot.input, job.input ?? {});
      // Room goes to the outcome first, and there to what people read, then the small members.
      expect(Object.keys(snapshot.outcome ?? {}).length).toBeGreaterThan(3);
      expect(snapshot.outcome?.next).toEqual({ type: 'url', url: 'https://example.com/report' });
    });

    it('validates against the published schema of every topic', () => {
      for (const topic of JOB_TOPICS) {
        expect(validateJobEvent(sampleEvent(topic, largestJob(objectBytes)))).toMatchObject({ valid: true });
      }
    });
  });

  it('cuts text at a character, never inside one, and marks the cut', () => {
    expect(cutText('€€€€', 12)).toBe('€€€€');
    expect(cutText('€€€€', 11)).toBe('€€…');
    expect(cutText('a😀b😀c😀', 9)).toBe('a😀b…');
    // Seven bytes would end halfway through the emoji: it goes whole.
    expect(cutText('a😀b😀c😀', 7)).toBe('a…');
  });

  it('leaves out a member nested deeper than DynamoDB can store in the outbox, even a small one', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 40; level++) deep = { down: deep };
    const job = sampleJob({ config: { partSizeBytes: 8192, deep } });
    expect(jsonBytes(job)).toBeLessThan(SNAPSHOT_BUDGET_BYTES);

    const snapshot = boundedSnapshot(job);

    expect(snapshot.config).toEqual({ partSizeBytes: 8192 });
    expect(snapshot.truncated?.fields).toEqual(['config']);
    expect(depthOf(snapshot)).toBeLessThanOrEqual(SNAPSHOT_MAX_DEPTH);
  });

  it('bounds an event committed before snapshots were bounded, and leaves a bounded one as it is', () => {
    const bounded = sampleEvent('job:completed', largestJob());
    const legacy: JobEvent = { ...bounded, job: sampleJob({ ...largestJob(), status: 'COMPLETED' }) };

    expect(jsonBytes(withBoundedSnapshot(legacy).job)).toBeLessThanOrEqual(SNAPSHOT_BUDGET_BYTES);
    expect(withBoundedSnapshot(bounded)).toEqual(bounded);
    expect(boundedSnapshot(bounded.job)).toBe(bounded.job);
  });

  it('holds the budget and the depth for any job, and invents nothing', () => {
    const json = fc.jsonValue({ maxDepth: 24 });
    const record = fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 40 });
    fc.assert(
      fc.property(
        record,
        record,
        fc.option(record, { nil: undefined }),
        fc.string({ unit: 'binary', maxLength: 12_000 }),
        (config, input, outcome, info) => {
          const job = sampleJob({ config, input, info, ...(outcome ? { outcome } : {}) });
          const snapshot = boundedSnapshot(job);
          expect(jsonBytes(snapshot)).toBeLessThanOrEqual(SNAPSHOT_BUDGET_BYTES);
          expect(depthOf(snapshot)).toBeLessThanOrEqual(SNAPSHOT_MAX_DEPTH);
          expectKeptExactly(snapshot.config, config);
          expectKeptExactly(snapshot.input, input);
          expectKeptExactly(snapshot.outcome, outcome ?? {});
          if (snapshot !== job) expect(snapshot.truncated?.fields.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
