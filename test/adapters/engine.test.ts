import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/domain/job.js';
import type { QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let engine: typeof import('../../shared/engine/lifecycle.js');
let parts: typeof import('../../shared/engine/parts.js');
let relay: typeof import('../../shared/engine/relay.js');
let commands: typeof import('../../shared/engine/commands.js');

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  engine = await import('../../shared/engine/lifecycle.js');
  parts = await import('../../shared/engine/parts.js');
  relay = await import('../../shared/engine/relay.js');
  commands = await import('../../shared/engine/commands.js');
});
afterAll(() => aws?.stop());

/** Plays the roles AWS plays in the cloud: the stream → relay, and the SQS → processor mapping. */
async function drive(
  jobId: string,
  options: { duplicate?: boolean; until?: (job: Job) => boolean } = {},
): Promise<Job> {
  const until = options.until ?? ((job: Job) => ['COMPLETED', 'FAILED'].includes(job.status));
  for (let round = 0; round < 500; round++) {
    const waiting = await services.jobs.withPendingOutbox(new Date(Date.now() + 60_000).toISOString(), 100);
    await relay.relayOutboxes(services, waiting);
    const { Messages = [] } = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.provisioned.partsQueue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    for (const message of Messages) {
      const body = JSON.parse(message.Body ?? '{}') as QueueMessage;
      for (let delivery = 0; delivery < (options.duplicate ? 2 : 1); delivery++) {
        if ('kind' in body) {
          await commands.runCommand(services, body);
        } else {
          await parts.runPart(services, body);
        }
      }
      await aws.clients.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: aws.provisioned.partsQueue.url,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
    const record = await services.jobs.get(jobId);
    if (record && until(record.job) && record.outbox.length === 0) return record.job;
  }
  throw new Error('job did not finish');
}

async function uploadCsv(text: string) {
  const now = new Date().toISOString();
  const id = `file_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  await services.blobs.write(`uploads/${id}`, text);
  await services.resources.putFile({
    id,
    environmentId: 'env_engine',
    name: 'data.csv',
    mediaType: 'text/csv',
    status: 'pending',
    key: `uploads/${id}`,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

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
    expect((await drive(job.id, { until: (j) => j.status !== 'PLANNING' })).status).toBe('READY');
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
    await parts.failPart(services, job.id, 0, { code: 'part-exhausted', message: 'disk on fire', part: 0 });
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
});
