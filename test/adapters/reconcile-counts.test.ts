/**
 * A part joins its bucket's set, then raises its bucket's count on the job item. A stack
 * killed between the two leaves a part no delivery will count again (the sweeper does not
 * resend a part its bucket holds): the sweeper reconciles the counts from the sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: JobStore;
let parts: typeof import('../../shared/adapters/dynamodb/job-parts.js').jobPartsStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoJobStore: store } = await import('../../shared/adapters/dynamodb/job-store.js'));
  ({ jobPartsStore: parts } = await import('../../shared/adapters/dynamodb/job-parts.js'));
});
afterAll(() => aws?.stop());

describe('reconciling part counts', () => {
  it('counts a part that joined its bucket but died before counting, and never counts one twice', async () => {
    // Prepare: 3 parts; part 0 counted, part 1 only in its bucket (the crash), part 2 not run.
    const { record: created } = await store.create(jobFixture(), []);
    const record = await store.update(
      created,
      { job: { status: 'EXECUTING', parts: 3 }, resetCounts: true },
      [],
    );
    await store.countParts(record.job.id, [{ part: 0, stats: { rows: 1 } }]);
    await parts.addToBuckets(record.job.id, [{ part: 1, stats: { rows: 6 } }]);
    const before = await store.get(record.job.id);
    expect(before?.job.processed).toBe(1);

    // Act
    const reconciled = await store.reconcileCounts(before!);
    const again = await store.reconcileCounts(reconciled!);

    // Assess: part 1 counted once; part 2 still pending; counts never went down.
    expect(reconciled?.job).toMatchObject({ processed: 2, rowsProcessed: 7 });
    expect(again?.job).toMatchObject({ processed: 2, rowsProcessed: 7 });
    expect(await store.pendingParts(again!)).toEqual([2]);
  });
});
