import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError } from '../../shared/domain/errors.js';
import type { JobTopic, OutboxEntry } from '../../shared/domain/events.js';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import type { JobRecord, QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * A job's life over the real adapters, one decision at a time: created, planned (or failed
 * while planning), executed, dispatched, deleted — each change committed with its events.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let dispatch: typeof import('../../shared/engine/dispatch.js');
let outside: typeof import('../../shared/engine/outside.js');
let commit: typeof import('../../shared/engine/commit.js');
let driver: ReturnType<typeof engineDriver>;

const ENV = 'env_lifecycle';

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  dispatch = await import('../../shared/engine/dispatch.js');
  outside = await import('../../shared/engine/outside.js');
  commit = await import('../../shared/engine/commit.js');
  driver = engineDriver(aws, services);
});
afterAll(() => aws?.stop());

const topicsIn = (outbox: OutboxEntry[]): JobTopic[] =>
  outbox.flatMap((entry) => ('event' in entry ? [entry.event.topic] : []));
const commandsIn = (outbox: OutboxEntry[]) =>
  outbox.flatMap((entry) => ('command' in entry ? [entry.command] : []));
const record = async (jobId: string) => (await services.jobs.get(jobId)) as JobRecord;

/**
 * A file of the environment holding `bytes` as they are (a CSV, or anything else), stored at
 * its key before keys had an environment root: such files stay readable.
 */
