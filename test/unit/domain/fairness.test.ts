import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DispatchCursor,
  defaultPartsInFlightPerJob,
  environmentCapOf,
  inFlightOf,
  refillThreshold,
  shareOfCap,
  startCursor,
  topUpCount,
  windowOf,
} from '../../../shared/domain/fairness.js';

describe('a job’s window', () => {
  it('is the per-job setting scaled by the job’s priority, at least one part, and 0 when off', () => {
    const settings = { partsInFlightPerJob: 40 };
    expect(windowOf(settings)).toBe(40);
    expect(windowOf(settings, 'high')).toBe(80);
    expect(windowOf(settings, 'low')).toBe(20);
    expect(windowOf({ partsInFlightPerJob: 1 }, 'low')).toBe(1);
    expect(windowOf({ partsInFlightPerJob: 0 }, 'high')).toBe(0);
  });

  it('is half the processors’ concurrency by default, so that a large job leaves the other half free', () => {
    expect(defaultPartsInFlightPerJob(20)).toBe(10);
    expect(defaultPartsInFlightPerJob(5)).toBe(2);
    expect(defaultPartsInFlightPerJob(2)).toBe(1);
    // One processor: the window cannot be below it, and a job still needs a part in flight.
    expect(defaultPartsInFlightPerJob(1)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1000 }), (concurrency) => {
        const window = defaultPartsInFlightPerJob(concurrency);
        // Below the concurrency even for a `high` job (twice the window).
        expect(windowOf({ partsInFlightPerJob: window }, 'high')).toBeLessThanOrEqual(concurrency);
        expect(window).toBeLessThan(concurrency);
        expect(window).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('counts in flight the parts sent and not settled in this attempt', () => {
    const retry: DispatchCursor = { ...startCursor(10, 2, 70), sent: 8 };
    expect(inFlightOf(retry, 73)).toBe(5);
    // Straggler parts of the attempt before, counted now, never make it negative.
    expect(inFlightOf(retry, 90)).toBe(0);
  });

  it('tops up once a batch’s worth is free, at once when nothing is in flight or the rest fits', () => {
    const cursor: DispatchCursor = { ...startCursor(40, 1, 0), next: 40, sent: 40 };
    expect(refillThreshold(40)).toBe(10);
    expect(topUpCount(cursor, 9, 1000)).toBe(0);
    expect(topUpCount(cursor, 10, 1000)).toBe(10);
    expect(topUpCount(cursor, 3, 2)).toBe(2); // the job's last parts
    expect(topUpCount(startCursor(40, 1, 0), 0, 1000)).toBe(40); // the first window
    expect(topUpCount(startCursor(40, 1, 0), 0, 1000, 3)).toBe(3); // its environment's room
  });
});

describe('an environment’s cap', () => {
  it('takes an environment’s own cap before the default, and none when neither is set', () => {
    const settings = {
      partsInFlightPerJob: 10,
      partsInFlightPerEnvironment: 50,
      environmentCaps: { env_a: 5 },
    };
    expect(environmentCapOf(settings, 'env_a')).toBe(5);
    expect(environmentCapOf(settings, 'env_b')).toBe(50);
    expect(environmentCapOf({ partsInFlightPerJob: 10 }, 'env_b')).toBeUndefined();
  });

  it('leaves a job what the others do not use, and one part when it has none in flight', () => {
    expect(shareOfCap(50, 30, 5)).toBe(20);
    expect(shareOfCap(50, 60, 5)).toBe(0);
    expect(shareOfCap(50, 60, 0)).toBe(1);
  });
});

/**
 * A job run by its window alone: parts finish in any order, some twice (SQS delivers at
 * least once), and each finish tops the window up as the engine does.
 */
describe('a windowed job, property', () => {
  it('never has more than its window in flight, sends each part once in order, and never stalls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 64 }),
        fc.infiniteStream(fc.tuple(fc.nat(), fc.boolean())),
        (parts, window, choices) => {
          let cursor = startCursor(window, 1, 0);
          const settled = new Set<number>();
          const sentOrder: number[] = [];
          const topUp = () => {
            const count = topUpCount(cursor, settled.size, parts - cursor.next);
            for (let i = 0; i < count; i++) sentOrder.push(cursor.next + i);
            cursor = { ...cursor, next: cursor.next + count, sent: cursor.sent + count };
          };
          topUp();
          const choice = choices[Symbol.iterator]();
          while (settled.size < parts) {
            const inFlight = sentOrder.filter((part) => !settled.has(part));
            expect(inFlight.length).toBe(inFlightOf(cursor, settled.size));
            expect(inFlight.length).toBeLessThanOrEqual(window);
            // Nothing in flight with parts left unsent would be a stall.
            expect(inFlight.length).toBeGreaterThan(0);
            const [pick, twice] = choice.next().value;
            const part = inFlight[pick % inFlight.length] ?? -1;
            for (let delivery = 0; delivery < (twice ? 2 : 1); delivery++) {
              settled.add(part);
              topUp();
            }
          }
          expect(sentOrder).toEqual(Array.from({ length: parts }, (_, i) => i));
        },
      ),
    );
  });
});

/**
 * Jobs of one capped environment, each topping up under the room its environment leaves
 * it, with parts finishing in any order.
 */
describe('jobs under an environment’s cap, property', () => {
  it('keep the environment within its cap and one part for each other job, and every job finishes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.infiniteStream(fc.nat()),
        (sizes, window, cap, choices) => {
          const jobs = sizes.map((parts) => ({ parts, cursor: startCursor(window, 1, 0), settled: 0 }));
          const inFlight = (job: (typeof jobs)[number]) => inFlightOf(job.cursor, job.settled);
          const topUp = (job: (typeof jobs)[number]) => {
            const others = jobs.reduce((sum, other) => (other === job ? sum : sum + inFlight(other)), 0);
            const allowed = shareOfCap(cap, others, inFlight(job));
            const count = topUpCount(job.cursor, job.settled, job.parts - job.cursor.next, allowed);
            job.cursor = { ...job.cursor, next: job.cursor.next + count, sent: job.cursor.sent + count };
          };
          for (const job of jobs) topUp(job);
          const choice = choices[Symbol.iterator]();
          while (jobs.some((job) => job.settled < job.parts)) {
            const total = jobs.reduce((sum, job) => sum + inFlight(job), 0);
            // A job with nothing in flight may send one part even when the cap is full.
            expect(total).toBeLessThanOrEqual(cap + jobs.length - 1);
            const busy = jobs.filter((job) => inFlight(job) > 0);
            expect(busy.length).toBeGreaterThan(0); // never stalled
            const job = busy[choice.next().value % busy.length];
            if (!job) throw new Error('no job in flight');
            job.settled++;
            // The finished part's job tops up, then the others (their parts finishing later would).
            topUp(job);
            for (const other of jobs) if (inFlight(other) === 0) topUp(other);
          }
        },
      ),
    );
  });
});
