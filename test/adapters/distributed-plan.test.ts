import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config.js';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import { planCsvLayout } from '../../shared/formats/csv/boundaries.js';
import { HEAD_BYTES } from '../../shared/formats/csv/ranged-plan.js';
import type { JobStore } from '../../shared/ports.js';
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
});

describe('counting range scans', () => {
  it('counts a scan delivered twice once, and says the wave is whole only when every range is in', async () => {
    const { record } = await store.create(jobFixture(), []);
    const jobId = record.job.id;
    // 150 ranges in two buckets; range 3 reported twice, then every other range.
    expect(await store.countScans(jobId, 'w1', [3], 150)).toBe(false);
    expect(await store.countScans(jobId, 'w1', [3], 150)).toBe(false);
    const others = Array.from({ length: 150 }, (_, range) => range).filter(
      (range) => range !== 3 && range !== 149,
    );
    for (const range of others) expect(await store.countScans(jobId, 'w1', [range], 150)).toBe(false);
    // A duplicate of a range in a full bucket does not make the wave whole.
    expect(await store.countScans(jobId, 'w1', [0], 150)).toBe(false);
    expect(await store.countScans(jobId, 'w1', [149], 150)).toBe(true);
    // The last one again (a duplicate delivery): still whole, and composing again is idempotent.
    expect(await store.countScans(jobId, 'w1', [149], 150)).toBe(true);
    // Another wave of the same job counts afresh.
    expect(await store.countScans(jobId, 'w2', [149], 150)).toBe(false);
  });
});
