import { describe, expect, it } from 'vitest';
import { bodyOf, hasEnded, problemIn, testClient } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';

/**
 * Fair sharing of the parts queue (docs/fairness.md): with a window of parts in flight per
 * job, a small job of one environment runs between the parts of another environment's
 * large extract instead of behind all of them. Against a deployment, set
 * PARTWISE_OTHER_API_KEY to a key of a second environment.
 */
const OTHER_KEY = process.env.PARTWISE_OTHER_API_KEY ?? 'pw_fairness-other-environment-key';
const t = useTarget({
  env: {
    PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_fairness_other' }),
    PARTWISE_LOCAL_WORKERS: '2',
    PARTWISE_PARTS_IN_FLIGHT_PER_JOB: '4',
  },
});
const canRun = !remoteTarget || Boolean(process.env.PARTWISE_OTHER_API_KEY);
const byId = (id: string) => ({ params: { path: { id } } });

describe.runIf(canRun)('two environments’ jobs', () => {
  it('interleave: a small job finishes while a large one of another environment is still executing', async () => {
    // Prepare: a large extract of ~1,000 parts of 1 KiB in the first environment.
    const big = t.client;
    const small = testClient(t.target, OTHER_KEY);
    const bigFile = await big.uploadByUrl('big.csv', generateCsv(25_000, 8).text);
    const smallFile = await small.uploadByUrl('small.csv', generateCsv(20, 3).text);
    const bigJob = bodyOf(
      await big.api.POST('/jobs', {
        body: {
          type: 'file',
          operation: 'extract',
          source: bigFile.id,
          config: { partSizeBytes: 1024 },
          trigger: 'immediate',
        },
      }),
      201,
    ).data;
    const running = await big.pollJob(bigJob.id, (job) => job.status === 'EXECUTING' && job.processed > 0);
    expect(running.parts).toBeGreaterThan(900);

    // Act: the other environment's one-part job, of high priority.
    const smallJob = bodyOf(
      await small.api.POST('/jobs', {
        body: {
          type: 'file',
          operation: 'extract',
          source: smallFile.id,
          trigger: 'immediate',
          priority: 'high',
        },
      }),
      201,
    ).data;
    const done = await small.pollJob(smallJob.id, hasEnded);
    const bigThen = await big.getJob(bigJob.id);

    // Assess
    expect(done).toMatchObject({ status: 'COMPLETED', priority: 'high', parts: 1, processed: 1 });
    expect(bigThen.status).toBe('EXECUTING');
    expect(bigThen.processed).toBeLessThan(bigThen.parts);
    await big.api.POST('/jobs/{id}/cancel', byId(bigJob.id));
    expect((await big.pollJob(bigJob.id, hasEnded)).status).toBe('CANCELED');
  }, 180_000);

  it('refuses a priority it does not know', async () => {
    const answer = await t.raw('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: 'file_x',
      priority: 'urgent',
    });
    expect(JSON.stringify(problemIn(answer, 400).errors)).toContain('must be one of: low, normal, high');
  });
});
