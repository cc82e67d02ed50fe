/**
 * Webhooks on the local stack, standing in for an EventBridge rule with an API
 * destination: every bus event that matches a webhook's pattern is POSTed to its URL as
 * the EventBridge envelope, signed (shared/events/signature.ts), and retried with
 * exponential backoff and jitter on a network error or a non-2xx answer.
 *
 * Each webhook has its own queue and worker, so deliveries to one URL keep the bus's
 * order and a slow or dead receiver delays only itself: the bus listener only enqueues.
 * Delivery is at least once while the stack runs (a receiver de-duplicates on
 * `partwise-event-id`); events still queued when the stack stops are dropped, and logged.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { type EventPattern, matchesPattern, patternProblems } from '../../shared/events/pattern.js';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
} from '../../shared/events/signature.js';
import type { BusEvent, LocalEventBus } from './event-bus.js';
import { describeError, type Logger, silentLogger } from './logger.js';

export interface WebhookConfig {
  url: string;
  /** Which events to send; all of them when absent. */
  pattern?: EventPattern;
  /** @default the stack's webhook secret */
  secret?: string;
}

const WebhookEntry = z
  .object({
    url: z.url({
      protocol: /^https?$/,
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an http(s) URL'),
    }),
    pattern: z.unknown().optional(),
    secret: z.string().min(1, 'must not be empty').optional(),
  })
  .strict();

