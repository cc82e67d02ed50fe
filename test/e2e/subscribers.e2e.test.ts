/**
 * The whole loop of issue 5, as a new user runs it: a local stack with webhooks, the
 * example executor (examples/submit-executor.ts) as its own process, a `submit` action
 * declared on a workbook and its job created with `trigger: immediate`. The job must
 * complete with the executor's outcome, and each kind of subscriber — the SSE stream, the
 * GET /events feed, a webhook receiver — must see its five events once per event id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/domain/events.js';
import { pollEvents, streamEvents } from '../../shared/events/feed.js';
import { parseJobEvent } from '../../shared/events/parse.js';
import { verifyWebhookSignature } from '../../shared/events/signature.js';
import type { SseMessage } from '../../shared/events/sse.js';
import { type ReceivedRequest, startReceiver } from '../events/receiver.js';
import { bodyOf, contractCheckedFetch, hasEnded, type TestClient, testClient } from '../helpers/client.js';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = 'whsec_e2e_subscribers';
/** The loop's events, each topic with how many there are: the ack's job:updated and the completion's last one. */
const LOOP: Record<string, number> = {
  'job:waiting': 1,
  'job:started': 1,
  'job:updated': 2,
  'job:completed': 1,
};

/** Topic → how many distinct event ids of that topic (for one job) a subscriber saw. */
function distinctPerTopic(events: JobEvent[], jobId: string): Record<string, number> {
  const byId = new Map(events.filter((event) => event.jobId === jobId).map((event) => [event.id, event]));
  const counts: Record<string, number> = {};
  for (const { topic } of byId.values()) counts[topic] = (counts[topic] ?? 0) + 1;
  return counts;
}

async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  await waitFor(what, done, Boolean, { timeoutMs, intervalMs: 50 });
}

