import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError, UnprocessableError } from '../../shared/domain/errors.js';
import type { JobTopic } from '../../shared/domain/events.js';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import type { QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';
import { recordingMetrics } from '../helpers/metrics.js';

/**
 * Running parts over the real adapters: a part that arrives for a job that is no longer
 * executing is dropped, progress is announced at most once a second, and a part that
 * fails for good fails its job.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let outside: typeof import('../../shared/engine/outside.js');
let parts: typeof import('../../shared/engine/parts.js');

const ENV = 'env_parts';
type PartMessage = Extract<QueueMessage, { part: number }>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  outside = await import('../../shared/engine/outside.js');
  parts = await import('../../shared/engine/parts.js');
});
afterAll(() => aws?.stop());

/**
 * Services whose clock reads `clock.now` (ms), for the engine's own time decisions. It starts
 * a minute in the past: the outbox index orders entries by the time the engine committed them.
 */
function clocked(): { clock: { now: number }; timed: Services } {
  const clock = { now: Math.floor(Date.now() / 1000) * 1000 - 60_000 };
  return { clock, timed: { ...services, now: () => new Date(clock.now) } };
}

/** Services that note every call to the blob store (the part's source and output), whatever the call. */
function watchingBlobs(base: Services) {
  const calls: string[] = [];
  const blobs = new Proxy(base.blobs, {
    get(target, method, receiver) {
      const value = Reflect.get(target, method, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(method)} ${String(args[0])}`);
        return value.apply(target, args);
      };
    },
  });
  return { services: { ...base, blobs }, calls };
}

/** An immediate extract of `rows` rows in parts of 1 KiB, EXECUTING, its parts taken off the queue unrun. */
async function executingExtract(base: Services, rows: number) {
  const driver = engineDriver(aws, base);
  const { jobId, source, held } = await driver.executingExtract(ENV, generateCsv(rows, 9).text);
  return { jobId, source, held, driver };
}

async function topicsOf(jobId: string): Promise<JobTopic[]> {
  const { events } = await services.events.listForJob(jobId, 1000);
  return events.map((event) => event.topic);
}

describe('a part that arrives for a job that is no longer executing', () => {
  it('is dropped without reading its source or writing output when its job was canceled', async () => {
    // Prepare: the parts are queued; the job is canceled and cleaned up, then its file is
    // deleted (allowed once the job has ended) before the queued parts arrive.
    const { jobId, source, held, driver } = await executingExtract(services, 120);
    expect(held.length).toBeGreaterThan(1);
    await outside.cancelJob(services, ENV, jobId);
    await driver.drive(jobId, { until: (record) => !record.cleanupPending });
    await services.blobs.remove([objectKeysOf(ENV).upload(source)]);
    const watched = watchingBlobs(services);

    // Act: a queued part arrives.
    await parts.runPart(watched.services, held[0] as PartMessage);

    // Assess: nothing read, nothing written, nothing counted or failed.
    expect(watched.calls).toEqual([]);
    const after = await services.jobs.get(jobId);
    expect(after?.job).toMatchObject({ status: 'CANCELED', processed: 0, failed: 0 });
    expect((await services.jobs.listParts(after!, 0, held.length)).map((p) => p.status)).toEqual(
      held.map(() => 'PENDING'),
    );
  });

  it('is dropped without rewriting any record when it is delivered again after its job completed', async () => {
    // Prepare: run every part; the job completes.
    const { jobId, held } = await executingExtract(services, 60);
    for (const message of held) await parts.runPart(services, message);
    const done = await services.jobs.get(jobId);
    expect(done?.job.status).toBe('COMPLETED');
    const watched = watchingBlobs(services);

    // Act: SQS delivers the first part once more.
    await parts.runPart(watched.services, held[0] as PartMessage);

    // Assess: no record rewritten, nothing counted; only the part's ledger notes and report
    // fragment, which a copy that wrote and died after the finalize would leave behind, are removed.
    expect(watched.calls).toEqual([
      // Under the environment's root, and where a copy from before the root would have left them.
      `remove ${objectKeysOf(ENV).ledgerNotes(jobId)}000000.json,plans/${jobId}/ledgers/000000.json`,
      `remove ${objectKeysOf(ENV).reportFragments(jobId)}000000.ndjson,plans/${jobId}/reports/000000.ndjson`,
    ]);
    expect((await services.jobs.get(jobId))?.job).toMatchObject({
      status: 'COMPLETED',
      processed: done?.job.processed,
      updatedAt: done?.job.updatedAt,
    });
  });
});

describe('progress events of a job running its parts', () => {
  it('announces progress at most once a second, and always the last one, with the completion', async () => {
    // Prepare: a job of at least five parts; the engine's clock is set before each part runs.
    const { clock, timed } = clocked();
    const { jobId, held, driver } = await executingExtract(timed, 200);
    expect(held.length).toBeGreaterThanOrEqual(5);
    const t0 = clock.now;
    const at = (part: number): number => {
      if (part === 0) return t0; // announced: the first progress
      if (part === 1) return t0 + 999; // within the second: quiet
      if (part === 2) return t0 + 1000; // a second after the last one: announced
      if (part < held.length - 1) return t0 + 1500; // quiet
      return t0 + 1600; // the last part: announced with the completion
    };

    // Act
    for (const message of held) {
      clock.now = at(message.part);
      await parts.runPart(timed, message);
    }
    await driver.drive(jobId);

    // Assess
    const { events } = await services.events.listForJob(jobId, 1000);
    const updates = events.filter((event) => event.topic === 'job:updated');
    expect(events.map((event) => event.topic)).toEqual([
      'job:waiting',
      'job:started',
      'job:updated',
      'job:updated',
      'job:updated',
      'job:completed',
    ]);
    expect(updates.map((event) => event.createdAt)).toEqual(
      [t0, t0 + 1000, t0 + 1600].map((ms) => new Date(ms).toISOString()),
    );
    // Each carries the progress of its moment; the last one says 100 %.
    expect(updates.map((event) => event.processed)).toEqual([1, 3, held.length]);
    expect(updates.at(-1)?.progress).toBe(100);
    expect(updates[0]?.progress).toBeLessThan(updates[1]?.progress ?? 0);
  });

  it('announces nothing more for a part whose count another delivery already moved', async () => {
    // Prepare: the first part ran a second ago and announced its progress.
    const { clock, timed } = clocked();
    const { jobId, held, driver } = await executingExtract(timed, 120);
    await parts.runPart(timed, held[0] as PartMessage);
    clock.now += 5000;

    // Act: the same part is delivered again, long after the last announcement.
    await parts.runPart(timed, held[0] as PartMessage);
    await driver.drive(jobId, { until: (record) => record.job.status === 'EXECUTING' });

    // Assess: one count, one announcement.
    expect((await services.jobs.get(jobId))?.job.processed).toBe(1);
    expect(await topicsOf(jobId)).toEqual(['job:waiting', 'job:started', 'job:updated']);
  });
});

/** Services whose every call to the blob store throws `error`. */
function blobsFailing(base: Services, error: Error): Services {
  const fail = async () => {
    throw error;
  };
  return { ...base, blobs: new Proxy(base.blobs, { get: () => fail }) };
}

/** Services whose job store runs `first` before the parts' outcomes are read (which only finalizing does). */
function beforeFinalizeReads(base: Services, first: () => Promise<void>): Services {
  const jobs = Object.create(base.jobs) as Services['jobs'];
  jobs.listParts = async (...args) => {
    await first();
    return base.jobs.listParts(...args);
  };
  return { ...base, jobs };
}

describe('a part whose input is at fault', () => {
  it('fails its job at once, naming the part and why, instead of being tried again', async () => {
    const { jobId, held } = await executingExtract(services, 120);
    const garbled = blobsFailing(services, new UnprocessableError('the bytes are not what the plan saw'));

    await parts.runPart(garbled, held[1] as PartMessage);

    const failed = await services.jobs.get(jobId);
    expect(failed?.job).toMatchObject({
      status: 'FAILED',
      error: { code: 'part-failed', part: 1, message: 'Part 1 failed: the bytes are not what the plan saw' },
    });
    expect((await services.jobs.listParts(failed!, 1, 1))[0]).toMatchObject({
      status: 'FAILED',
      error: { code: 'unprocessable', part: 1 },
    });
  });
});

describe('finalizing a job once its last part is counted', () => {
  it('fails the job with the finalize’s reason when the input is at fault', async () => {
    const { jobId, held } = await executingExtract(services, 120);
    for (const message of held.slice(0, -1)) await parts.runPart(services, message);
    const jobs = Object.create(services.jobs) as Services['jobs'];
    jobs.listParts = async () => {
      throw new UnprocessableError('the parts do not add up');
    };

    await parts.runPart({ ...services, jobs }, held.at(-1) as PartMessage);

    expect((await services.jobs.get(jobId))?.job).toMatchObject({
      status: 'FAILED',
      processed: held.length,
      error: { code: 'unprocessable', message: 'the parts do not add up' },
    });
  });

  it('leaves the job executing for a retry when the finalize meets an outage, and the retry completes it', async () => {
    const { jobId, held } = await executingExtract(services, 120);
    for (const message of held.slice(0, -1)) await parts.runPart(services, message);
    const outage = beforeFinalizeReads(services, async () => {
      throw new DependencyError('DynamoDB is down');
    });

    await expect(parts.runPart(outage, held.at(-1) as PartMessage)).rejects.toBeInstanceOf(DependencyError);
    expect((await services.jobs.get(jobId))?.job).toMatchObject({
      status: 'EXECUTING',
      processed: held.length,
    });
    await parts.runPart(services, held.at(-1) as PartMessage); // SQS delivers it again

    expect((await services.jobs.get(jobId))?.job.status).toBe('COMPLETED');
  });

  it('removes what the finalize wrote when the job was canceled while it ran', async () => {
    // Prepare: every part but the last ran; the cancel lands while the last one finalizes.
    const { jobId, held } = await executingExtract(services, 120);
    for (const message of held.slice(0, -1)) await parts.runPart(services, message);
    const sheetId = await destinationSheetOf(jobId);
    expect(await services.resources.listSegments(sheetId)).not.toEqual([]);
    const canceling = beforeFinalizeReads(services, async () => {
      if ((await services.jobs.get(jobId))?.job.status === 'EXECUTING')
        await outside.cancelJob(services, ENV, jobId);
    });

    // Act
    await parts.runPart(canceling, held.at(-1) as PartMessage);

    // Assess: canceled, and no record of it is left in its sheet.
    expect((await services.jobs.get(jobId))?.job.status).toBe('CANCELED');
    expect(await services.resources.listSegments(sheetId)).toEqual([]);
  });

  it('leaves a completed job as it is when one of its parts reaches the dead-letter queue late', async () => {
    const { jobId, held } = await executingExtract(services, 60);
    for (const message of held) await parts.runPart(services, message);

    await parts.failPart(
      services,
      { jobId: jobId, part: 0 },
      { code: 'part-exhausted', message: 'late', part: 0 },
    );

    const after = await services.jobs.get(jobId);
    expect(after?.job.status).toBe('COMPLETED');
    expect(after?.job.error).toBeUndefined();
  });
});

/** The sheet an extract into a new workbook writes its records to. */
async function destinationSheetOf(jobId: string): Promise<string> {
  const record = await services.jobs.get(jobId);
  const workbook = await services.resources.getWorkbook(String(record?.job.destination));
  return String(workbook?.sheets[0]?.id);
}

describe('a part that fails for good', () => {
  it('fails its job, naming the part and its error, and later parts are dropped', async () => {
    // Prepare
    const { jobId, held, driver } = await executingExtract(services, 120);

    // Act
    await parts.failPart(
      services,
      { jobId: jobId, part: 1 },
      { code: 'part-exhausted', message: 'disk on fire', part: 1 },
    );
    // It keeps what it wrote for a retry: its cleanup waits for the retry window.
    const { record: ended } = await driver.drive(jobId, {
      until: (record) => record.job.status === 'FAILED',
    });
    expect(ended).toMatchObject({ cleanupPending: true, cleanupDueAt: expect.any(String) });
    await parts.runPart(services, held[0] as PartMessage);

    // Assess
    const failed = await services.jobs.get(jobId);
    expect(failed?.job).toMatchObject({
      status: 'FAILED',
      failed: 1,
      processed: 0,
      error: { code: 'part-failed', part: 1, message: 'Part 1 failed: disk on fire' },
    });
    const outcomes = await services.jobs.listParts(failed!, 0, 2);
    expect(outcomes).toEqual([
      { part: 0, status: 'PENDING' },
      { part: 1, status: 'FAILED', error: { code: 'part-exhausted', message: 'disk on fire', part: 1 } },
    ]);
    expect((await topicsOf(jobId)).filter((topic) => topic === 'job:failed')).toHaveLength(1);
  });
});

describe('what a part reports to the metrics', () => {
  it('counts each run, and the rows and bytes of a part once, however often it is delivered', async () => {
    // Prepare
    const metrics = recordingMetrics();
    const measured = { ...services, metrics };
    const { held } = await executingExtract(measured, 120);

    // Act: the first part, delivered twice.
    await parts.runPart(measured, held[0] as PartMessage);
    await parts.runPart(measured, held[0] as PartMessage);

    // Assess
    const runs = metrics.recorded.filter((m) => m.kind === 'partRun');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      operation: 'extract',
      rows: expect.any(Number),
      bytes: expect.any(Number),
    });
    expect(runs[0]?.kind === 'partRun' && runs[0].rows > 0 && runs[0].bytes > 0).toBe(true);
    expect(runs[1]).toMatchObject({ operation: 'extract', rows: 0, bytes: 0 });
    for (const run of runs) expect(run.kind === 'partRun' && run.durationMs >= 0).toBe(true);
  });

  it('counts a part that fails for good', async () => {
    const metrics = recordingMetrics();
    const { held } = await executingExtract(services, 120);
    const garbled = blobsFailing({ ...services, metrics }, new UnprocessableError('not what the plan saw'));

    await parts.runPart(garbled, held[1] as PartMessage);

    expect(metrics.recorded).toEqual([{ kind: 'partFailed', operation: 'extract' }]);
  });
});