/** Reads `PARTWISE_WEBHOOKS` (a JSON array); every problem is reported in one error. */
export function parseWebhooks(json: string | undefined): WebhookConfig[] {
  if (json === undefined || json.trim() === '') return [];
  const fail = (problems: string[]) =>
    new Error(`PARTWISE_WEBHOOKS is not valid:\n  ${problems.join('\n  ')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw fail([`not JSON (${describeError(error).message})`]);
  }
  if (!Array.isArray(raw)) throw fail(['must be a JSON array: [{ "url": "http://…", "pattern"?: {…} }]']);
  const problems: string[] = [];
  const webhooks = raw.flatMap((entry, i): WebhookConfig[] => {
    const parsed = WebhookEntry.safeParse(entry);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((issue) => `${[`[${i}]`, ...issue.path].join('.')}: ${issue.message}`),
      );
      return [];
    }
    const { url, pattern, secret } = parsed.data;
    if (pattern === undefined) return [{ url, ...(secret ? { secret } : {}) }];
    const wrong = patternProblems(pattern, `[${i}].pattern`);
    problems.push(...wrong);
    return wrong.length ? [] : [{ url, pattern: pattern as EventPattern, ...(secret ? { secret } : {}) }];
  });
  if (problems.length) throw fail(problems);
  return webhooks;
}

/**
 * The secret for webhooks without their own: the one given (PARTWISE_WEBHOOK_SECRET),
 * else the one saved in `<dataDir>/webhook-secret`, else a new one saved there, so a
 * receiver keeps verifying across restarts.
 */
export async function resolveWebhookSecret(
  given: string | undefined,
  dataDir: string,
): Promise<{ secret: string; file?: string }> {
  if (given) return { secret: given };
  const file = join(dataDir, 'webhook-secret');
  const saved = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (saved) return { secret: saved, file };
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, file };
}

export interface WebhooksOptions {
  bus: LocalEventBus;
  webhooks: WebhookConfig[];
  /** Signs for every webhook without its own secret. */
  secret: string;
  /** Attempts per event, the first included. @default 8 */
  attempts?: number;
  /** The wait before the second attempt; each later one doubles it (±25% jitter). @default 500 */
  retryBaseMs?: number;
  /** @default 10_000 */
  timeoutMs?: number;
  /** Events waiting per webhook before the oldest is dropped (a receiver down for long). @default 10_000 */
  maxQueued?: number;
  log?: Logger;
}

export interface Webhooks {
  /** Stops listening, aborts deliveries in flight and waits for the workers to end. */
  stop(): Promise<void>;
}

/** The wait before attempt `attempt` (2, 3, …): base, 2 × base, 4 × base…, each ±25%. */
export function retryDelayMs(baseMs: number, attempt: number, random = Math.random): number {
  return Math.round(baseMs * 2 ** (attempt - 2) * (0.75 + random() * 0.5));
}

function stableId(event: BusEvent): string {
  return typeof event.detail.id === 'string' ? event.detail.id : event.id;
}

export function startWebhooks(options: WebhooksOptions): Webhooks {
  const log = options.log ?? silentLogger;
  const attempts = options.attempts ?? 8;
  const baseMs = options.retryBaseMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxQueued = options.maxQueued ?? 10_000;
  const controller = new AbortController();
  const { signal } = controller;

  /** One attempt; resolves to undefined when delivered, else what went wrong. */
  async function attempt(webhook: WebhookConfig, event: BusEvent, body: string, n: number) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'partwise-local-webhooks',
          [EVENT_ID_HEADER]: stableId(event),
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(webhook.secret ?? options.secret, timestamp, body),
          'partwise-attempt': String(n),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body?.cancel();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return describeError(error).message;
    }
  }

  async function deliver(webhook: WebhookConfig, event: BusEvent): Promise<void> {
    const body = JSON.stringify(event);
    let problem: string | undefined;
    for (let n = 1; n <= attempts && !signal.aborted; n++) {
      if (n > 1) await sleep(retryDelayMs(baseMs, n), undefined, { signal }).catch(() => {});
      if (signal.aborted) return;
      problem = await attempt(webhook, event, body, n);
      if (problem === undefined) {
        if (n > 1)
          log.info('webhook delivered after retries', { url: webhook.url, id: stableId(event), attempts: n });
        return;
      }
    }
    if (!signal.aborted) {
      log.warn('webhook gave up on an event', { url: webhook.url, id: stableId(event), attempts, problem });
    }
  }

  const workers = options.webhooks.map((webhook) => {
    const queue: BusEvent[] = [];
    let wake: (() => void) | undefined;
    signal.addEventListener('abort', () => wake?.(), { once: true });
    const running = (async () => {
      while (!signal.aborted) {
        const event = queue.shift();
        if (event) await deliver(webhook, event);
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    })();
    return {
      webhook,
      queue,
      running,
      push(event: BusEvent) {
        if (queue.length >= maxQueued) {
          const dropped = queue.shift();
          log.warn('webhook queue full: dropped the oldest event', {
            url: webhook.url,
            id: dropped && stableId(dropped),
          });
        }
        queue.push(event);
        wake?.();
      },
    };
  });

  const onEvent = (event: BusEvent) => {
    for (const worker of workers) {
      if (!worker.webhook.pattern || matchesPattern(worker.webhook.pattern, event)) worker.push(event);
    }
  };
  options.bus.on('event', onEvent);

  return {
    async stop() {
      options.bus.off('event', onEvent);
      controller.abort();
      await Promise.all(workers.map((worker) => worker.running));
      for (const { webhook, queue } of workers) {
        if (queue.length)
          log.warn('stopped with events undelivered', { url: webhook.url, count: queue.length });
      }
    },
  };
}

/** What the stack tells its user about its webhooks. */
export interface WebhookSummary {
  urls: string[];
  secret: string;
  /** Where the generated secret is kept, when it was not given. */
  secretFile?: string;
}

/** `startWebhooks` with the stack's default secret resolved (given, saved, or new and saved). */
export async function startLocalWebhooks(
  options: Omit<WebhooksOptions, 'secret'> & { dataDir: string; secret?: string | undefined },
): Promise<Webhooks & { summary: WebhookSummary }> {
  const { secret, file } = await resolveWebhookSecret(options.secret, options.dataDir);
  const running = startWebhooks({ ...options, secret });
  const urls = options.webhooks.map((webhook) => webhook.url);
  return { summary: { urls, secret, ...(file ? { secretFile: file } : {}) }, stop: () => running.stop() };
}
