import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/domain/job.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { type DriveOptions, engineDriver } from '../helpers/engine-driver.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let engine: typeof import('../../shared/engine/lifecycle.js');
let parts: typeof import('../../shared/engine/parts.js');
let relay: typeof import('../../shared/engine/relay.js');
let driver: ReturnType<typeof engineDriver>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  engine = await import('../../shared/engine/lifecycle.js');
  parts = await import('../../shared/engine/parts.js');
  relay = await import('../../shared/engine/relay.js');
  driver = engineDriver(aws, services);
});
afterAll(() => aws?.stop());

const drive = async (jobId: string, options: DriveOptions = {}): Promise<Job> =>
  (await driver.drive(jobId, options)).record.job;
const uploadCsv = (text: string) => driver.uploadCsv('env_engine', text);

describe('the engine over the real adapters', () => {
  it('takes an immediate extract job from PLANNING to COMPLETED, with exact records and ordered events', async () => {
    const csv = generateCsv(3000, 5);
    const source = await uploadCsv(csv.text);
    const { job } = await engine.createJob(services, 'env_engine', {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: 8192 },
      trigger: 'immediate',
    });
    const done = await drive(job.id, { duplicate: true });
    expect(done).toMatchObject({ status: 'COMPLETED', progress: 100, outcome: { records: 3000 } });
    expect(done.processed).toBe(done.parts);
    expect(done.parts).toBeGreaterThan(10);

    const { events } = await services.events.listForJob(job.id, 100);
    expect(events.map((e) => e.topic).at(0)).toBe('job:waiting');
    expect(events.map((e) => e.topic).at(-1)).toBe('job:completed');
    expect(events.filter((e) => e.topic === 'job:completed')).toHaveLength(1);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));

    const workbook = await services.resources.getWorkbook(String(done.destination));
    const { readRecords } = await import('../../shared/operations/segments.js');
    const { records, total } = await readRecords(services, String(workbook?.sheets[0]?.id), 0, 5000);
    expect(total).toBe(3000);
    expect(records.map((r) => Object.values(r.values))).toEqual(csv.rows);
  });

  it('waits in READY for a manual job, and refuses to execute a completed one', async () => {
    const source = await uploadCsv('a,b\n1,2\n3,4\n');
    const { job } = await engine.createJob(services, 'env_engine', {
      type: 'file',
      operation: 'extract',
      source,
    });
    expect((await drive(job.id, { until: (r) => r.job.status !== 'PLANNING' })).status).toBe('READY');
    await engine.executeJob(services, 'env_engine', job.id);
    const done = await drive(job.id);
    expect(done.status).toBe('COMPLETED');
    await expect(engine.executeJob(services, 'env_engine', job.id)).rejects.toThrow(/COMPLETED/);
  });

  it('fails the job with the part’s error when a part fails for good', async () => {
    const source = await uploadCsv('a,b\n1,2\n');
    const { job } = await engine.createJob(services, 'env_engine', {
      type: 'file',
      operation: 'extract',
      source,
      trigger: 'immediate',
    });
    let record = await services.jobs.get(job.id);
    for (let i = 0; i < 50 && record?.job.status !== 'EXECUTING'; i++) {
      await relay.relayOutboxes(
        services,
        await services.jobs.withPendingOutbox(new Date(Date.now() + 60_000).toISOString(), 100),
      );
      const { Messages = [] } = await aws.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: aws.provisioned.partsQueue.url, MaxNumberOfMessages: 10 }),
      );
      for (const m of Messages) {
        const body = JSON.parse(m.Body ?? '{}');
        if (body.kind === 'plan') await engine.planJob(services, body.jobId);
        await aws.clients.sqs.send(
          new DeleteMessageCommand({
            QueueUrl: aws.provisioned.partsQueue.url,
            ReceiptHandle: m.ReceiptHandle,
          }),
        );
      }
      record = await services.jobs.get(job.id);
    }
    await parts.failPart(
      services,
      { jobId: job.id, part: 0 },
      { code: 'part-exhausted', message: 'disk on fire', part: 0 },
    );
    const failed = await services.jobs.get(job.id);
    expect(failed?.job).toMatchObject({
      status: 'FAILED',
      failed: 1,
      error: { code: 'part-failed', part: 0 },
    });
    expect(failed?.job.error?.message).toMatch(/disk on fire/);
    const [outcome] = await services.jobs.listParts(failed!, 0, 1);
    expect(outcome).toMatchObject({ part: 0, status: 'FAILED' });
  });

  it('tries a part again when its object is not found for now, instead of failing the job for good', async () => {
    // Prepare: a job whose one part is held back while its source object goes missing
    // (a read that raced a write looks the same to the part).
    const text = 'a,b\n1,2\n3,4\n';
    const source = await uploadCsv(text);
    const { job } = await engine.createJob(services, 'env_engine', {
      type: 'file',
      operation: 'extract',
      source,
      trigger: 'immediate',
    });
    let holding = 0;
    const { held } = await driver.drive(job.id, {
      hold: () => ++holding > 0,
      until: (record) => record.job.status === 'EXECUTING' && holding > 0,
    });
    expect(held).toHaveLength(1);
    const key = (await services.resources.getFile(source))?.key as string;
    await services.blobs.remove([key]);
    // Act + Assess: the part throws (the queue delivers it again) and the job goes on executing.
    await expect(parts.runPart(services, held[0] as (typeof held)[number])).rejects.toMatchObject({
      name: 'NotFoundError',
      permanent: false,
    });
    expect((await services.jobs.get(job.id))?.job.status).toBe('EXECUTING');
    // Once the object is there, the next delivery completes the job.
    await services.blobs.write(key, text);
    await parts.runPart(services, held[0] as (typeof held)[number]);
    expect((await services.jobs.get(job.id))?.job).toMatchObject({
      status: 'COMPLETED',
      outcome: { records: 2 },
    });
  });
});
