/**
 * An outside executor for a custom `submit` action: it listens to the local stack's event
 * stream for `job:started` of operation `submit`, reports progress, then completes the
 * job with an outcome the UI can show. Swap the stream for an EventBridge rule (or
 * `pollEvents`) and the same handler runs against a deployment.
 *
 *   node --import tsx examples/submit-executor.ts
 *
 * PARTWISE_URL (default http://localhost:3000) and PARTWISE_API_KEY (default: the key the
 * local stack saved in .partwise/api-key) say where and as whom.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JobEventOf, Subscriber, streamEvents } from '../shared/events/index.js';

const url = (process.env.PARTWISE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const apiKey = process.env.PARTWISE_API_KEY ?? savedApiKey();

function savedApiKey(): string {
  const file = join(process.env.PARTWISE_DATA_DIR ?? '.partwise', 'api-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    console.error(`[executor] no API key: set PARTWISE_API_KEY, or run \`npm start\` once so ${file} exists`);
    process.exit(1);
  }
}

/** How long a report keeps trying while the server cannot be reached or answers 5xx. */
const REPORT_PATIENCE_MS = 120_000;

/**
 * POST /jobs/:id/<what>: how an executor reports back. A server that cannot be reached, or
 * answers 429 or 5xx, is tried again with backoff (the report is the job's only way out of
 * EXECUTING); a 4xx is final and thrown.
 */
async function report(jobId: string, what: 'ack' | 'complete' | 'fail', body: unknown): Promise<void> {
  const deadline = Date.now() + REPORT_PATIENCE_MS;
  for (let attempt = 1; ; attempt++) {
    let problem: string;
    try {
      const response = await fetch(`${url}/jobs/${jobId}/${what}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.ok) return;
      problem = `${response.status} ${await response.text()}`;
      if (response.status !== 429 && response.status < 500)
        throw new Error(`POST /jobs/${jobId}/${what}: ${problem}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // fetch fails with a TypeError when it cannot connect
      problem = `cannot reach ${url} (${error.cause instanceof Error ? error.cause.message : error.message})`;
    }
    if (Date.now() > deadline) throw new Error(`POST /jobs/${jobId}/${what}: gave up: ${problem}`);
    console.error(`[executor] ${jobId}: ${what}: ${problem}; trying again`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
  }
}

async function submit(event: JobEventOf<'job:started'>): Promise<void> {
  const { jobId, job } = event;
  console.log(`[executor] ${jobId}: submitting`);
  // The first ack also stops the job's ack timer (config.ackTimeoutSeconds).
  await report(jobId, 'ack', { progress: 50, info: 'Sending the order to the warehouse' });
  try {
    // The real work goes here; this example only says what it would have sent.
    const note = typeof job.input?.note === 'string' ? ` (“${job.input.note}”)` : '';
    await report(jobId, 'complete', {
      outcome: { heading: 'Submitted', message: `Workbook ${job.source} was submitted${note}.` },
    });
    console.log(`[executor] ${jobId}: completed`);
  } catch (error) {
    // Tell partwise, so the job fails with our reason instead of hanging in EXECUTING.
    await report(jobId, 'fail', { info: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

// The stream may repeat an event (a reconnect replays after Last-Event-ID): the subscriber
// validates each one and runs the handler once per event id.
const subscriber = new Subscriber().on('job:started', async (event) => {
  if (event.operation === 'submit') await submit(event);
});

/** Why a connection failed, in a few words: `ECONNREFUSED`, `ENOTFOUND`, `503`… */
function reason(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

// Whether the stream is connected: one line when it cannot connect (at start, or after it
// dropped), one when it is back; not a line per retry.
let connected: boolean | undefined;

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

try {
  await subscriber.consume(
    streamEvents({
      url,
      apiKey,
      signal: stop.signal,
      onOpen: () => {
        console.log(
          connected === false
            ? `[executor] reached ${url} again; listening for job:started of "submit"`
            : `[executor] listening for job:started of "submit" on ${url}/events/stream`,
        );
        connected = true;
      },
      onRetry: ({ error }) => {
        if (connected !== false) {
          console.error(
            `[executor] cannot reach partwise at ${url}/events/stream (${reason(error)}): check that the server is running (\`npm start\`) and that PARTWISE_URL points at it; retrying until it answers`,
          );
        }
        connected = false;
      },
    }),
    // A handler's failure is logged; the executor goes on with the next event.
    {
      onError: (error) =>
        console.error(`[executor] ${error instanceof Error ? error.message : String(error)}`),
    },
  );
  console.log('[executor] stopped');
} catch (error) {
  // The stream refused us for good (a wrong key, a wrong URL): retrying would not help.
  console.error(`[executor] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
