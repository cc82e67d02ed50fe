import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermanent } from '../../shared/domain/errors.js';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import type { QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * What copies of parts leave behind, over the real adapters. SQS delivers at least once, so a
 * copy of a part can run its body after another copy's finalize used the parts: what only
 * such a copy writes goes, and a completed job keeps no plan, however many attempts wrote one.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let parts: typeof import('../../shared/engine/parts.js');

const ENV = 'env_late_parts';
type PartMessage = Extract<QueueMessage, { part: number }>;

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  parts = await import('../../shared/engine/parts.js');
});
afterAll(() => aws?.stop());

/** An immediate extract in parts of 1 KiB, EXECUTING, its parts taken off the queue unrun. */
const executingExtract = (rows = 120, file?: { text: string; format: string }) =>
  engineDriver(aws, services).executingExtract(
    ENV,
    file?.text ?? generateCsv(rows, 4).text,
    file ? { format: file.format } : {},
  );

describe('a copy of the last part that runs on after another copy completed the job', () => {
  it('fails to be retried, and its redelivery is dropped: the job completed once, nothing of the copy is left', async () => {
    // Prepare: every part but the last has run. Copy B of the last part reads the job while
    // it is executing; before B does its work, copy A runs in full and completes the job
    // (whose plans then go).
    const { jobId, held } = await executingExtract();
    for (const message of held.slice(0, -1)) await parts.runPart(services, message);
    const last = held.at(-1) as PartMessage;
    let overtaken = false;
    const copyB: Services = {
      ...services,
      jobs: {
        ...services.jobs,
        get: async (id) => {
          const record = await services.jobs.get(id);
          if (!overtaken) {
            overtaken = true;
            await parts.runPart(services, last);
          }
          return record;
        },
      },
    };

    // Act: B meets the plan gone (a fault SQS retries), then is delivered again.
    const first = await parts.runPart(copyB, last).catch((error: unknown) => error);
    await parts.runPart(services, last);

    // Assess
    expect(overtaken).toBe(true);
    expect(first).toBeInstanceOf(Error);
    expect(isPermanent(first)).toBe(false);
    expect(await services.blobs.list(objectKeysOf(ENV).ledgerNotes(jobId))).toEqual([]);
    const done = await services.jobs.get(jobId);
    expect(done?.job).toMatchObject({ status: 'COMPLETED', processed: done?.job.parts });
    // (Nothing relays here: the job's events wait in its outbox.)
    const completions = done?.outbox.filter(
      (entry) => 'event' in entry && entry.event.topic === 'job:completed',
    );
    expect(completions).toHaveLength(1);
  });
});

describe('a copy of a part whose job completes while it writes', () => {
  it('removes the ledger notes only it left, and the sheet holds every row once', async () => {
    // Prepare: copy B of part 0 has done its work and is about to write its ledger notes;
    // meanwhile every part runs (part 0's other copy included) and the job completes.
    // An NDJSON file whose first part has a line that is not JSON: that part writes notes.
    const rows = 120;
    const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ id: i, name: `row ${i}` }));
    lines[3] = '{"id": 3, not json';
    const { jobId, held } = await executingExtract(rows, { text: `${lines.join('\n')}\n`, format: 'ndjson' });
    const first = held[0] as PartMessage;
    const blobs = Object.create(services.blobs) as Services['blobs'];
    blobs.write = async (key, ...rest) => {
      if (key.includes('/ledgers/')) for (const message of held) await parts.runPart(services, message);
      return services.blobs.write(key, ...rest);
    };

    // Act
    await parts.runPart({ ...services, blobs }, first);

    // Assess: B counted nothing, and what it wrote after the finalize read the notes is gone.
    const done = await services.jobs.get(jobId);
    expect(done?.job).toMatchObject({ status: 'COMPLETED', processed: done?.job.parts });
    expect(await services.blobs.list(objectKeysOf(ENV).ledgerNotes(jobId))).toEqual([]);
    const sheetId = String(
      (await services.resources.getWorkbook(String(done?.job.destination)))?.sheets[0]?.id,
    );
    const { readRecords } = await import('../../shared/operations/segments.js');
    expect((await readRecords(services, sheetId, 0, 10_000)).total).toBe(rows - 1);
    expect(done?.job.outcome?.ledger).toMatchObject({
      rowsRead: rows,
      recordsStored: rows - 1,
      rowsRejected: 1,
    });
  });
});

