/**
 * The CLI's jobs: create one (`extract`, `map`, `delete`, `export`), follow it to its end
 * with live progress, and `jobs ls|get|execute|cancel|retry|wait`.
 */
import {
  type CreateJobBody,
  dataOf,
  type Job,
  PartwiseApiError,
  type PartwiseClient,
} from '../client/index.js';
import { isId } from '../domain/ids.js';
import { JOB_STATUSES, type JobStatus } from '../domain/status.js';
import { CliError, EXIT, type Output, UsageError } from './output.js';
import { formatCount, progressView } from './progress.js';

export interface Context {
  client: PartwiseClient;
  output: Output;
  /** Aborted by Ctrl+C: a wait stops (the job goes on). */
  signal?: AbortSignal;
}

type ResourceType = CreateJobBody['type'];

/** The resource type an id names, by its prefix. */
export function resourceTypeOf(id: string, what: string): ResourceType {
  if (isId('file', id)) return 'file';
  if (isId('workbook', id)) return 'workbook';
  if (isId('sheet', id)) return 'sheet';
  throw new UsageError(`${what} "${id}" is no file (file_…), workbook (wb_…) or sheet (sh_…) id.`);
}

/**
 * `--config k=v` pairs as an object: a value that reads as JSON is taken as JSON (numbers,
 * booleans, arrays, objects), anything else as text; `a.b=v` nests.
 */
export function parseConfigPairs(pairs: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--config "${pair}" is not key=value (e.g. --config partSizeBytes=1048576).`);
    const path = pair.slice(0, eq).split('.');
    if (path.some((key) => key === '')) throw new UsageError(`--config "${pair}" has an empty key.`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    let into = config;
    for (const key of path.slice(0, -1)) {
      const next = into[key];
      if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) {
        throw new UsageError(`--config "${pair}": ${key} is already a value, not an object.`);
      }
      into[key] ??= {};
      into = into[key] as Record<string, unknown>;
    }
    into[path.at(-1) as string] = value;
  }
  return config;
}

/** Creates a job; with `wait`, follows it to its end. Resolves with the exit code. */
export async function createJob(ctx: Context, body: CreateJobBody, wait: boolean): Promise<number> {
  const job = dataOf(
    await ctx.client.api.POST('/jobs', { body: { trigger: 'immediate', ...body } }),
    'POST /jobs',
  );
  if (!wait) {
    ctx.output.result(
      job,
      `${job.id} ${job.operation} ${job.status} (follow it: partwise jobs wait ${job.id})`,
    );
    return EXIT.ok;
  }
  ctx.output.say(`${job.id} ${job.operation} of ${job.source}`);
  return finish(ctx, await follow(ctx, job.id));
}

/** Follows a job with live progress; resolves with the job as it ended. */
export async function follow(ctx: Context, jobId: string): Promise<Job> {
  const view = progressView(ctx.output);
  let job: Job;
  try {
    job = await ctx.client.waitForJob(jobId, {
      onProgress: (update) => view.update(update),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } finally {
    view.stop();
  }
  if (ctx.signal?.aborted) {
    throw new CliError(
      `Stopped waiting; ${jobId} goes on (${job.status}): partwise jobs wait ${jobId}`,
      EXIT.interrupted,
    );
  }
  return job;
}

/** Prints how the job ended; the exit code: 0 when it completed, 1 otherwise. */
export function finish(ctx: Context, job: Job): number {
  const ok = job.status === 'COMPLETED';
  ctx.output.result(job, ending(job, ctx.output.mode === 'tty'));
  return ok ? EXIT.ok : EXIT.failed;
}

function ending(job: Job, fancy: boolean): string[] {
  const took =
    job.startedAt && job.finishedAt
      ? ` in ${((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1)} s`
      : '';
  const rows = job.rowsProcessed === undefined ? '' : `, ${formatCount(job.rowsProcessed)} rows`;
  const mark = fancy ? (job.status === 'COMPLETED' ? '✔ ' : '✘ ') : '';
  const lines = [`${mark}${job.id} ${job.status}: ${job.processed}/${job.parts} parts${rows}${took}`];
  if (job.failed > 0) lines.push(`  ${job.failed} parts failed (partwise jobs retry ${job.id})`);
  if (job.error) lines.push(`  ${job.error.message}`);
  const message = job.outcome?.message;
  if (typeof message === 'string') lines.push(`  ${message}`);
  const sheetId = job.outcome?.sheetId;
  if (typeof sheetId === 'string') lines.push(`  records: partwise records ${sheetId}`);
  return lines;
}

/** A status as `--status` gives it, in any case. */
export function jobStatus(given: string): JobStatus {
  const status = JOB_STATUSES.find((s) => s === given.toUpperCase());
  if (!status) throw new UsageError(`--status "${given}" is no status: ${JOB_STATUSES.join(', ')}.`);
  return status;
}

export async function listJobs(ctx: Context, filter: { status?: JobStatus; limit: number }): Promise<number> {
  const jobs = dataOf(
    await ctx.client.api.GET('/jobs', {
      params: { query: { limit: filter.limit, ...(filter.status ? { status: filter.status } : {}) } },
    }),
    'GET /jobs',
  );
  ctx.output.result(
    jobs,
    jobs.length === 0
      ? 'no jobs'
      : jobs.map(
          (j) =>
            `${j.id}  ${j.operation.padEnd(8)} ${j.status.padEnd(9)} ${`${j.processed}/${j.parts}`.padStart(9)}  ${j.createdAt}`,
        ),
  );
  return EXIT.ok;
}

export async function showJob(ctx: Context, id: string): Promise<number> {
  const job = await ctx.client.getJob(id);
  ctx.output.result(job, JSON.stringify(job, null, 2));
  return EXIT.ok;
}

export async function jobAction(
  ctx: Context,
  action: 'execute' | 'cancel' | 'retry',
  id: string,
  wait: boolean,
): Promise<number> {
  const path = `/jobs/{id}/${action}` as const;
  const answer = await ctx.client.api.POST(path, { params: { path: { id } } });
  if (answer.error !== undefined || !answer.response.ok) {
    const problem = typeof answer.error === 'object' && answer.error !== null ? answer.error : undefined;
    throw new PartwiseApiError(answer.response.status, problem, `POST /jobs/${id}/${action}`);
  }
  if (wait && action !== 'cancel') return finish(ctx, await follow(ctx, id));
  const job = await ctx.client.getJob(id);
  ctx.output.result(job, `${job.id} ${job.status}`);
  return action === 'cancel' || job.status !== 'FAILED' ? EXIT.ok : EXIT.failed;
}
