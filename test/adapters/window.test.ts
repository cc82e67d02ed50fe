import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * The dispatch window over the real adapters: the cursor on the job item under duplicate
 * finishes, a crash between moving the cursor and sending its parts (the sweeper heals it
 * without sending beyond the cursor), and a retry that sends only the parts not finished.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let lifecycle: typeof import('../../shared/engine/lifecycle.js');
let parts: typeof import('../../shared/engine/parts.js');
let commands: typeof import('../../shared/engine/commands.js');
let relay: typeof import('../../shared/engine/relay.js');
let sweeper: typeof import('../../shared/engine/sweep.js');
let retry: typeof import('../../shared/engine/retry.js');

const ENV = 'env_window';
type PartMessage = Extract<QueueMessage, { part: number }>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  lifecycle = await import('../../shared/engine/lifecycle.js');
  parts = await import('../../shared/engine/parts.js');
  commands = await import('../../shared/engine/commands.js');
  relay = await import('../../shared/engine/relay.js');
  sweeper = await import('../../shared/engine/sweep.js');
  retry = await import('../../shared/engine/retry.js');
});
afterAll(() => aws?.stop());
afterEach(() => {
  globalThis.__partwiseFaultPoint = undefined;
});

/** Services with a window of `window` parts whose queue is a list the test plays. */
function windowed(window: number) {
  const queued: QueueMessage[] = [];
  const sentParts: number[] = [];
  const windowedServices: Services = {
    ...services,
    fairness: { partsInFlightPerJob: window },
    queue: {
      send: async (messages) => {
        queued.push(...messages);
        for (const message of messages) if ('part' in message) sentParts.push(message.part);
      },
    },
  };
  return { services: windowedServices, queued, sentParts };
}

type Windowed = ReturnType<typeof windowed>;

/** An immediate extract in parts of 1 KiB, planned and executing, its first dispatch queued. */
async function executing(run: Windowed, rows: number, config: Record<string, unknown> = {}) {
  const source = await engineDriver(aws, services).uploadCsv(ENV, generateCsv(rows, 7).text);
  const { job } = await lifecycle.createJob(run.services, ENV, {
    type: 'file',
    operation: 'extract',
    source,
    config: { partSizeBytes: 1024, ...config },
    trigger: 'immediate',
  });
  await lifecycle.planJob(run.services, job.id);
  await relayJob(run, job.id);
  return job.id;
}

async function relayJob(run: Windowed, jobId: string) {
  const record = await services.jobs.get(jobId);
  if (record) await relay.relayOutboxes(run.services, [record]);
}

/** Plays the queue in order until it is empty; `each` sees the job after every message. */
async function play(
  run: Windowed,
  jobId: string,
  options: {
    duplicate?: boolean;
    each?: (record: JobRecord) => void;
    part?: (m: PartMessage) => Promise<void>;
  } = {},
) {
  for (let message = run.queued.shift(); message; message = run.queued.shift()) {
    if ('kind' in message) await commands.runCommand(run.services, message);
    else if (options.part) await options.part(message);
    else for (let d = 0; d < (options.duplicate ? 2 : 1); d++) await parts.runPart(run.services, message);
    await relayJob(run, jobId);
    const record = await services.jobs.get(jobId);
    if (record) options.each?.(record);
  }
  const record = await services.jobs.get(jobId);
  if (!record) throw new Error(`job ${jobId} is gone`);
  return record;
}

const inFlight = (record: JobRecord) =>
  (record.dispatch?.sent ?? 0) -
  (record.job.processed + record.job.failed - (record.dispatch?.settledBefore ?? 0));

