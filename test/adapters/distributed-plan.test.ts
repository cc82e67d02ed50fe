import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config.js';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import { planCsvLayout } from '../../shared/formats/csv/boundaries.js';
import { HEAD_BYTES } from '../../shared/formats/csv/ranged-plan.js';
import type { JobStore, QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsvWithLongCells } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';
import { jobFixture } from '../helpers/jobs.js';

/**
 * Distributed planning over the emulated adapters (engine/scans.ts): a CSV above
 * `distributedPlanningBytes` is planned by a wave of range scans, counted once each, and
 * composed into the plan the one-function planner makes.
 */
const THRESHOLD = 3 * 1024 * 1024;
const PART_SIZE = 256 * 1024;
const ENV_ID = 'env_scans';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let store: JobStore;
let engine: typeof import('../../shared/engine/lifecycle.js');
let driver: ReturnType<typeof engineDriver>;

beforeAll(async () => {
  process.env[ENV.distributedPlanningBytes] = String(THRESHOLD);
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  store = services.jobs;
  engine = await import('../../shared/engine/lifecycle.js');
  driver = engineDriver(aws, services);
});
afterAll(() => aws?.stop());

const scanObjects = (jobId: string) => services.blobs.list(objectKeysOf(ENV_ID).planScans(jobId));
const planObjects = (jobId: string) => services.blobs.list(objectKeysOf(ENV_ID).plans(jobId));

async function boundariesOf(jobId: string): Promise<number[] | undefined> {
  const { loadPlan } = await import('../../shared/operations/plans.js');
  const record = await services.jobs.get(jobId);
  const plan = await loadPlan<{ boundaries?: number[] }>(services, String(record?.state.planKey));
  return plan.boundaries;
}