async function uploadBytes(name: string, bytes: Buffer | string, environmentId = ENV): Promise<string> {
  const id = `file_${Math.random().toString(36).slice(2, 12)}`;
  const now = new Date().toISOString();
  await services.blobs.write(`uploads/${id}`, bytes);
  await services.resources.putFile({
    id,
    environmentId,
    name,
    mediaType: 'application/octet-stream',
    status: 'available',
    key: `uploads/${id}`,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

async function extractJob(
  options: { trigger?: 'manual' | 'immediate'; rows?: number; partSizeBytes?: number } = {},
) {
  const source = await uploadBytes('people.csv', generateCsv(options.rows ?? 20, 4).text);
  const { job } = await lifecycle.createJob(services, ENV, {
    type: 'file',
    operation: 'extract',
    source,
    trigger: options.trigger ?? 'manual',
    ...(options.partSizeBytes ? { config: { partSizeBytes: options.partSizeBytes } } : {}),
  });
  return job;
}

/** Services whose queue keeps what is sent, instead of sending it. */
function recordingQueue(base: Services = services) {
  const sent: QueueMessage[] = [];
  return {
    services: { ...base, queue: { send: async (messages: QueueMessage[]) => void sent.push(...messages) } },
    sent,
  };
}

describe('creating a job', () => {
  it('starts it in PLANNING, committed with job:waiting and the command that plans it', async () => {
    const createdAt = Date.parse('2030-05-06T07:08:09.000Z');
    const source = await uploadBytes('a.csv', 'a,b\n1,2\n');

    const { job, created } = await lifecycle.createJob({ ...services, now: () => new Date(createdAt) }, ENV, {
      type: 'file',
      operation: 'extract',
      source,
    });

    expect(created).toBe(true);
    expect(job).toMatchObject({
      environmentId: ENV,
      type: 'file',
      operation: 'extract',
      source,
      trigger: 'manual',
      mode: 'background',
      status: 'PLANNING',
      parts: 0,
      processed: 0,
      failed: 0,
      progress: 0,
      createdAt: new Date(createdAt).toISOString(),
      updatedAt: new Date(createdAt).toISOString(),
    });
    const stored = await record(job.id);
    expect(topicsIn(stored.outbox)).toEqual(['job:waiting']);
    expect(stored.outbox.find((entry) => 'event' in entry && entry.event)).toMatchObject({
      event: { sequence: 1, jobId: job.id, status: 'PLANNING', job: { id: job.id } },
    });
    expect(commandsIn(stored.outbox)).toEqual([{ kind: 'plan', jobId: job.id }]);
  });

  it('refuses a type the operation does not take, naming the ones it does', async () => {
    await expect(
      lifecycle.createJob(services, ENV, { type: 'sheet', operation: 'extract', source: 'sh_x' }),
    ).rejects.toMatchObject({
      status: 400,
      message: 'Operation "extract" takes type "file", not "sheet".',
      errors: [{ path: ['body', 'type'], detail: 'must be one of: file' }],
    });
  });

  it('returns the first job for a repeated Idempotency-Key, and another environment gets its own', async () => {
    const source = await uploadBytes('a.csv', 'a\n1\n');
    const theirs = await uploadBytes('b.csv', 'a\n1\n', 'env_lifecycle_other');
    const key = `key-${source}`;

    const first = await lifecycle.createJob(
      services,
      ENV,
      { type: 'file', operation: 'extract', source },
      key,
    );
    const again = await lifecycle.createJob(
      services,
      ENV,
      { type: 'file', operation: 'extract', source },
      key,
    );
    const other = await lifecycle.createJob(
      services,
      'env_lifecycle_other',
      { type: 'file', operation: 'extract', source: theirs },
      key,
    );

    expect(first.created).toBe(true);
    expect(again).toEqual({ job: first.job, created: false });
    expect(other.created).toBe(true);
    expect(other.job.id).not.toBe(first.job.id);
    expect(other.job.environmentId).toBe('env_lifecycle_other');
  });

  it('gives a custom action’s job the mode its action declares, and keeps its destination and input', async () => {
    const workbook = `wb_${Math.random().toString(36).slice(2, 10)}`;
    const now = new Date().toISOString();
    await services.resources.putWorkbook({
      id: workbook,
      environmentId: ENV,
      name: 'W',
      sheets: [],
      actions: [
        {
          operation: 'review',
          label: 'Review',
          mode: 'foreground',
          inputForm: { fields: [{ key: 'note', type: 'string' }] },
        },
        { operation: 'archive', label: 'Archive' },
      ],
      createdAt: now,
      updatedAt: now,
    });

    const review = await lifecycle.createJob(services, ENV, {
      type: 'workbook',
      operation: 'review',
      source: workbook,
      destination: 'somewhere',
      input: { note: 'hi' },
    });
    const archive = await lifecycle.createJob(services, ENV, {
      type: 'workbook',
      operation: 'archive',
      source: workbook,
    });
    const chosen = await lifecycle.createJob(services, ENV, {
      type: 'workbook',
      operation: 'review',
      source: workbook,
      mode: 'toolbarBlocking',
    });

    expect(review.job).toMatchObject({ mode: 'foreground', destination: 'somewhere', input: { note: 'hi' } });
    expect(archive.job.mode).toBe('background');
    expect(archive.job).not.toHaveProperty('destination');
    expect(archive.job).not.toHaveProperty('input');
    expect(chosen.job.mode).toBe('toolbarBlocking');
  });
});

describe('planning a job', () => {
  it('fails a job whose file cannot be read (a PNG named photo.csv) instead of leaving it PLANNING', async () => {
    // Prepare
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR'),
      Buffer.alloc(200, 7),
    ]);
    const source = await uploadBytes('photo.csv', png);
    const { job } = await lifecycle.createJob(services, ENV, {
      type: 'file',
      operation: 'extract',
      source,
      trigger: 'immediate',
    });

    // Act
    await lifecycle.planJob(services, job.id);

    // Assess
    const failed = await record(job.id);
    expect(failed.job).toMatchObject({ status: 'FAILED', error: { code: 'unprocessable' } });
    expect(failed.job.error?.message).toMatch(/photo\.csv is not a CSV file.*PNG/);
    expect(failed.job.finishedAt).toEqual(expect.any(String));
    expect(topicsIn(failed.outbox)).toEqual(['job:waiting', 'job:failed']);
  });

  it('leaves a job PLANNING, to be planned again, when planning meets an outage', async () => {
    const job = await extractJob();
    const down = async () => {
      throw new DependencyError('S3 is down');
    };
    // Every call to S3 fails, whichever the planner makes first.
    const flaky = { ...services, blobs: new Proxy(services.blobs, { get: () => down }) };

    await expect(lifecycle.planJob(flaky, job.id)).rejects.toBeInstanceOf(DependencyError);

    expect((await record(job.id)).job.status).toBe('PLANNING');
  });

  it('plans a manual job to READY, with its parts, to wait for execute', async () => {
    const job = await extractJob({ rows: 200, partSizeBytes: 1024 });

    await lifecycle.planJob(services, job.id);

    const ready = await record(job.id);
    expect(ready.job.status).toBe('READY');
    expect(ready.job.parts).toBeGreaterThan(3);
    expect(ready.job.destination).toMatch(/^wb_/);
    expect(ready.job.startedAt).toBeUndefined();
    expect(topicsIn(ready.outbox)).toEqual(['job:waiting']);
    expect(commandsIn(ready.outbox).map((command) => command.kind)).toEqual(['plan']);
  });

  it('starts an immediate job as soon as it is planned, with job:started and its first dispatch', async () => {
    const job = await extractJob({ trigger: 'immediate' });
    const startedAt = Date.parse('2030-01-01T00:00:00.000Z');

    await lifecycle.planJob({ ...services, now: () => new Date(startedAt) }, job.id);

    const started = await record(job.id);
    expect(started.job).toMatchObject({ status: 'EXECUTING', startedAt: new Date(startedAt).toISOString() });
    expect(started.job.parts).toBeGreaterThan(0);
    expect(topicsIn(started.outbox)).toEqual(['job:waiting', 'job:started']);
    expect(commandsIn(started.outbox)).toContainEqual({ kind: 'dispatch', jobId: job.id, from: 0 });
    const startedEvent = started.outbox.find(
      (entry) => 'event' in entry && entry.event.topic === 'job:started',
    );
    expect(startedEvent).toMatchObject({
      event: { sequence: 2, status: 'EXECUTING', parts: started.job.parts },
    });
  });

  it('starts a manual job at once when execute arrived while it was still planning', async () => {
    const job = await extractJob();

    const asked = await lifecycle.executeJob(services, ENV, job.id);
    await lifecycle.executeJob(services, ENV, job.id); // asked twice: still one start
    await lifecycle.planJob(services, job.id);

    expect(asked.status).toBe('PLANNING');
    const started = await record(job.id);
    expect(started.job.status).toBe('EXECUTING');
    expect(topicsIn(started.outbox)).toEqual(['job:waiting', 'job:started']);
  });

  it('does nothing when the plan command comes again after the job was planned', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);
    const planned = await record(job.id);

    await lifecycle.planJob(services, job.id);

    const again = await record(job.id);
    expect(again.version).toBe(planned.version);
    expect(again.state).toEqual(planned.state);
  });

  it('removes the plan it wrote when the job was canceled while it planned', async () => {
    // Prepare: the cancel lands while the plan is being written.
    const job = await extractJob({ rows: 200, partSizeBytes: 1024 });
    const racing = { ...services, blobs: Object.create(services.blobs) as Services['blobs'] };
    racing.blobs.write = async (key, ...rest) => {
      await services.blobs.write(key, ...rest);
      if (key.startsWith(objectKeysOf(ENV).plans(job.id))) await outside.cancelJob(services, ENV, job.id);
    };

    // Act: planning ends; the cleanup command is not run here.
    await lifecycle.planJob(racing, job.id);

    // Assess
    expect((await record(job.id)).job.status).toBe('CANCELED');
    expect(await services.blobs.list(objectKeysOf(ENV).plans(job.id))).toEqual([]);
  });
});

