import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartMessage } from '../../shared/operations/operation.js';
import type { Services } from '../../shared/services.js';
import { generateCsv } from '../helpers/csv.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';
import { engineDriver } from '../helpers/engine-driver.js';

/**
 * A processor invocation's batch of parts (engine/part-batch.ts) over the real adapters: the
 * parts run one by one, and what finished is counted per job at the end of the batch.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let services: Services;
let PartBatch: typeof import('../../shared/engine/part-batch.js').PartBatch;

const ENV = 'env_part_batch';

beforeAll(async () => {
  aws = await startEmulatedAws();
  services = (await import('../../shared/adapters/aws-services.js')).awsServices();
  ({ PartBatch } = await import('../../shared/engine/part-batch.js'));
});
afterAll(() => aws?.stop());

/** Services that count the job-item writes of part counting, and can make them fail. */
function countingWrites(base: Services, options: { fail?: boolean } = {}) {
  const calls = { countParts: 0 };
  const jobs: Services['jobs'] = {
    ...base.jobs,
    countParts: async (jobId, finished) => {
      calls.countParts++;
      if (options.fail) throw new Error('the table throttled the count');
      return base.jobs.countParts(jobId, finished);
    },
  };
  return { services: { ...base, jobs }, calls };
}

async function runBatch(batchServices: Services, messages: PartMessage[]) {
  const batch = new PartBatch(batchServices);
  for (const [index, message] of messages.entries()) await batch.run(`m${index}`, message);
  return batch.count();
}

describe('a batch of parts', () => {
  it('counts its finished parts of one job once, at its end, and the last batch completes the job', async () => {
    // Prepare: an extract of several 1 KiB parts, all queued.
    const driver = engineDriver(aws, services);
    const { jobId, held } = await driver.executingExtract(ENV, generateCsv(200, 9).text);
    expect(held.length).toBeGreaterThan(3);
    const watched = countingWrites(services);

    // Act: the parts in two batches, the second holding a duplicate of the first's part.
    const first = held.slice(0, 2);
    const second = [...held.slice(2), held[0] as PartMessage];
    expect(await runBatch(watched.services, first)).toEqual([]);
    const between = await services.jobs.get(jobId);
    expect(await runBatch(watched.services, second)).toEqual([]);

    // Assess: one count per batch; every part counted once; the job completed.
    expect(watched.calls.countParts).toBe(2);
    expect(between?.job).toMatchObject({ status: 'EXECUTING', processed: 2 });
    const { record } = await driver.drive(jobId);
    expect(record.job).toMatchObject({ status: 'COMPLETED', processed: held.length });
  });

  it('hands back every part of a job whose count failed, and their redelivery counts each once', async () => {
    // Prepare
    const driver = engineDriver(aws, services);
    const { jobId, held } = await driver.executingExtract(ENV, generateCsv(120, 9).text);
    const failing = countingWrites(services, { fail: true });

    // Act: the count of the whole batch fails; SQS delivers the batch again.
    const uncounted = await runBatch(failing.services, held);
    const after = await services.jobs.get(jobId);
    const again = await runBatch(services, held);

    // Assess
    expect(uncounted.map(({ id }) => id)).toEqual(held.map((_, index) => `m${index}`));
    expect(uncounted[0]?.error).toBeInstanceOf(Error);
    expect(after?.job).toMatchObject({ status: 'EXECUTING', processed: 0 });
    expect(again).toEqual([]);
    const { record } = await driver.drive(jobId);
    expect(record.job).toMatchObject({ status: 'COMPLETED', processed: held.length });
  });
});
