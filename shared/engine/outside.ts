import { ackTimeoutSecondsOf, PROGRESS_EVENT_INTERVAL_MS } from '../domain/deadlines.js';
import { ConflictError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { isFinal } from '../domain/status.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { withCleanup } from './cleanup.js';
import { type Commit, commitJob, progressBacklogged } from './commit.js';
import { failJob, jobOf } from './lifecycle.js';

/** Reports from a service that carries out a custom action's job. */
export interface AckReport {
  progress?: number;
  info?: string;
  estimatedCompletionAt?: string;
}
export interface CompleteReport {
  outcome?: Record<string, unknown>;
  info?: string;
}
export interface FailReport {
  info?: string;
  outcome?: Record<string, unknown>;
}

function reportable(record: JobRecord, what: string): void {
  const { job } = record;
  if (isFinal(job.status)) {
    throw new ConflictError(
      `Job ${job.id} is already ${job.status}; it takes no further reports.`,
      'job-final',
    );
  }
  if (!operationFor(job.operation, job.type).runsOutside) {
    throw new ConflictError(
      `Job ${job.id} (${job.operation}) runs its parts inside partwise; only jobs of custom actions take ${what} reports.`,
      'job-not-outside',
    );
  }
  if (job.status !== 'EXECUTING') {
    throw new ConflictError(
      `Job ${job.id} is ${job.status}: execute it before reporting on it.`,
      'job-not-executing',
    );
  }
}

async function report(
  services: Services,
  environmentId: string,
  jobId: string,
  what: string,
  decide: (record: JobRecord) => Commit,
): Promise<Job> {
  const first = await jobOf(services, environmentId, jobId);
  const record = await commitJob(
    services,
    jobId,
    (current) => {
      reportable(current, what);
      return decide(current);
    },
    first,
  );
  return (record ?? first).job;
}

/**
 * Progress from the executor. The first ack also stops the ack timer. Every ack is kept on
 * the job; `job:updated` goes out at most once a second per job, as for parts, and the
 * job's last one goes out with its completion.
 */
export function ackJob(
  services: Services,
  environmentId: string,
  jobId: string,
  ack: AckReport,
): Promise<Job> {
  return report(services, environmentId, jobId, 'ack', (current) => {
    const now = services.now();
    const announce =
      now.getTime() - current.lastProgressEventAt >= PROGRESS_EVENT_INTERVAL_MS &&
      !progressBacklogged(current);
    return {
      changes: {
        job: {
          ...(ack.info !== undefined ? { info: ack.info } : {}),
          ...(ack.estimatedCompletionAt ? { estimatedCompletionAt: ack.estimatedCompletionAt } : {}),
        },
        ...(ack.progress !== undefined ? { reportedProgress: ack.progress } : {}),
        ...(current.ackedAt ? {} : { ackedAt: now.toISOString() }),
        ...(announce ? { lastProgressEventAt: now.getTime() } : {}),
      },
      topics: announce ? ['job:updated'] : [],
    };
  });
}

export function completeJob(
  services: Services,
  environmentId: string,
  jobId: string,
  done: CompleteReport,
): Promise<Job> {
  return report(services, environmentId, jobId, 'complete', () => ({
    changes: {
      job: {
        status: 'COMPLETED',
        finishedAt: services.now().toISOString(),
        ...(done.outcome ? { outcome: done.outcome } : {}),
        ...(done.info !== undefined ? { info: done.info } : {}),
      },
      reportedProgress: 100,
      lastProgressEventAt: services.now().getTime(),
    },
    // The last job:updated, with the final progress, as a parts-based job's finalize sends.
    topics: ['job:updated', 'job:completed'],
  }));
}

export function failJobByExecutor(
  services: Services,
  environmentId: string,
  jobId: string,
  failure: FailReport,
): Promise<Job> {
  return report(services, environmentId, jobId, 'fail', () => ({
    changes: {
      job: {
        status: 'FAILED',
        finishedAt: services.now().toISOString(),
        error: { code: 'executor-failed', message: failure.info ?? 'The executor reported a failure.' },
        ...(failure.outcome ? { outcome: failure.outcome } : {}),
        ...(failure.info !== undefined ? { info: failure.info } : {}),
      },
    },
    topics: ['job:failed'],
  }));
}

/**
 * Any non-final status → CANCELED with `job:canceled` and the command that removes what the
 * job wrote; parts still queued are skipped when they arrive.
 */
export async function cancelJob(services: Services, environmentId: string, jobId: string): Promise<Job> {
  const first = await jobOf(services, environmentId, jobId);
  const record = await commitJob(
    services,
    jobId,
    (current) => {
      if (isFinal(current.job.status)) {
        throw new ConflictError(
          `Job ${jobId} is already ${current.job.status}; only a job that has not ended can be canceled.`,
          'job-final',
        );
      }
      return withCleanup(
        current,
        {
          changes: { job: { status: 'CANCELED', finishedAt: services.now().toISOString() } },
          topics: ['job:canceled'],
        },
        services,
      );
    },
    first,
  );
  return (record ?? first).job;
}

/**
 * The `ack-timeout` command, delivered with a delay: an outside job still unacknowledged
 * at `due` fails, so a job without an executor never hangs unseen.
 */
export async function checkAckTimeout(
  services: Services,
  jobId: string,
  due: string,
): Promise<'early' | 'done' | 'failed'> {
  if (services.now().getTime() < Date.parse(due)) return 'early';
  const record = await services.jobs.get(jobId);
  if (record?.job.status !== 'EXECUTING' || record.ackedAt) return 'done';
  const seconds = ackTimeoutSecondsOf(record.job);
  await failJob(services, jobId, {
    code: 'ack-timeout',
    message: `No executor acknowledged this job within ${seconds} s of its start. Is a service subscribed to job:started for operation "${record.job.operation}", and does it POST /jobs/${jobId}/ack?`,
  });
  return 'failed';
}