describe('a job’s dispatch window', () => {
  it('keeps at most its window in flight and sends each part once, though every part finishes twice', async () => {
    // Prepare
    const run = windowed(3);
    const jobId = await executing(run, 400);
    let most = 0;

    // Act
    const record = await play(run, jobId, {
      duplicate: true,
      each: (r) => {
        if (r.job.status === 'EXECUTING') most = Math.max(most, inFlight(r));
      },
    });

    // Assess
    const { parts: count } = record.job;
    expect(count).toBeGreaterThan(10);
    expect(record.job).toMatchObject({ status: 'COMPLETED', processed: count });
    expect(record.dispatch).toMatchObject({ window: 3, attempt: 1, next: count, sent: count });
    expect(run.sentParts).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(most).toBe(3);
  });

  it('is healed by the sweeper after a crash between moving its cursor and sending: lost parts go again, none beyond the cursor', async () => {
    // Prepare: the first window goes; the top-up after part 0 dies once its cursor moved.
    const run = windowed(4);
    const jobId = await executing(run, 400);
    const lost: PartMessage[] = [];
    await play(run, jobId, { part: async (message) => void lost.push(message) }); // taken and lost
    expect(run.sentParts).toEqual([0, 1, 2, 3]);
    let crash = true;
    globalThis.__partwiseFaultPoint = (name) => {
      if (name === 'window:after-advance' && crash) {
        crash = false;
        throw new Error('the processor died');
      }
    };
    await expect(parts.runPart(run.services, lost[0] as PartMessage)).rejects.toThrow('the processor died');
    const crashed = await services.jobs.get(jobId);
    expect(crashed?.dispatch).toMatchObject({ next: 5, sent: 5 });
    expect(run.sentParts).toEqual([0, 1, 2, 3]); // part 4 is below the cursor and was never sent

    // Act: the sweeper finds the job unchanged.
    const before = run.sentParts.length;
    const report = await sweeper.sweep(run.services, 0);
    const resent = run.sentParts.slice(before);

    // Assess: parts 1–4 (pending, below the cursor) go again; nothing at or past 5.
    expect(resent).toEqual([1, 2, 3, 4]);
    expect(report).toMatchObject({ resumed: 1, resentParts: 4 });
    const record = await play(run, jobId);
    expect(record.job).toMatchObject({ status: 'COMPLETED', processed: record.job.parts });
    expect(record.dispatch?.sent).toBe(record.job.parts);
  });

  it('sends only the parts not finished when a job is retried, a window at a time', async () => {
    // Prepare: parts 1 and 4 fail for good, within a tolerance: COMPLETED without them.
    const run = windowed(2);
    const jobId = await executing(run, 400, { tolerance: { maxFailedParts: 2 }, retryWindowSeconds: 600 });
    const failing = new Set([1, 4]);
    const first = await play(run, jobId, {
      part: (message) =>
        failing.has(message.part)
          ? parts.failPart(run.services, message, { code: 'bad', message: 'bad part' })
          : parts.runPart(run.services, message),
    });
    expect(first.job).toMatchObject({ status: 'COMPLETED', failed: 2 });
    run.sentParts.length = 0;

    // Act
    await retry.retryJob(run.services, ENV, jobId);
    await relayJob(run, jobId);
    const record = await play(run, jobId);

    // Assess
    expect(run.sentParts).toEqual([1, 4]);
    expect(record.job).toMatchObject({
      status: 'COMPLETED',
      attempt: 2,
      failed: 0,
      processed: record.job.parts,
    });
    expect(record.dispatch).toMatchObject({ attempt: 2, sent: 2, settledBefore: record.job.parts - 2 });
  });
});

describe('an environment’s cap on parts in flight', () => {
  it('shares the cap between the environment’s jobs, and drops what a job that failed declared', async () => {
    // Prepare: a cap of 4 parts for the environment, windows of 4; three jobs start.
    const run = windowed(4);
    const capped: Services = {
      ...run.services,
      fairness: { partsInFlightPerJob: 4, environmentCaps: { [ENV]: 4 } },
    };
    const cappedRun = { ...run, services: capped };
    const [a, b, c] = [
      await executing(cappedRun, 300),
      await executing(cappedRun, 300),
      await executing(cappedRun, 300),
    ];
    const started = run.queued.splice(0);
    for (const message of started) if ('kind' in message) await commands.runCommand(capped, message);
    const firstSent = run.queued.filter((m) => 'part' in m).map((m) => ('part' in m ? m.jobId : ''));
    // The first job takes the cap; the others one part each, so that no job waits on another to wake it.
    expect(firstSent.filter((id) => id === a)).toHaveLength(4);
    expect(firstSent.filter((id) => id === b)).toHaveLength(1);
    expect(firstSent.filter((id) => id === c)).toHaveLength(1);

    // Act: the third job fails; the others run to the end, their parts interleaved.
    await lifecycle.failJob(capped, c, { code: 'test', message: 'stopped by the test' });
    let most = 0;
    for (let message = run.queued.shift(); message; message = run.queued.shift()) {
      if ('kind' in message) await commands.runCommand(capped, message);
      else await parts.runPart(capped, message);
      const records = await Promise.all([a, b].map((id) => services.jobs.get(id)));
      const executingNow = records.filter((r): r is JobRecord => r?.job.status === 'EXECUTING');
      most = Math.max(
        most,
        executingNow.reduce((sum, r) => sum + inFlight(r), 0),
      );
      for (const id of [a, b, c]) await relayJob(cappedRun, id);
    }

    // Assess
    for (const id of [a, b]) expect((await services.jobs.get(id))?.job.status).toBe('COMPLETED');
    expect(most).toBeLessThanOrEqual(4 + 1);
    const ledger = await services.jobs.environmentInFlight(ENV);
    expect(ledger.jobs).toEqual({});
  });
});
