import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

/**
 * Counting parts in the DynamoDB job store (DESIGN §4): each finished part adds its index to
 * its bucket's set, then raises the bucket's count on the job item to the size of that set.
 * Two processors finishing parts of one bucket write those counts in either order.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: JobStore;
/** The process's document client itself: the tests add middlewares to it. */
let dynamo: DynamoDBDocumentClient;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoJobStore: store } = await import('../../shared/adapters/dynamodb/job-store.js'));
  dynamo = await (await import('../../shared/adapters/dynamodb/client.js')).documentClient();
});
afterAll(() => aws?.stop());

async function executingJob(parts: number) {
  const { record } = await store.create(jobFixture(), []);
  return store.update(record, { job: { status: 'EXECUTING', parts }, resetCounts: true }, []);
}

/**
 * Pauses the next write of bucket counts to one job item until `resume()`, as a processor
 * that stalls between its two writes (after its bucket, before the job).
 */
function pauseCountWrite(jobId: string) {
  const name = `pause-count-write-${jobId}`;
  let reached: () => void = () => {};
  let resume: () => void = () => {};
  const paused = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const resumed = new Promise<void>((resolve) => {
    resume = resolve;
  });
  let armed = true;
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = JSON.stringify((args as { input?: unknown }).input);
      if (armed && input.includes(`JOB#${jobId}`) && input.includes('doneCounts')) {
        armed = false;
        reached();
        await resumed;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    paused,
    resume() {
      dynamo.middlewareStack.remove(name);
      resume();
    },
  };
}

