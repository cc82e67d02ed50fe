/**
 * The job store at the edges of a job's life, over the real table: the deleted job's item
 * (kept a week for the relay and support, then expired by TTL), the stall count the
 * watchdog keeps, and the reconciliation of counts of a job that is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxFor } from '../../shared/engine/commit.js';
import type { JobStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: JobStore;
let readJobItem: typeof import('../../shared/adapters/dynamodb/job-indexes.js').readJobItem;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoJobStore: store } = await import('../../shared/adapters/dynamodb/job-store.js'));
  ({ readJobItem } = await import('../../shared/adapters/dynamodb/job-indexes.js'));
});
afterAll(() => aws?.stop());

const WEEK_SECONDS = 7 * 24 * 3600;

describe('a deleted job', () => {
  it('is hidden, keeps its item a week with its new version and event count, then expires', async () => {
    // Prepare
    const { record } = await store.create(jobFixture({ status: 'COMPLETED' }), []);
    const jobId = record.job.id;

    // Act
    const before = Math.floor(Date.now() / 1000);
    await store.markDeleted(
      record,
      outboxFor(record, { changes: {}, topics: ['job:deleted'] }, new Date().toISOString()),
    );
    const after = Math.floor(Date.now() / 1000);

    // Assess
    expect(await store.get(jobId)).toBeUndefined();
    const item = await readJobItem(jobId);
    expect(item).toMatchObject({ version: record.version + 1, eventCount: record.eventCount + 1 });
    expect(Number(item?.expiresAt)).toBeGreaterThanOrEqual(before + WEEK_SECONDS);
    expect(Number(item?.expiresAt)).toBeLessThanOrEqual(after + WEEK_SECONDS);
    expect(item?.deletedAt).toEqual(expect.any(String));
    // Nothing sweeps it any more, and counts are not reconciled for it.
    expect(item?.activeShard).toBeUndefined();
    expect(await store.reconcileCounts(record)).toBeUndefined();
  });
});

describe('the stall count of a job', () => {
  it('rises by one at each sweep that finds the job unchanged', async () => {
    const { record } = await store.create(jobFixture(), []);

    expect(await store.noteStall(record)).toBe(1);
    expect(await store.noteStall(record)).toBe(2);
    expect((await store.get(record.job.id))?.stalls).toBe(2);
  });

  it('is not noted for a job that changed since the sweep read it, and a change starts it over', async () => {
    // Prepare: one stall noted, then the job moves on.
    const { record } = await store.create(jobFixture(), []);
    await store.noteStall(record);
    const moved = await store.update(record, { job: { status: 'READY' } }, []);

    // Act: the sweep noting a stall on what it had read before the move.
    const noted = await store.noteStall(record);

    // Assess
    expect(noted).toBeUndefined();
    expect(moved.stalls).toBeUndefined();
    expect((await store.get(record.job.id))?.stalls).toBeUndefined();
  });

  it('is not noted for a job that ended (it left the sweeper’s sight)', async () => {
    const { record } = await store.create(jobFixture(), []);
    const ended = await store.update(
      record,
      { job: { status: 'FAILED', error: { code: 'x', message: 'failed' } } },
      [],
    );

    expect(await store.noteStall(ended)).toBeUndefined();
  });
});