describe('a part for a job that is gone', () => {
  it('is dropped without an error when its job was never there', async () => {
    await expect(parts.runPart(services, { jobId: 'job_00000000000000000000000000', part: 0 })).resolves.toBe(
      undefined,
    );
  });
});

describe('the plans of a job', () => {
  it('are all removed when it completes, a plan of a planning attempt that lost included', async () => {
    // Prepare: a second planning attempt wrote a plan, then lost the race to commit.
    const { jobId, held } = await executingExtract(40);
    const lost = `${objectKeysOf(ENV).plans(jobId)}lost-attempt.json`;
    await services.blobs.write(lost, '{}', 'application/json');
    expect(await services.blobs.list(objectKeysOf(ENV).plans(jobId))).toContain(lost);

    // Act
    for (const message of held) await parts.runPart(services, message);

    // Assess
    expect((await services.jobs.get(jobId))?.job.status).toBe('COMPLETED');
    expect(await services.blobs.list(objectKeysOf(ENV).plans(jobId))).toEqual([]);
  });
});

describe('a copy of the plan command that plans after another copy started the job', () => {
  it('removes its own plan, which nothing reads, though the job ended and removed its plans before', async () => {
    // Prepare: copy B of the plan command reads the job while it is planning; before B
    // plans, copy A plans, and the job runs to its end (whose plans then go).
    const driver = engineDriver(aws, services);
    const lifecycle = await import('../../shared/engine/lifecycle.js');
    const source = await driver.uploadCsv(ENV, generateCsv(60, 4).text);
    const { job } = await lifecycle.createJob(services, ENV, {
      type: 'file',
      operation: 'extract',
      source,
      config: { partSizeBytes: 1024 },
      trigger: 'immediate',
    });
    let overtaken = false;
    const copyB: Services = {
      ...services,
      jobs: {
        ...services.jobs,
        get: async (id) => {
          const record = await services.jobs.get(id);
          if (!overtaken) {
            overtaken = true;
            await driver.drive(id);
          }
          return record;
        },
      },
    };

    // Act
    await lifecycle.planJob(copyB, job.id);

    // Assess
    expect(overtaken).toBe(true);
    expect((await services.jobs.get(job.id))?.job.status).toBe('COMPLETED');
    expect(await services.blobs.list(objectKeysOf(ENV).plans(job.id))).toEqual([]);
  });
});

describe('progress events while the relay is behind', () => {
  it('adds no job:updated to an outbox that already holds the most it may', async () => {
    // Prepare: parts run a second apart by the engine's clock, nothing relayed, until the
    // outbox holds as many progress events as it may.
    const { MAX_PENDING_PROGRESS_EVENTS } = await import('../../shared/engine/commit.js');
    const { jobId, held } = await executingExtract(400);
    expect(held.length).toBeGreaterThan(MAX_PENDING_PROGRESS_EVENTS + 2);
    let clock = Date.now() + 60_000;
    const timed = (): Services => ({ ...services, now: () => new Date(clock) });
    const pendingUpdates = async () =>
      (await services.jobs.get(jobId))!.outbox.filter(
        (entry) => 'event' in entry && entry.event.topic === 'job:updated',
      ).length;
    let part = 0;
    while ((await pendingUpdates()) < MAX_PENDING_PROGRESS_EVENTS) {
      clock += 1100;
      await parts.runPart(timed(), held[part++] as PartMessage);
    }

    // Act: one more part, a second later still.
    clock += 1100;
    await parts.runPart(timed(), held[part++] as PartMessage);

    // Assess: counted, but no event added.
    expect(await pendingUpdates()).toBe(MAX_PENDING_PROGRESS_EVENTS);
    expect((await services.jobs.get(jobId))?.job.processed).toBe(part);
  });
});