describe('executing a job', () => {
  it('moves a READY job to EXECUTING, counting its parts from zero', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);

    const started = await lifecycle.executeJob(services, ENV, job.id);

    expect(started).toMatchObject({ status: 'EXECUTING', processed: 0, progress: 0 });
    expect(started.startedAt).toEqual(expect.any(String));
    const stored = await record(job.id);
    expect(commandsIn(stored.outbox)).toContainEqual({ kind: 'dispatch', jobId: job.id, from: 0 });
  });

  it('refuses a job that is executing or has ended, and a job of another environment', async () => {
    const job = await extractJob({ trigger: 'immediate' });
    await lifecycle.planJob(services, job.id);

    await expect(lifecycle.executeJob(services, ENV, job.id)).rejects.toMatchObject({
      status: 409,
      code: 'job-not-executable',
      message: `Job ${job.id} is EXECUTING: only a PLANNING or READY job can be executed.`,
    });
    await outside.cancelJob(services, ENV, job.id);
    await expect(lifecycle.executeJob(services, ENV, job.id)).rejects.toMatchObject({
      code: 'job-not-executable',
      message: expect.stringContaining('is CANCELED'),
    });
    await expect(lifecycle.executeJob(services, 'env_nobody', job.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('dispatching the parts of an executing job', () => {
  it('sends a thousand parts at a time and hands the rest to the next step', async () => {
    // Prepare: a file of a little more than 1,000 parts of 1 KiB.
    const text = generateCsv(25_000, 8).text;
    const job = await extractJob({ trigger: 'immediate', partSizeBytes: 1024 });
    await services.blobs.write(`uploads/${job.source}`, text);
    await lifecycle.planJob(services, job.id);
    const { parts } = (await record(job.id)).job;
    expect(parts).toBeGreaterThan(1000);
    expect(parts).toBeLessThan(2000);
    const queue = recordingQueue();

    // Act
    await dispatch.dispatchParts(queue.services, job.id, 0);
    const first = queue.sent.splice(0);
    await dispatch.dispatchParts(queue.services, job.id, 1000);
    const second = queue.sent.splice(0);

    // Assess
    const partsOf = (messages: QueueMessage[]) => messages.flatMap((m) => ('part' in m ? [m.part] : []));
    expect(partsOf(first)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(first.at(-1)).toEqual({ kind: 'dispatch', jobId: job.id, from: 1000 });
    expect(partsOf(second)).toEqual(Array.from({ length: parts - 1000 }, (_, i) => 1000 + i));
    expect(second.filter((m) => 'kind' in m)).toEqual([]);
  });

  it('sends nothing for a job that is not executing', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);
    const queue = recordingQueue();

    await dispatch.dispatchParts(queue.services, job.id, 0);

    expect(queue.sent).toEqual([]);
  });
});

describe('deleting a job', () => {
  it('deletes a job that is not executing, with job:deleted, and hides it from then on', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);

    await lifecycle.deleteJob(services, ENV, job.id);

    expect(await services.jobs.get(job.id)).toBeUndefined();
    const [pending] = (
      await services.jobs.withPendingOutbox(new Date(Date.now() + 60_000).toISOString(), 100)
    ).filter((r) => r.job.id === job.id);
    expect(topicsIn(pending?.outbox ?? [])).toContain('job:deleted');
    await expect(lifecycle.deleteJob(services, ENV, job.id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a job that is executing, and one still removing what it wrote', async () => {
    const job = await extractJob({ trigger: 'immediate' });
    await lifecycle.planJob(services, job.id);

    await expect(lifecycle.deleteJob(services, ENV, job.id)).rejects.toMatchObject({
      status: 409,
      code: 'job-executing',
    });
    await outside.cancelJob(services, ENV, job.id);
    await expect(lifecycle.deleteJob(services, ENV, job.id)).rejects.toMatchObject({
      status: 409,
      code: 'job-cleaning-up',
      message: expect.stringContaining('CANCELED'),
    });
    await driver.drive(job.id, { until: (r) => !r.cleanupPending });
    await lifecycle.deleteJob(services, ENV, job.id);
    expect(await services.jobs.get(job.id)).toBeUndefined();
  });

  it('deletes a job that changed while the delete was on its way (it reads it again)', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);
    const jobs = Object.create(services.jobs) as Services['jobs'];
    let raced = false;
    jobs.markDeleted = async (stale, outbox) => {
      if (!raced) {
        raced = true; // someone else writes the job first
        await services.jobs.update(await record(job.id), { job: { info: 'touched' } }, []);
      }
      return services.jobs.markDeleted(stale, outbox);
    };

    await lifecycle.deleteJob({ ...services, jobs }, ENV, job.id);

    expect(raced).toBe(true);
    expect(await services.jobs.get(job.id)).toBeUndefined();
  });
});

describe('committing a change to a job', () => {
  it('refuses a status change the status machine does not allow', async () => {
    const job = await extractJob({ trigger: 'immediate' });
    await lifecycle.planJob(services, job.id);

    await expect(
      commit.commitJob(services, job.id, () => ({ changes: { job: { status: 'READY' } } })),
    ).rejects.toMatchObject({
      status: 409,
      code: 'invalid-transition',
      message: `Job ${job.id} is EXECUTING; it cannot become READY.`,
    });
    expect((await record(job.id)).job.status).toBe('EXECUTING');
  });

  it('lands every one of many concurrent changes, each decided on the freshest job', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);
    const before = await record(job.id);

    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        commit.commitJob(services, job.id, (current) => ({
          changes: { state: { ...current.state, [`writer${i}`]: true } },
        })),
      ),
    );

    const after = await record(job.id);
    expect(after.version).toBe(before.version + 8);
    for (let i = 0; i < 8; i++) expect(after.state[`writer${i}`]).toBe(true);
  });

  it('numbers the events of a job in the order they are committed', async () => {
    const job = await extractJob();
    await lifecycle.planJob(services, job.id);
    await lifecycle.executeJob(services, ENV, job.id);
    await outside.cancelJob(services, ENV, job.id);

    const events = (await record(job.id)).outbox.flatMap((entry) => ('event' in entry ? [entry.event] : []));

    expect(events.map((event) => [event.topic, event.sequence])).toEqual([
      ['job:waiting', 1],
      ['job:started', 2],
      ['job:canceled', 3],
    ]);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
  });
});
