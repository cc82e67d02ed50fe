import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../shared/domain/events.js';
import { newId } from '../../shared/domain/ids.js';
import type { JobRecord, JobStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

/**
 * What the DynamoDB job store keeps beside a job, and the sparse indexes the relay and the
 * sweeper read: `outbox` (entries not yet relayed) and `active` (jobs the engine must move
 * on). Each test works with jobs of its own; index reads are filtered to them.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: JobStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoJobStore: store } = await import('../../shared/adapters/dynamodb/job-store.js'));
});
afterAll(() => aws?.stop());

const command = (jobId: string): OutboxEntry => ({ id: newId('command'), command: { kind: 'plan', jobId } });
const inAMinute = () => new Date(Date.now() + 60_000).toISOString();
const ids = (records: JobRecord[]) => records.map((record) => record.job.id);

async function created(outbox: (jobId: string) => OutboxEntry[] = () => []) {
  const job = jobFixture();
  return (await store.create(job, outbox(job.id))).record;
}

describe('a job record in the DynamoDB job store', () => {
  it('keeps what the engine keeps beside the job, and counts the events it commits', async () => {
    // Prepare
    const record = await created();
    const job = record.job;
    const event: OutboxEntry = {
      id: newId('event'),
      event: {
        version: 1,
        id: 'evt_x',
        topic: 'job:updated',
        createdAt: job.createdAt,
        sequence: 1,
        jobId: job.id,
        environmentId: job.environmentId,
        operation: job.operation,
        status: job.status,
        attempt: 1,
        parts: 0,
        processed: 0,
        progress: 0,
        job,
      },
    };

    const planCommand = command(job.id);

    // Act
    const updated = await store.update(
      record,
      {
        job: { info: 'hello', updatedAt: '2030-01-01T00:00:00.000Z' },
        state: { planKey: 'plans/x' },
        executeRequested: true,
        lastProgressEventAt: 1234,
        reportedProgress: 55,
        ackedAt: '2030-01-01T00:00:00.000Z',
      },
      [event, planCommand],
    );

    // Assess
    expect(updated).toMatchObject({
      version: record.version + 1,
      eventCount: record.eventCount + 1,
      executeRequested: true,
      state: { planKey: 'plans/x' },
      lastProgressEventAt: 1234,
      ackedAt: '2030-01-01T00:00:00.000Z',
      job: { info: 'hello', progress: 55, updatedAt: '2030-01-01T00:00:00.000Z' },
    });
    expect(updated.outbox).toEqual([event, planCommand].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(await store.get(job.id)).toEqual(updated);
  });

  it('removes a field set to nothing, and starts the part counts over', async () => {
    const record = await created();
    const executing = await store.update(
      record,
      { job: { status: 'EXECUTING', parts: 3, info: 'x' }, resetCounts: true },
      [],
    );
    await store.countParts(record.job.id, [{ part: 0, stats: {} }]);
    await store.failPart(record.job.id, 1, { code: 'c', message: 'm', part: 1 }, 1);
    const counted = (await store.get(record.job.id))!;
    expect(counted.job).toMatchObject({ processed: 1, failed: 1 });

    const reset = await store.update(counted, { job: { info: undefined }, resetCounts: true }, []);

    expect(executing.job.info).toBe('x');
    expect(reset.job).toMatchObject({ processed: 0, failed: 0, progress: 0 });
    expect(reset.job.info).toBeUndefined();
  });

  it('marks a cleanup pending, and forgets it once done', async () => {
    const record = await created();
    const pending = await store.update(record, { job: { status: 'CANCELED' }, cleanupPending: true }, []);
    const done = await store.update(pending, { cleanupPending: false }, []);

    expect(pending.cleanupPending).toBe(true);
    expect(done.cleanupPending).toBeUndefined();
    expect((await store.get(record.job.id))?.cleanupPending).toBeUndefined();
  });
});

describe('the outbox index', () => {
  it('lists jobs whose entries wait since before a moment, and leaves them once cleared', async () => {
    const waiting = await created((jobId) => [command(jobId), command(jobId)]);
    const quiet = await created();

    const listed = ids(await store.withPendingOutbox(inAMinute(), 100));
    const notYet = ids(await store.withPendingOutbox('2000-01-01T00:00:00.000Z', 100));
    await store.clearOutbox(
      waiting.job.id,
      waiting.outbox.map((entry) => entry.id),
    );

    expect(listed).toContain(waiting.job.id);
    expect(listed).not.toContain(quiet.job.id);
    expect(notYet).not.toContain(waiting.job.id);
    expect(ids(await store.withPendingOutbox(inAMinute(), 100))).not.toContain(waiting.job.id);
  });

  it('keeps a job listed while an entry is left, as when one arrived after the relay read it', async () => {
    const record = await created((jobId) => [command(jobId)]);
    const later = await store.update(record, {}, [command(record.job.id)]);
    expect(later.outbox).toHaveLength(2);

    await store.clearOutbox(record.job.id, [record.outbox[0]!.id]);

    const left = await store.get(record.job.id);
    expect(left?.outbox.map((entry) => entry.id)).toEqual([later.outbox[1]!.id]);
    expect(ids(await store.withPendingOutbox(inAMinute(), 100))).toContain(record.job.id);
  });

  it('clears nothing when given nothing, and forgives clearing a job that is gone', async () => {
    const record = await created((jobId) => [command(jobId)]);
    await store.clearOutbox(record.job.id, []);
    expect((await store.get(record.job.id))?.outbox).toHaveLength(1);
    await expect(store.clearOutbox(newId('job'), ['cmd_x'])).resolves.toBeUndefined();
  });

  it('still lists a deleted job until its job:deleted is relayed', async () => {
    const record = await created();
    await store.markDeleted(record, [command(record.job.id)]);

    expect(ids(await store.withPendingOutbox(inAMinute(), 100))).toContain(record.job.id);
    expect(ids(await store.staleActive(inAMinute(), 100))).not.toContain(record.job.id);
  });

  it('reads at most the number asked for', async () => {
    for (let i = 0; i < 3; i++) await created((jobId) => [command(jobId)]);

    expect(await store.withPendingOutbox(inAMinute(), 2)).toHaveLength(2);
  });
});

describe('the active index', () => {
  it('holds jobs planning or executing, and ended jobs only while their cleanup is pending', async () => {
    // Prepare: one job in each situation.
    const planning = await created();
    const executing = await store.update(await created(), { job: { status: 'EXECUTING', parts: 1 } }, []);
    const ready = await store.update(await created(), { job: { status: 'READY', parts: 1 } }, []);
    const cleaning = await store.update(
      await created(),
      { job: { status: 'FAILED' }, cleanupPending: true },
      [],
    );
    const completed = await store.update(executing, { job: { status: 'COMPLETED' } }, []);
    const cleaned = await store.update(cleaning, { cleanupPending: false }, []);

    // Act
    const active = ids(await store.staleActive(inAMinute(), 500));

    // Assess
    expect(active).toContain(planning.job.id);
    expect(active).not.toContain(ready.job.id);
    expect(active).not.toContain(completed.job.id);
    expect(active).not.toContain(cleaned.job.id);
    expect(ids(await store.staleActive('2000-01-01T00:00:00.000Z', 500))).not.toContain(planning.job.id);
  });

  it('keeps an ended job whose cleanup is pending in sight of the sweeper', async () => {
    const cleaning = await store.update(
      await created(),
      { job: { status: 'CANCELED' }, cleanupPending: true },
      [],
    );
    const touched = await store.update(cleaning, { job: { info: 'still cleaning' } }, []);

    const active = ids(await store.staleActive(inAMinute(), 500));

    expect(touched.cleanupPending).toBe(true);
    expect(active).toContain(cleaning.job.id);
  });
});
