import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../shared/domain/errors.js';
import type { OutboxEntry } from '../../shared/domain/events.js';
import { newId } from '../../shared/domain/ids.js';
import type { JobStore } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { jobFixture } from '../helpers/jobs.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let store: JobStore;

beforeAll(async () => {
  aws = await startEmulatedAws();
  ({ dynamoJobStore: store } = await import('../../shared/adapters/dynamodb/job-store.js'));
});
afterAll(() => aws?.stop());

const newJob = jobFixture;

const command = (jobId: string): OutboxEntry => ({ id: newId('command'), command: { kind: 'plan', jobId } });

async function executingJob(parts: number) {
  const { record } = await store.create(newJob(), []);
  return store.update(record, { job: { status: 'EXECUTING', parts }, resetCounts: true }, []);
}

describe('the DynamoDB job store', () => {
  it('counts each part once when it is reported twice', async () => {
    const record = await executingJob(3);
    const first = await store.countParts(record.job.id, [{ part: 1, stats: { rows: 10 } }]);
    const again = await store.countParts(record.job.id, [{ part: 1, stats: { rows: 10 } }]);
    expect(first).toMatchObject({ counted: true, record: { job: { processed: 1 } } });
    expect(again).toMatchObject({ counted: false, record: { job: { processed: 1 } } });
  });

  it('counts exactly the parts reported when hundreds arrive at once, with duplicates, across buckets', async () => {
    // Prepare
    const parts = 250;
    const record = await executingJob(parts);
    const reports = [...Array(parts).keys(), ...Array(parts).keys()].sort(() => Math.random() - 0.5);

    // Act
    const results = await Promise.all(
      reports.map((part) => store.countParts(record.job.id, [{ part: part, stats: { rows: 1 } }])),
    );

    // Assess
    const fresh = await store.get(record.job.id);
    expect(fresh?.job.processed).toBe(parts);
    expect(fresh?.job.progress).toBe(100);
    // Exactly the reports that moved the count saw themselves counted.
    expect(results.filter((r) => r?.counted).length).toBeGreaterThanOrEqual(Math.ceil(parts / 100));
    expect(results.some((r) => r?.record.job.processed === parts)).toBe(true);
    expect(await store.pendingParts(fresh!)).toEqual([]);
  });

  it('no longer counts parts of a job that is not executing', async () => {
    const { record } = await store.create(newJob(), []);
    expect(await store.countParts(record.job.id, [{ part: 0, stats: {} }])).toBeUndefined();
  });

  it('refuses a write based on a stale version', async () => {
    const { record } = await store.create(newJob(), []);
    await store.update(record, { job: { status: 'READY', parts: 2 } }, []);
    await expect(store.update(record, { job: { status: 'FAILED' } }, [])).rejects.toBeInstanceOf(
      StaleWriteError,
    );
  });

  it('keeps outbox entries until they are cleared, and lists them while they wait', async () => {
    const job = newJob();
    const entry = command(job.id);
    const { record } = await store.create(job, [entry]);
    expect(record.outbox.map((e) => e.id)).toEqual([entry.id]);
    const waiting = await store.withPendingOutbox(new Date(Date.now() + 1000).toISOString(), 100);
    expect(waiting.map((r) => r.job.id)).toContain(job.id);
    await store.clearOutbox(job.id, [entry.id]);
    expect((await store.get(job.id))?.outbox).toEqual([]);
    const after = await store.withPendingOutbox(new Date(Date.now() + 1000).toISOString(), 100);
    expect(after.map((r) => r.job.id)).not.toContain(job.id);
  });

  it('returns the first job again for a repeated idempotency key, with the fingerprint it was created with', async () => {
    const key = `same-key-${newId('job')}`;
    const first = await store.create(newJob(), [], { key, fingerprint: 'f1' });
    const second = await store.create(newJob(), [], { key, fingerprint: 'f2' });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({
      created: false,
      fingerprint: 'f1',
      record: { job: { id: first.record.job.id } },
    });
  });

  it('gives no fingerprint for a job created under a key before fingerprints were stored', async () => {
    // Prepare: a job item as an older partwise wrote it, its key without a fingerprint
    const key = `old-key-${newId('job')}`;
    const first = await store.create(newJob(), [], { key, fingerprint: 'f' });
    const { documentClient, tableName } = await import('../../shared/adapters/dynamodb/client.js');
    const { jobKey } = await import('../../shared/adapters/dynamodb/job-item.js');
    await (await documentClient()).send(
      new UpdateCommand({
        TableName: tableName(),
        Key: jobKey(first.record.job.id),
        UpdateExpression: 'REMOVE idempotencyFingerprint',
      }),
    );

    // Act
    const again = await store.create(newJob(), [], { key, fingerprint: 'f2' });

    // Assess
    expect(again).toMatchObject({ created: false, record: { job: { id: first.record.job.id } } });
    expect(again.fingerprint).toBeUndefined();
  });

  it('lists an environment’s jobs newest first, page by page, without gaps or repeats', async () => {
    const environmentId = `env_${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const job = newJob({
        environmentId,
        createdAt: new Date(Date.now() + i).toISOString(),
        status: i % 2 ? 'READY' : 'PLANNING',
      });
      ids.push((await store.create(job, [])).record.job.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list(environmentId, {}, 3, cursor);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const ready = await store.list(environmentId, { status: 'READY' }, 10);
    expect(ready.jobs).toHaveLength(3);
  });

  it('hides a deleted job from reads and lists', async () => {
    const { record } = await store.create(newJob({ environmentId: 'env_deleted' }), []);
    await store.markDeleted(record, []);
    expect(await store.get(record.job.id)).toBeUndefined();
    expect((await store.list('env_deleted', {}, 10)).jobs).toEqual([]);
  });
});
