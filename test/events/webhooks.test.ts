import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BusEvent, LocalEventBus } from '../../infra/local/event-bus.js';
import type { Logger } from '../../infra/local/logger.js';
import {
  parseWebhooks,
  resolveWebhookSecret,
  retryDelayMs,
  startLocalWebhooks,
  startWebhooks,
  type Webhooks,
} from '../../infra/local/webhooks.js';
import type { JobTopic } from '../../shared/domain/events.js';
import { verifyWebhookSignature } from '../../shared/events/signature.js';
import { waitFor } from '../helpers/wait.js';
import { eventBridgeEnvelope, sampleEvent } from './fixtures.js';
import { type ReceivedRequest, startReceiver } from './receiver.js';

const SECRET = 'whsec_local_test';
let dataDir: string;
let bus: LocalEventBus;
let webhooks: Webhooks | undefined;
const receivers: Array<{ stop(): Promise<void> }> = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-webhooks-'));
  bus = new LocalEventBus(join(dataDir, 'events.jsonl'));
});
afterEach(async () => {
  await webhooks?.stop();
  webhooks = undefined;
  await Promise.all(receivers.splice(0).map((receiver) => receiver.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

function busEvent(topic: JobTopic, operation = 'submit'): BusEvent {
  return eventBridgeEnvelope(sampleEvent(topic, { operation })) as unknown as BusEvent;
}

const eventIdOf = (request: ReceivedRequest) => request.headers['partwise-event-id'];
const accepted = (statuses: Map<ReceivedRequest, number>) => (all: ReceivedRequest[]) =>
  all.filter((request) => statuses.get(request) === 204).length;

function recordingLog() {
  const lines: string[] = [];
  const log: Logger = {
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
  return { log, lines };
}

/** The sender logs once the receiver's answer reaches it, a moment after the receiver saw the request. */
async function untilLogged(lines: string[], count: number): Promise<void> {
  await waitFor(
    `${count} log lines`,
    () => lines.length,
    (logged) => logged >= count,
    { intervalMs: 10 },
  );
}

describe('local webhooks', () => {
  it('POSTs each event as the EventBridge envelope, signed so the receiver can verify it', async () => {
    // Prepare
    const target = await receiver();
    const own = await receiver();
    webhooks = startWebhooks({
      bus,
      webhooks: [{ url: `${target.url}/hooks` }, { url: own.url, secret: 'whsec_own' }],
      secret: SECRET,
    });
    const event = busEvent('job:completed');

    // Act
    await bus.publish([event]);
    await target.waitFor(1);
    await own.waitFor(1);

    // Assess
    const [request] = target.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks' });
    expect(JSON.parse(request!.body)).toEqual(event);
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'partwise-event-id': event.detail.id,
      'partwise-attempt': '1',
    });
    const { 'partwise-timestamp': timestamp, 'partwise-signature': signature } = request!.headers;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, String(timestamp), request!.body, String(signature))).toBe(true);
    const mine = own.requests[0]!;
    const verify = (secret: string) =>
      verifyWebhookSignature(
        secret,
        String(mine.headers['partwise-timestamp']),
        mine.body,
        String(mine.headers['partwise-signature']),
      );
    expect([verify('whsec_own'), verify(SECRET)]).toEqual([true, false]);
  });

  it('retries a receiver that fails twice (an error status, then a dropped connection) until it accepts', async () => {
    const statuses = new Map<ReceivedRequest, number>();
    const target = await receiver((request, index) => {
      const answer = index === 0 ? 503 : index === 1 ? 'drop' : 204;
      statuses.set(request, typeof answer === 'number' ? answer : 0);
      return answer;
    });
    const { log, lines } = recordingLog();
    webhooks = startWebhooks({ bus, webhooks: [{ url: target.url }], secret: SECRET, retryBaseMs: 50, log });
    const event = busEvent('job:started');

    await bus.publish([event]);
    await target.waitFor(1, accepted(statuses));

    const attempts = target.requests;
    expect(attempts.map(eventIdOf)).toEqual([event.detail.id, event.detail.id, event.detail.id]);
    expect(attempts.map((request) => request.headers['partwise-attempt'])).toEqual(['1', '2', '3']);
    // Backoff: ≥ 0.75 × 50 ms before the second attempt, ≥ 0.75 × 100 ms before the third.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(35);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(70);
    // Each attempt is signed afresh, so the signature always matches its own timestamp.
    for (const request of attempts) {
      const { 'partwise-timestamp': timestamp, 'partwise-signature': signature } = request.headers;
      expect(verifyWebhookSignature(SECRET, String(timestamp), request.body, String(signature))).toBe(true);
    }
    await untilLogged(lines, 1);
    expect(lines).toEqual(['info webhook delivered after retries']);
  });

  it('keeps each webhook’s order: a later event waits for the earlier one’s retries', async () => {
    const first = busEvent('job:waiting');
    const second = busEvent('job:started');
    const statuses = new Map<ReceivedRequest, number>();
    let failuresLeft = 2;
    const target = await receiver((request) => {
      const status = eventIdOf(request) === first.detail.id && failuresLeft-- > 0 ? 500 : 204;
      statuses.set(request, status);
      return status;
    });
    webhooks = startWebhooks({ bus, webhooks: [{ url: target.url }], secret: SECRET, retryBaseMs: 20 });

    await bus.publish([first]);
    await bus.publish([second]);
    await target.waitFor(2, accepted(statuses));

    expect(target.requests.map(eventIdOf)).toEqual([
      first.detail.id,
      first.detail.id,
      first.detail.id,
      second.detail.id,
    ]);
  });

  it('sends each webhook only the events its pattern matches', async () => {
    const completions = await receiver();
    const everything = await receiver();
    webhooks = startWebhooks({
      bus,
      webhooks: [
        {
          url: completions.url,
          pattern: { 'detail-type': ['job:completed'], detail: { operation: ['submit'] } },
        },
        { url: everything.url },
      ],
      secret: SECRET,
    });
    const events = [
      busEvent('job:started', 'submit'),
      busEvent('job:completed', 'extract'),
      busEvent('job:completed', 'submit'),
    ];

    await bus.publish(events);
    // Then one more completion of a submit: deliveries to a URL keep the bus's order, so once
    // it has arrived, anything of the first batch that was going to arrive has.
    const last = busEvent('job:completed', 'submit');
    await bus.publish([last]);
    await everything.waitFor(4);
    await completions.waitFor(2);

    expect(completions.requests.map(eventIdOf)).toEqual([events[2]!.detail.id, last.detail.id]);
    expect(everything.requests.map(eventIdOf)).toEqual([...events, last].map((event) => event.detail.id));
  });

  it('gives up on an event after the last attempt, says so, and delivers the next', async () => {
    const doomed = busEvent('job:failed');
    const next = busEvent('job:deleted');
    const target = await receiver((request) => (eventIdOf(request) === doomed.detail.id ? 500 : 204));
    const { log, lines } = recordingLog();
    webhooks = startWebhooks({
      bus,
      webhooks: [{ url: target.url }],
      secret: SECRET,
      attempts: 3,
      retryBaseMs: 10,
      log,
    });

    await bus.publish([doomed, next]);
    await target.waitFor(4);

    expect(target.requests.map(eventIdOf)).toEqual([
      doomed.detail.id,
      doomed.detail.id,
      doomed.detail.id,
      next.detail.id,
    ]);
    expect(lines).toEqual(['warn webhook gave up on an event']);
  });

  it('never holds up the bus, and stops at once even while a receiver hangs', async () => {
    const target = await receiver(() => 'hang');
    webhooks = startWebhooks({ bus, webhooks: [{ url: target.url }], secret: SECRET });
    const events = Array.from({ length: 20 }, () => busEvent('job:updated'));

    await bus.publish(events); // resolves although the first delivery never gets an answer
    await target.waitFor(1);
    const stopping = webhooks.stop();
    webhooks = undefined;

    await expect(stopping).resolves.toBeUndefined();
    expect(target.requests).toHaveLength(1);
    expect((await bus.history()).length).toBe(20);
  });

  it('bounds the queue of a receiver that does not answer: the oldest waiting events are dropped, and logged', async () => {
    const target = await receiver(() => 'hang');
    const { log, lines } = recordingLog();
    webhooks = startWebhooks({ bus, webhooks: [{ url: target.url }], secret: SECRET, maxQueued: 2, log });

    const events = Array.from({ length: 5 }, () => busEvent('job:updated'));
    await bus.publish(events); // all five arrive before the worker takes one: 2 places
    await target.waitFor(1);
    await webhooks.stop();
    webhooks = undefined;

    expect(target.requests.map(eventIdOf)).toEqual([events[3]!.detail.id]);
    expect(lines).toEqual([
      ...Array(3).fill('warn webhook queue full: dropped the oldest event'),
      'warn stopped with events undelivered',
    ]);
  });

  it('waits between attempts as configured: base, then doubling, with ±25% jitter', () => {
    expect([2, 3, 4, 8].map((attempt) => retryDelayMs(500, attempt, () => 0.5))).toEqual([
      500, 1000, 2000, 32_000,
    ]);
    expect(retryDelayMs(500, 2, () => 0)).toBe(375);
    expect(retryDelayMs(500, 2, () => 0.999_999)).toBe(625);
  });
});

describe('PARTWISE_WEBHOOKS', () => {
  it('reads URLs, patterns and secrets, and nothing when unset', () => {
    expect(parseWebhooks(undefined)).toEqual([]);
    expect(
      parseWebhooks(
        '[{"url":"http://127.0.0.1:9000/h","pattern":{"detail-type":["job:completed"],"detail":{"status":["COMPLETED"]}}},{"url":"https://example.com","secret":"s"}]',
      ),
    ).toEqual([
      {
        url: 'http://127.0.0.1:9000/h',
        pattern: { 'detail-type': ['job:completed'], detail: { status: ['COMPLETED'] } },
      },
      { url: 'https://example.com', secret: 's' },
    ]);
  });

  it('reports every problem at once', () => {
    const problems = () =>
      parseWebhooks(
        '[{"url":"ftp://x"},{"url":"http://ok","pattern":{"detail-type":"job:completed"}},{"uri":"http://typo"}]',
      );
    expect(problems).toThrow(/\[0\]\.url: must be an http\(s\) URL/);
    expect(problems).toThrow(/\[1\]\.pattern\.detail-type: must be an array/);
    expect(problems).toThrow(/\[2\]\.url: is required\n {2}\[2\]: Unrecognized key: "uri"/);
    expect(() => parseWebhooks('{"url":"http://x"}')).toThrow(/must be a JSON array/);
    expect(() => parseWebhooks('[{')).toThrow(/not JSON/);
  });
});

describe('the webhook secret', () => {
  it('is generated once, kept private in <dataDir>/webhook-secret and reused; a given one wins', async () => {
    const first = await resolveWebhookSecret(undefined, dataDir);
    const again = await resolveWebhookSecret(undefined, dataDir);

    expect(first.secret).toMatch(/^whsec_[\w-]{32}$/);
    expect(again).toEqual(first);
    expect(first.file).toBe(join(dataDir, 'webhook-secret'));
    expect((await readFile(first.file!, 'utf8')).trim()).toBe(first.secret);
    expect((await stat(first.file!)).mode & 0o777).toBe(0o600);
    expect(await resolveWebhookSecret('whsec_given', dataDir)).toEqual({ secret: 'whsec_given' });
  });

  it('signs the stack’s webhooks with the saved secret when none is given', async () => {
    const target = await receiver();
    const started = await startLocalWebhooks({ bus, webhooks: [{ url: target.url }], dataDir });
    webhooks = started;

    await bus.publish([busEvent('job:waiting')]);
    await target.waitFor(1);

    const saved = (await readFile(join(dataDir, 'webhook-secret'), 'utf8')).trim();
    expect(started.summary).toEqual({
      urls: [target.url],
      secret: saved,
      secretFile: join(dataDir, 'webhook-secret'),
    });
    const [request] = target.requests;
    const { 'partwise-timestamp': timestamp, 'partwise-signature': signature } = request!.headers;
    expect(verifyWebhookSignature(saved, String(timestamp), request!.body, String(signature))).toBe(true);
  });
});