describe('counting the parts of a job', () => {
  it('sums the rows of finished parts once each, however often a part is reported', async () => {
    // Prepare: three parts in two buckets (100 parts a bucket).
    const record = await executingJob(200);

    // Act: each reported twice, as duplicate deliveries would.
    for (const [part, rows] of [
      [0, 10],
      [1, 20],
      [150, 300],
    ] as const) {
      await store.countParts(record.job.id, [{ part: part, stats: { rows } }]);
      await store.countParts(record.job.id, [{ part: part, stats: { rows } }]);
    }

    // Assess
    expect((await store.get(record.job.id))?.job).toMatchObject({ processed: 3, rowsProcessed: 330 });
  });

  it('counts the parts of a job created before rows were counted, leaving its rows unknown', async () => {
    // Prepare: a job item as stored before `doneRows` existed.
    const record = await executingJob(2);
    await dynamo.send(
      new UpdateCommand({
        TableName: aws.provisioned.tableName,
        Key: { pk: `JOB#${record.job.id}`, sk: 'JOB' },
        UpdateExpression: 'REMOVE doneRows',
      }),
    );

    // Act
    const counted = await store.countParts(record.job.id, [{ part: 0, stats: { rows: 9 } }]);

    // Assess
    expect(counted).toMatchObject({ counted: true, record: { job: { processed: 1 } } });
    expect(counted?.record.job.rowsProcessed).toBeUndefined();
  });

  it('never lets a late, smaller count undo a larger one when two parts of one bucket race', async () => {
    // Prepare: part 0 is in its bucket first, but its processor stalls before it writes the
    // bucket's count (1) to the job.
    const record = await executingJob(2);
    const stall = pauseCountWrite(record.job.id);
    const slow = store.countParts(record.job.id, [{ part: 0, stats: { rows: 1 } }]);
    await stall.paused;

    // Act: part 1 is counted meanwhile (the bucket holds 2); then the stalled write goes on.
    const fast = await store.countParts(record.job.id, [{ part: 1, stats: { rows: 4 } }]);
    stall.resume();
    const late = await slow;

    // Assess: the count stays at 2; the late write moved nothing, and says so.
    expect(fast).toMatchObject({ counted: true, record: { job: { processed: 2, progress: 100 } } });
    expect(late).toMatchObject({ counted: false, record: { job: { processed: 2 } } });
    expect((await store.get(record.job.id))?.job).toMatchObject({
      processed: 2,
      rowsProcessed: 5,
      progress: 100,
    });
  });

  it('counts a part whose processor died between its two writes when it is delivered again', async () => {
    // Prepare: part 0 is in its bucket, but the count never reached the job.
    const record = await executingJob(3);
    const stall = pauseCountWrite(record.job.id);
    const stalled = store.countParts(record.job.id, [{ part: 0, stats: { rows: 5 } }]);
    await stall.paused;
    expect((await store.get(record.job.id))?.job.processed).toBe(0);

    // Act: the message comes back after the visibility timeout.
    const again = await store.countParts(record.job.id, [{ part: 0, stats: { rows: 5 } }]);
    stall.resume();
    const resumed = await stalled; // had it not died after all, its write now moves nothing

    // Assess
    expect(again).toMatchObject({ counted: true, record: { job: { processed: 1 } } });
    expect(resumed).toMatchObject({ counted: false, record: { job: { processed: 1 } } });
    expect((await store.get(record.job.id))?.job.processed).toBe(1);
  });

  it('keeps what each part reported, and tells finished, failed and pending parts apart', async () => {
    // Prepare: parts 0 and 101 (two buckets) finish, part 2 fails for good, the rest wait.
    const record = await executingJob(150);
    await store.countParts(record.job.id, [{ part: 0, stats: { rows: 10, bytes: 100 } }]);
    await store.countParts(record.job.id, [{ part: 101, stats: { rows: 7 } }]);
    await store.failPart(record.job.id, 2, { code: 'part-exhausted', message: 'disk on fire', part: 2 }, 1);
    const fresh = (await store.get(record.job.id))!;

    // Act
    const first = await store.listParts(fresh, 0, 3);
    const later = await store.listParts(fresh, 100, 3);
    const pending = await store.pendingParts(fresh);

    // Assess
    expect(fresh.job).toMatchObject({ processed: 2, rowsProcessed: 17, failed: 1, progress: 1 });
    expect(first).toEqual([
      { part: 0, status: 'COMPLETED', stats: { rows: 10, bytes: 100 } },
      { part: 1, status: 'PENDING' },
      { part: 2, status: 'FAILED', error: { code: 'part-exhausted', message: 'disk on fire', part: 2 } },
    ]);
    expect(later).toEqual([
      { part: 100, status: 'PENDING' },
      { part: 101, status: 'COMPLETED', stats: { rows: 7 } },
      { part: 102, status: 'PENDING' },
    ]);
    expect(pending).toHaveLength(147);
    expect(pending.slice(0, 3)).toEqual([1, 3, 4]);
    expect(pending).not.toContain(101);
    expect(pending.at(-1)).toBe(149);
  });

  it('lists no parts past the last one', async () => {
    const record = await executingJob(3);
    expect(await store.listParts(record, 2, 10)).toEqual([{ part: 2, status: 'PENDING' }]);
    expect(await store.listParts(record, 3, 10)).toEqual([]);
  });

  it('counts nothing for a job that is deleted or no longer executing', async () => {
    const deleted = await executingJob(2);
    await store.markDeleted(deleted, []);
    const canceled = await executingJob(2);
    await store.update(canceled, { job: { status: 'CANCELED' } }, []);

    expect(await store.countParts(deleted.job.id, [{ part: 0, stats: {} }])).toBeUndefined();
    expect(await store.countParts(canceled.job.id, [{ part: 0, stats: {} }])).toBeUndefined();
    expect((await store.get(canceled.job.id))?.job.processed).toBe(0);
  });

  it('records a part’s failure once, however often it is reported', async () => {
    const record = await executingJob(2);
    const error = { code: 'part-exhausted', message: 'disk on fire', part: 1 };

    await store.failPart(record.job.id, 1, error, 1);
    await store.failPart(record.job.id, 1, error, 1);

    expect((await store.get(record.job.id))?.job.failed).toBe(1);
  });

  it('keeps the last error of a part’s attempts for the dead-letter handler', async () => {
    const record = await executingJob(2);
    expect(await store.lastAttemptError(record.job.id, 1)).toBeUndefined();

    await store.noteAttemptError(record.job.id, 1, 'first try: timeout');
    await store.noteAttemptError(record.job.id, 1, 'second try: disk on fire');

    expect(await store.lastAttemptError(record.job.id, 1)).toBe('second try: disk on fire');
    expect(await store.lastAttemptError(record.job.id, 0)).toBeUndefined();
  });
});

