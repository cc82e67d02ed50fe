/**
 * Nothing hangs unseen: work that is lost — a plan command, the parts, a cleanup, the
 * delayed ack check — is sent again by the sweeper, and a job that still makes no progress
 * fails with a reason that says what stalled. And the sweeper never completes a job whose
 * work it did not see finish: an outside job waiting for its executor survives a restart.
 *
 * The local stack loses messages on demand (`PARTWISE_FAULTS` `loseMessages`) and sweeps
 * every second with a one-second staleness here, so the watchdog's tries pass in seconds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bodyOf, hasEnded, type TestClient, testClient } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';

const stacks: LocalStack[] = [];
afterAll(async () => {
  for (const stack of stacks) {
    await stack.stop('SIGKILL');
    await removeDataDir(stack.dataDir);
  }
});

const FAST_SWEEPS = { PARTWISE_LOCAL_SWEEP_SECONDS: '1', PARTWISE_LOCAL_STALE_AFTER_SECONDS: '1' };

async function stackLosing(kinds: string[], options: { dataDir?: string; apiKey?: string } = {}) {
  const stack = await startLocalStack({
    ...options,
    env: { ...FAST_SWEEPS, PARTWISE_FAULTS: JSON.stringify({ loseMessages: kinds }) },
  });
  stacks.push(stack);
  return { stack, client: testClient(stack) };
}

const byId = (id: string) => ({ params: { path: { id } } });

async function startExtract(client: TestClient, rows = 200, config: Record<string, unknown> = {}) {
  const file = await client.uploadByUrl('people.csv', generateCsv(rows, 4).text);
  const created = await client.api.POST('/jobs', {
    body: {
      type: 'file',
      operation: 'extract',
      source: file.id,
      trigger: 'immediate',
      config: { partSizeBytes: 4096, ...config },
    },
  });
  return bodyOf(created, 201).data.id;
}

/** A workbook declaring a `submit` action, and an action job on it, executed. */
async function executingActionJob(client: TestClient, config: Record<string, unknown>) {
  const workbook = await client.api.POST('/workbooks', {
    body: {
      name: 'Orders',
      sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
      actions: [{ operation: 'submit', label: 'Submit' }],
    },
  });
  const created = await client.api.POST('/jobs', {
    body: {
      type: 'workbook',
      operation: 'submit',
      source: bodyOf(workbook, 201).data.id,
      trigger: 'immediate',
      config,
    },
  });
  const jobId = bodyOf(created, 201).data.id;
  await client.pollJob(jobId, (job) => job.status === 'EXECUTING');
  return jobId;
}

const topicsOf = async (client: TestClient, jobId: string): Promise<string[]> =>
  bodyOf(await client.api.GET('/jobs/{id}/events', byId(jobId)), 200).data.map((event) => event.topic);

/** The job's topics once `last` is among them (events reach the feed through the relay, a moment later). */
async function topicsUntil(client: TestClient, jobId: string, last: string): Promise<string[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const topics = await topicsOf(client, jobId);
    if (topics.includes(last)) return topics;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} never published ${last}: ${(await topicsOf(client, jobId)).join(', ')}`);
}

describe.runIf(!remoteTarget)('the watchdog', () => {
  it('fails a job whose plan command is lost again and again, saying planning stalled', async () => {
    const { client } = await stackLosing(['plan']);
    const job = await client.pollJob(await startExtract(client), hasEnded, 60_000);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ code: 'planning-stalled' });
    expect(job.error?.message).toMatch(/^Planning made no progress .*sent again \d+ times/);
  }, 90_000);

  it('fails a job whose parts never finish, naming them, then gives up a cleanup that never runs', async () => {
    // Prepare: parts and cleanups are lost; plans and dispatches go through.
    const { client } = await stackLosing(['part', 'cleanup']);
    // Act
    // No retry window: the failed job's cleanup is due at once.
    const jobId = await startExtract(client, 2000, { retryWindowSeconds: 0 });
    const job = await client.pollJob(jobId, hasEnded, 60_000);
    // Assess: the parts' stall, then the cleanup's (the outcome says what may be left).
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ code: 'parts-stalled' });
    expect(job.error?.message).toMatch(/^No part finished \(\d+ pending: 0, 1, 2/);
    const after = await client.pollJob(jobId, (j) => typeof j.outcome?.cleanup === 'string', 60_000);
    expect(after.outcome?.cleanup).toMatch(/did not finish after \d+ tries/);
    // Its cleanup given up, the job no longer blocks its own deletion.
    expect((await client.api.DELETE('/jobs/{id}', byId(jobId))).response.status).toBe(200);
  }, 150_000);
});

describe.runIf(!remoteTarget)('an outside job and its deadlines', () => {
  it('is not completed by a restart while it waits for its executor, and fails if the ack check is lost', async () => {
    // Prepare: the delayed ack check is lost on this stack, as a queue that died would lose it.
    const first = await stackLosing(['ack-timeout']);
    const waiting = await executingActionJob(first.client, { ackTimeoutSeconds: 3600 });
    const unacked = await executingActionJob(first.client, { ackTimeoutSeconds: 2 });

    // Act: restart on the same data (the start sweep looks at every active job at once).
    await first.stack.stop();
    const second = await stackLosing(['ack-timeout'], {
      dataDir: first.stack.dataDir,
      apiKey: first.stack.apiKey,
    });

    // Assess: the unacknowledged job fails once its ack timeout has passed ...
    const timedOut = await second.client.pollJob(unacked, hasEnded, 30_000);
    expect(timedOut.status).toBe('FAILED');
    expect(timedOut.error).toMatchObject({ code: 'ack-timeout' });
    // ... while the one still within its timeout waits on, unfinished, with no job:completed.
    const job = await second.client.getJob(waiting);
    expect(job.status).toBe('EXECUTING');
    expect(await topicsOf(second.client, waiting)).not.toContain('job:completed');
  }, 120_000);

  it('fails an acknowledged job whose executor falls silent past its heartbeat', async () => {
    const { client } = await stackLosing([]);
    const jobId = await executingActionJob(client, { heartbeatSeconds: 2 });
    const ack = await client.api.POST('/jobs/{id}/ack', { ...byId(jobId), body: { progress: 10 } });
    expect(ack.response.status).toBe(200);
    const job = await client.pollJob(jobId, hasEnded, 30_000);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ code: 'executor-silent' });
  }, 60_000);

  it('announces acks at most once a second, and ends with a last job:updated before job:completed', async () => {
    const { client } = await stackLosing([]);
    const jobId = await executingActionJob(client, {});
    // Act: ten acks as fast as the executor can send them.
    const started = Date.now();
    for (let progress = 10; progress <= 100; progress += 10) {
      const ack = await client.api.POST('/jobs/{id}/ack', { ...byId(jobId), body: { progress } });
      expect(ack.response.status).toBe(200);
    }
    const seconds = (Date.now() - started) / 1000;
    const complete = await client.api.POST('/jobs/{id}/complete', {
      ...byId(jobId),
      body: { outcome: { message: 'done' } },
    });
    expect(complete.response.status).toBe(200);
    await client.pollJob(jobId, hasEnded);
    // Assess: each ack is kept on the job; events are throttled to one a second.
    const topics = await topicsUntil(client, jobId, 'job:completed');
    const updates = topics.filter((topic) => topic === 'job:updated').length;
    expect(updates - 1).toBeLessThanOrEqual(Math.ceil(seconds) + 1); // the last one is the completion's
    expect(updates - 1).toBeLessThan(10);
    expect(topics.slice(-2)).toEqual(['job:updated', 'job:completed']);
  }, 60_000);
});
