/**
 * The local stack as the bench uses it: started in this process on a temp data dir, with the
 * processor behind processor-divert.ts (a pass-through that hands only the parts of jobs
 * marked for an RSS measurement to a child process), and an API client.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { rawRequest } from '../test/helpers/client.js';
import { waitFor as waitUntil } from '../test/helpers/wait.js';
import {
  DIVERT_DIR_ENV,
  type DivertedResult,
  divertedResultPath,
  divertMarkPath,
} from './processor-divert.js';

export type Job = Record<string, any> & { id: string; status: string };

export async function startBenchStack(dataDir: string) {
  // Read by the handlers when first imported, in this thread and in the processor's workers.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env[DIVERT_DIR_ENV] = dataDir;
  const { startLocalStack } = await import('../infra/local/stack.js');
  const stack = await startLocalStack({
    port: 0,
    dataDir,
    // A single part of a 1 GB file runs longer than the default 30 s: as in AWS, the queue's
    // visibility timeout is set above the processor's function timeout (300 s).
    visibilityTimeoutSeconds: 900,
    handlers: { processor: new URL('./processor-divert.ts', import.meta.url) },
    log: { info() {}, warn() {}, error: console.error, debug() {} } as never,
  });
  const raw = rawRequest({ url: stack.url, apiKey: stack.apiKey, local: true });

  async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await raw(method, path, body);
    if (response.status >= 300) {
      throw new ApiProblem(
        response.status,
        `${method} ${path}: ${response.status} ${problemText(response.body)}`,
      );
    }
    return (response.body as { data: T }).data;
  }

  /** Streams a file to its presigned uploadUrl with a Content-Length, as `curl -T` does. */
  async function upload(path: string, name: string): Promise<{ id: string }> {
    const size = (await stat(path)).size;
    const file = await ok<{ id: string; uploadUrl: string; uploadHeaders: Record<string, string> }>(
      'POST',
      '/files',
      { name, size },
    );
    await new Promise<void>((resolve, reject) => {
      const put = request(file.uploadUrl, { method: 'PUT', headers: file.uploadHeaders }, (res) => {
        res.resume();
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`upload: HTTP ${res.statusCode}`)),
        );
      });
      put.on('error', reject);
      createReadStream(path, { highWaterMark: 1 << 20 })
        .on('error', reject)
        .pipe(put);
    });
    return file;
  }

  async function waitFor(jobId: string, statuses: string[]): Promise<Job> {
    return waitUntil(
      `job ${jobId}`,
      () => ok<Job>('GET', `/jobs/${jobId}`),
      (job) => statuses.includes(job.status),
      { timeoutMs: 60 * 60_000, intervalMs: 100 },
    );
  }

  /**
   * Creates a job that starts at once and waits for its end. `seconds` is the job's own
   * createdAt → finishedAt (stamped by the service at POST /jobs and at completion), so the
   * status polls' interval does not blur it.
   */
  async function runJob(body: Record<string, unknown>): Promise<{ job: Job; seconds: number }> {
    const created = await ok<Job>('POST', '/jobs', { ...body, trigger: 'immediate' });
    const job = await waitFor(created.id, ['COMPLETED', 'FAILED', 'CANCELED']);
    if (job.status !== 'COMPLETED')
      throw new Error(`job ${job.id} ${job.status}: ${JSON.stringify(job.error)}`);
    return { job, seconds: elapsed(job) };
  }

  /**
   * Runs an extract job's parts in a child process of their own (processor-divert.ts): the job
   * is created manual, marked once planned, then executed. Returns the child's figures.
   */
  async function runDiverted(body: Record<string, unknown>): Promise<{ job: Job; result: DivertedResult }> {
    const created = await ok<Job>('POST', '/jobs', { ...body, trigger: 'manual' });
    const ready = await waitFor(created.id, ['READY', 'FAILED']);
    if (ready.status !== 'READY')
      throw new Error(`job ${ready.id} ${ready.status}: ${JSON.stringify(ready.error)}`);
    await writeFile(divertMarkPath(dataDir, created.id), '');
    await ok('POST', `/jobs/${created.id}/execute`);
    const job = await waitFor(created.id, ['COMPLETED', 'FAILED', 'CANCELED']);
    if (job.status !== 'COMPLETED')
      throw new Error(`job ${job.id} ${job.status}: ${JSON.stringify(job.error)}`);
    const results = (await resultLines(divertedResultPath(dataDir, created.id))).map(
      (line) => JSON.parse(line) as DivertedResult,
    );
    // With one part per job there is one line; keep the highest peak if SQS delivered twice.
    const result = results.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
    return { job, result };
  }

  return { stack, ok, upload, waitFor, runJob, runDiverted, dataDir };
}

/**
 * The child's result lines. The job completes inside the child's handler call, before the
 * child appends its figures, so the file may be missing or short for a moment after the job
 * reads COMPLETED: wait for a whole line.
 */
async function resultLines(path: string): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return text.trim().split('\n');
    if (Date.now() > deadline) throw new Error(`no result from the processor child in ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

function problemText(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body)
    return String((body as { detail: unknown }).detail);
  return JSON.stringify(body);
}

export function elapsed(job: Job): number {
  return (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000;
}