/** Counts the writes of bucket counts to one job item (the job-item writes counting costs). */
function countWritesTo(jobId: string) {
  const name = `count-writes-${jobId}-${Math.random()}`;
  let writes = 0;
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = JSON.stringify((args as { input?: unknown }).input);
      if (input.includes(`JOB#${jobId}`) && input.includes('"sk":"JOB"') && input.includes('doneCounts'))
        writes++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    get writes() {
      return writes;
    },
    stop: () => dynamo.middlewareStack.remove(name),
  };
}

describe('counting a batch of parts', () => {
  it('counts a batch of one bucket in one write to the job item', async () => {
    // Prepare
    const record = await executingJob(20);
    const counter = countWritesTo(record.job.id);

    // Act: ten parts of bucket 0, as one processor invocation finishes them.
    const batch = Array.from({ length: 10 }, (_, part) => ({ part, stats: { rows: part } }));
    const counted = await store.countParts(record.job.id, batch);
    counter.stop();

    // Assess
    expect(counted).toMatchObject({ counted: true, record: { job: { processed: 10, rowsProcessed: 45 } } });
    expect(counter.writes).toBe(1);
  });

  it('counts a batch across two buckets in one write, and a part twice in it once', async () => {
    const record = await executingJob(200);
    const counter = countWritesTo(record.job.id);

    const counted = await store.countParts(record.job.id, [
      { part: 98, stats: { rows: 1 } },
      { part: 99, stats: { rows: 2 } },
      { part: 99, stats: { rows: 2 } },
      { part: 100, stats: { rows: 4 } },
    ]);
    counter.stop();

    expect(counted).toMatchObject({ counted: true, record: { job: { processed: 3, rowsProcessed: 7 } } });
    expect(counter.writes).toBe(1);
    const again = await store.countParts(record.job.id, [
      { part: 99, stats: { rows: 2 } },
      { part: 100, stats: { rows: 4 } },
    ]);
    expect(again).toMatchObject({ counted: false, record: { job: { processed: 3, rowsProcessed: 7 } } });
  });

  it('still counts a batch whose one bucket another batch raised further meanwhile', async () => {
    // Prepare: a batch of parts 99 (bucket 0) and 100 (bucket 1) stalls before its job write.
    const record = await executingJob(200);
    const stall = pauseCountWrite(record.job.id);
    const slow = store.countParts(record.job.id, [
      { part: 99, stats: { rows: 1 } },
      { part: 100, stats: { rows: 10 } },
    ]);
    await stall.paused;

    // Act: another batch fills bucket 1 further (it holds 100 and 101: count 2); then the
    // stalled batch writes bucket 1's count of 1, which must not lower it.
    const fast = await store.countParts(record.job.id, [{ part: 101, stats: { rows: 100 } }]);
    stall.resume();
    const late = await slow;

    // Assess: bucket 0 was raised on its own, bucket 1 kept its higher count.
    expect(fast).toMatchObject({ counted: true, record: { job: { processed: 2, rowsProcessed: 110 } } });
    expect(late).toMatchObject({ counted: true, record: { job: { processed: 3, rowsProcessed: 111 } } });
    expect((await store.get(record.job.id))?.job).toMatchObject({ processed: 3, rowsProcessed: 111 });
  });

  it('counts each part exactly once whatever batches, duplicates and races deliver it in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 249 }), { minLength: 1, maxLength: 10 }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (batches) => {
          // Prepare: 250 parts in three buckets; a part reports its index + 1 rows.
          const record = await executingJob(250);
          const report = (parts: number[]) =>
            store.countParts(
              record.job.id,
              parts.map((part) => ({ part, stats: { rows: part + 1 } })),
            );

          // Act: every batch at once, as concurrent processor instances would; then each
          // again, as redeliveries after a crash.
          await Promise.all(batches.map(report));
          for (const batch of batches) await report(batch);

          // Assess
          const distinct = [...new Set(batches.flat())];
          const rows = distinct.reduce((sum, part) => sum + part + 1, 0);
          expect((await store.get(record.job.id))?.job).toMatchObject({
            processed: distinct.length,
            rowsProcessed: rows,
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});