describe.runIf(!remoteTarget)('subscribers: the example executor, the stream, the feed and webhooks', () => {
  let stack: LocalStack;
  let client: TestClient;
  let executor: ChildProcess;
  let executorOutput = '';
  const stop = new AbortController();
  const streamed: SseMessage[] = [];
  const statuses = new Map<ReceivedRequest, number>();
  let all: Awaited<ReturnType<typeof startReceiver>>;
  let completed: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    // The receiver of every submit event fails its first two requests: the stack must retry them.
    all = await startReceiver((request, index) => {
      statuses.set(request, index < 2 ? 503 : 204);
      return index < 2 ? 503 : 204;
    });
    completed = await startReceiver();
    stack = await startLocalStack({
      env: {
        PARTWISE_WEBHOOK_SECRET: SECRET,
        PARTWISE_WEBHOOKS: JSON.stringify([
          { url: `${all.url}/partwise`, pattern: { detail: { operation: ['submit'] } } },
          {
            url: completed.url,
            pattern: { 'detail-type': ['job:completed'], detail: { operation: ['submit'] } },
          },
        ]),
      },
    });
    client = testClient(stack);

    executor = spawn(process.execPath, ['--import', 'tsx', 'examples/submit-executor.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, PARTWISE_URL: stack.url, PARTWISE_API_KEY: stack.apiKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const output of [executor.stdout, executor.stderr]) {
      output?.on('data', (chunk: Buffer) => {
        executorOutput += chunk.toString();
      });
    }

    let opened = false;
    void (async () => {
      const source = streamEvents({
        url: stack.url,
        apiKey: stack.apiKey,
        fetch: contractCheckedFetch(stack.url),
        signal: stop.signal,
        onOpen: () => (opened = true),
      });
      for await (const message of source) streamed.push(message);
    })();
    await until('the test’s own stream to open', () => opened);
    await until(`the executor to listen:\n${executorOutput}`, () => executorOutput.includes('listening'));
  }, 120_000);

  afterAll(async () => {
    stop.abort();
    if (executor && executor.exitCode === null) {
      const exited = new Promise((resolve) => executor.once('exit', resolve));
      executor.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
    if (stack) await removeDataDir(stack.dataDir);
    await Promise.all([all?.stop(), completed?.stop()]);
  });

  it('completes a submit job through the executor, and every subscriber sees each event once', async () => {
    // Prepare: a workbook declaring the action.
    const created = await client.api.POST('/workbooks', {
      body: {
        name: 'Orders',
        sheets: [{ name: 'Orders', fields: [{ key: 'sku', type: 'string' }] }],
        actions: [{ operation: 'submit', label: 'Submit', mode: 'foreground', primary: true }],
      },
    });
    const workbook = bodyOf(created, 201).data;

    // Act: the UI's click.
    const clicked = await client.api.POST('/jobs', {
      body: { type: 'workbook', operation: 'submit', source: workbook.id, trigger: 'immediate' },
    });
    const jobId = bodyOf(clicked, 201).data.id;

    // Assess: the executor carried it out.
    const job = await client.pollJob(jobId, hasEnded, 60_000);
    expect(job, executorOutput).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      info: 'Sending the order to the warehouse',
      outcome: { heading: 'Submitted', message: `Workbook ${workbook.id} was submitted.` },
    });
    // The executor says so once its POST /complete answers, which may be after the job reads
    // COMPLETED (the API relays the commit's events before it answers).
    await until(`the executor to report the job completed:\n${executorOutput}`, () =>
      executorOutput.includes(`${jobId}: completed`),
    );

    // The feed, polled from the start with the cursor it hands out.
    const polled: JobEvent[] = [];
    const feedDone = new AbortController();
    for await (const event of pollEvents({
      url: stack.url,
      apiKey: stack.apiKey,
      fetch: contractCheckedFetch(stack.url),
      jobId,
      intervalMs: 100,
      signal: feedDone.signal,
    })) {
      polled.push(event);
      if (event.topic === 'job:completed') feedDone.abort();
    }

    const acceptedBodies = () => all.requests.filter((request) => statuses.get(request) === 204);
    const streamedEvents = () => streamed.map((message) => parseJobEvent(message));
    await until('the stream to see job:completed', () =>
      streamedEvents().some((e) => e.jobId === jobId && e.topic === 'job:completed'),
    );
    await until('the webhook to get job:completed', () =>
      acceptedBodies().some((request) => JSON.parse(request.body).detail.topic === 'job:completed'),
    );
    await completed.waitFor(1);

    // Each subscriber: every event valid (parseJobEvent validates), each topic once per id.
    const webhookEvents = acceptedBodies().map((request) => parseJobEvent(JSON.parse(request.body)));
    const once = LOOP;
    expect(distinctPerTopic(streamedEvents(), jobId)).toEqual(once);
    const feedEvents = polled.map((event) => parseJobEvent(event));
    expect(distinctPerTopic(feedEvents, jobId)).toEqual(once);
    expect(distinctPerTopic(webhookEvents, jobId)).toEqual(once);
    // They saw the same events: same ids everywhere.
    const ids = (events: JobEvent[]) => new Set(events.filter((e) => e.jobId === jobId).map((e) => e.id));
    expect(ids(streamedEvents())).toEqual(ids(polled));
    expect(ids(webhookEvents)).toEqual(ids(polled));
    // The ack's progress reached the subscribers.
    expect(polled.find((event) => event.topic === 'job:updated')).toMatchObject({
      progress: 50,
      status: 'EXECUTING',
    });

    // The webhook: retried past its two failures, in order, every attempt signed.
    expect(all.requests.length).toBe(acceptedBodies().length + 2);
    expect(all.requests.slice(0, 3).map((r) => r.headers['partwise-attempt'])).toEqual(['1', '2', '3']);
    expect(webhookEvents.map((event) => event.topic)).toEqual([
      'job:waiting',
      'job:started',
      'job:updated',
      'job:updated',
      'job:completed',
    ]);
    for (const request of all.requests) {
      const { 'partwise-timestamp': timestamp, 'partwise-signature': signature } = request.headers;
      expect(verifyWebhookSignature(SECRET, String(timestamp), request.body, String(signature))).toBe(true);
    }
    // The second webhook's pattern let only job:completed through.
    expect(completed.requests.map((request) => JSON.parse(request.body)['detail-type'])).toEqual([
      'job:completed',
    ]);
  }, 90_000);
});