describe('distributed planning', () => {
  const csv = generateCsvWithLongCells(60_000);
  const bytes = Buffer.from(csv.text);
  const ranges = Math.ceil((bytes.length - HEAD_BYTES) / PART_SIZE);

  it('plans a file above the threshold by range scans, as the one-function planner does, and extracts it whole', async () => {
    expect(bytes.length).toBeGreaterThan(THRESHOLD);
    const source = await driver.uploadCsv(ENV_ID, csv.text);
    const { job } = await engine.createJob(services, ENV_ID, {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: PART_SIZE },
    });
    // Every message delivered twice: the plan command, each scan, each part.
    const ready = await driver.drive(job.id, { duplicate: true, until: (r) => r.job.status !== 'PLANNING' });
    expect(ready.record.job.status).toBe('READY');

    // One stored result per range, and the boundaries of the sequential pass.
    expect(await scanObjects(job.id)).toHaveLength(ranges);
    const sequential = await planCsvLayout(Readable.from([bytes]), { partSize: PART_SIZE, delimiter: ',' });
    expect(await boundariesOf(job.id)).toEqual(sequential.boundaries);
    expect(ready.record.job.parts).toBe(sequential.boundaries.length - 1);

    await engine.executeJob(services, ENV_ID, job.id);
    const done = (await driver.drive(job.id, { duplicate: true })).record.job;
    expect(done).toMatchObject({ status: 'COMPLETED', outcome: { records: csv.rows.length } });

    const workbook = await services.resources.getWorkbook(String(done.destination));
    const { readRecords } = await import('../../shared/operations/segments.js');
    const { records, total } = await readRecords(services, String(workbook?.sheets[0]?.id), 0, 100_000);
    expect(total).toBe(csv.rows.length);
    expect(records.map((r) => Object.values(r.values))).toEqual(csv.rows);
    // The scans went with the job's other plan objects.
    expect(await planObjects(job.id)).toEqual([]);
  }, 120_000);

  it('sends the scans that were lost again when the sweeper plans the stale job again', async () => {
    const { sweep } = await import('../../shared/engine/sweep.js');
    const { runCommand } = await import('../../shared/engine/commands.js');
    const source = await driver.uploadCsv(ENV_ID, csv.text);
    const { job } = await engine.createJob(services, ENV_ID, {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: PART_SIZE },
    });
    // The plan command sends the wave; every scan is lost on the queue.
    await driver.dropQueued();
    await runCommand(services, { kind: 'plan', jobId: job.id });
    await driver.dropQueued();
    expect(await scanObjects(job.id)).toEqual([]);
    expect((await services.jobs.get(job.id))?.job.status).toBe('PLANNING');

    const report = await sweep(services, 0);
    expect(report.replanned).toBeGreaterThanOrEqual(1);
    const ready = await driver.drive(job.id, { until: (r) => r.job.status !== 'PLANNING' });
    expect(ready.record.job.status).toBe('READY');
    expect(await scanObjects(job.id)).toHaveLength(ranges);
    const sequential = await planCsvLayout(Readable.from([bytes]), { partSize: PART_SIZE, delimiter: ',' });
    expect(await boundariesOf(job.id)).toEqual(sequential.boundaries);
  }, 120_000);
  it('fails the job when the file changed between its plan and a scan, as a plan would', async () => {
    const { runCommand } = await import('../../shared/engine/commands.js');
    const source = await driver.uploadCsv(ENV_ID, csv.text);
    const { job } = await engine.createJob(services, ENV_ID, {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: PART_SIZE },
    });
    await driver.dropQueued();
    await runCommand(services, { kind: 'plan', jobId: job.id });
    // The scans are queued, pinned to the content the plan read; the file is replaced.
    await services.blobs.write(objectKeysOf(ENV_ID).upload(source), csv.text.replace('id,', 'ID,'));
    const failed = (await driver.drive(job.id)).record.job;
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'content-changed' } });
    expect(await scanObjects(job.id)).toEqual([]);
  }, 120_000);

  it('removes the result of a scan that finds, once written, that its job ended and was cleaned up', async () => {
    const { runCommand } = await import('../../shared/engine/commands.js');
    const source = await driver.uploadCsv(ENV_ID, csv.text);
    const { job } = await engine.createJob(services, ENV_ID, {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: PART_SIZE },
    });
    await driver.dropQueued();
    await runCommand(services, { kind: 'plan', jobId: job.id });
    const planning = await services.jobs.get(job.id);
    const scans: Extract<QueueMessage, { kind: 'scan' }>[] = [];
    const captured = {
      ...services,
      queue: { send: async (messages: QueueMessage[]) => void scans.push(...(messages as typeof scans)) },
    };
    await runCommand(captured, { kind: 'plan', jobId: job.id });
    // The job fails and its cleanup runs while a scan is under way: the scan read the job
    // while it was still planning.
    await engine.failJob(services, job.id, { code: 'test', message: 'ended during the wave' });
    await runCommand(services, { kind: 'cleanup', jobId: job.id });
    let reads = 0;
    const late = {
      ...services,
      jobs: {
        ...services.jobs,
        get: async (id: string) => (reads++ === 0 ? planning : services.jobs.get(id)),
      },
    };
    await runCommand(late, scans[0] as (typeof scans)[number]);
    expect(reads).toBeGreaterThan(1);
    expect(await scanObjects(job.id)).toEqual([]);
  }, 120_000);

  it('touches the job each time a bucket of 100 scans fills, so the watchdog sees planning move', async () => {
    const { ReceiveMessageCommand, DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    const { runCommand } = await import('../../shared/engine/commands.js');
    // Parts of 8 KiB: about 150 ranges after the head, in two buckets.
    const cut = generateCsvWithLongCells(60_000).text.slice(0, THRESHOLD + 150 * 1024);
    const text = cut.slice(0, cut.lastIndexOf('\n') + 1);
    const wave = Math.ceil((Buffer.byteLength(text) - HEAD_BYTES) / 8192);
    expect(wave).toBeGreaterThan(100);
    expect(wave).toBeLessThanOrEqual(200);
    const source = await driver.uploadCsv(ENV_ID, text);
    const { job } = await engine.createJob(services, ENV_ID, {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: 8192 },
    });
    await driver.dropQueued();
    await runCommand(services, { kind: 'plan', jobId: job.id });
    const before = await services.jobs.get(job.id);
    const queueUrl = aws.provisioned.partsQueue.url;
    const scans: Extract<QueueMessage, { kind: 'scan' }>[] = [];
    for (let round = 0; round < 100 && scans.length < wave; round++) {
      const { Messages = [] } = await aws.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const message of Messages) {
        scans.push(JSON.parse(message.Body ?? '{}'));
        await aws.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    expect(scans.map((scan) => scan.range).sort((a, b) => a - b)).toEqual(
      Array.from({ length: wave }, (_, k) => k),
    );
    // The first 99 of bucket 0 leave the job as it was; the 100th fills it and moves the job.
    const inOrder = scans.sort((a, b) => a.range - b.range);
    for (const scan of inOrder.slice(0, 99)) await runCommand(services, scan);
    expect((await services.jobs.get(job.id))?.version).toBe(before?.version);
    await runCommand(services, inOrder[99] as (typeof inOrder)[number]);
    const touched = await services.jobs.get(job.id);
    expect(touched?.version).toBe((before?.version ?? 0) + 1);
    expect(touched?.job.status).toBe('PLANNING');
    // The rest: the last one plans the job.
    for (const scan of inOrder.slice(100)) await runCommand(services, scan);
    expect((await services.jobs.get(job.id))?.job.status).toBe('READY');
  }, 120_000);
});

describe('counting range scans', () => {
  it('counts a scan delivered twice once, and says the wave is whole only when every range is in', async () => {
    const { record } = await store.create(jobFixture(), []);
    const jobId = record.job.id;
    // 150 ranges in two buckets; range 3 reported twice, then every other range.
    const count = (wave: string, range: number) => store.countScans(jobId, wave, [range], 150);
    expect(await count('w1', 3)).toEqual({ filled: false, whole: false });
    expect(await count('w1', 3)).toEqual({ filled: false, whole: false });
    const filledBy: number[] = [];
    for (let range = 0; range < 149; range++) {
      if (range === 3) continue;
      const counted = await count('w1', range);
      expect(counted.whole).toBe(false);
      if (counted.filled) filledBy.push(range);
    }
    // Bucket 0 (ranges 0–99) filled by range 99, its last; bucket 1 (100–149) is one short.
    expect(filledBy).toEqual([99]);
    // A duplicate of a range in a full bucket does not make the wave whole.
    expect(await count('w1', 0)).toEqual({ filled: true, whole: false });
    expect(await count('w1', 149)).toEqual({ filled: true, whole: true });
    // The last one again (a duplicate delivery): still whole, and composing again is idempotent.
    expect(await count('w1', 149)).toEqual({ filled: true, whole: true });
    // Another wave of the same job counts afresh.
    expect(await count('w2', 149)).toEqual({ filled: false, whole: false });
  });
});
