/**
 * Redrive: `POST /jobs/:id/retry` reruns only the parts of a job that did not finish, and
 * keeps every finished part's output. A FAILED job can be retried while it still holds what
 * it wrote (its retry window, retry-window.ts), a COMPLETED one while it holds the plan of
 * the parts its tolerance let fail. The job goes back to EXECUTING in its next attempt
 * (`job.attempt`, on every event), with `job:started`; the failures of the attempt that
 * ended are forgotten, the finished parts' counts stay, and a dispatch sends the parts not
 * finished. See docs/retry.md.
 */
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { attemptOf, type Job } from '../domain/job.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { type Commit, commitJob } from './commit.js';
import { jobOf } from './lifecycle.js';
import { windowedDispatch } from './window.js';

export async function retryJob(services: Services, environmentId: string, jobId: string): Promise<Job> {
  const first = await jobOf(services, environmentId, jobId);
  const operation = operationFor(first.job.operation, first.job.type);
  if (operation.runsOutside) {
    throw new ConflictError(
      `Job ${jobId} is carried out by an action's executor, not in parts: create a new job to run it again.`,
      'job-not-retryable',
    );
  }
  retryable(first);
  // The parts must still read what they were planned on.
  await operation.checkRetry?.(first.job, first.state, services);
  const record = await commitJob(services, jobId, (current) => redrive(retryable(current), services), first);
  if (!record) throw new NotFoundError('Job', jobId);
  return record.job;
}

/** The job, if a retry may move it on; otherwise a 409 that says why not. */
function retryable(record: JobRecord): JobRecord {
  const { job } = record;
  const id = job.id;
  switch (job.status) {
    case 'CANCELED':
      throw new ConflictError(`Job ${id} was canceled: create a new job to run it again.`, 'job-canceled');
    case 'PLANNING':
    case 'READY':
    case 'EXECUTING':
      throw new ConflictError(
        `Job ${id} is ${job.status}: only a FAILED job, or one COMPLETED with failed parts, can be retried.`,
        'job-not-ended',
      );
    case 'COMPLETED':
      if (job.failed === 0) {
        throw new ConflictError(
          `Job ${id} COMPLETED with every part: there is nothing to retry.`,
          'nothing-to-retry',
        );
      }
      break;
    case 'FAILED':
      if (!job.startedAt || job.parts === 0) {
        throw new ConflictError(
          `Job ${id} failed before it ran any part (${job.error?.message ?? 'while planning'}): create a new job once the cause is fixed.`,
          'job-not-retryable',
        );
      }
  }
  if (!record.cleanupPending) {
    throw new ConflictError(
      job.status === 'FAILED'
        ? `Job ${id}'s retry window has ended and what it wrote was removed: create a new job to run it again.`
        : `Job ${id}'s retry window has ended and the plan of its failed parts was removed: create a new job to run them.`,
      'retry-window-ended',
    );
  }
  if (!record.cleanupDueAt || record.deleteRequested) {
    throw new ConflictError(
      `Job ${id} is being cleaned up${record.deleteRequested ? ' and deleted' : ''}: it can no longer be retried.`,
      'job-cleaning-up',
    );
  }
  return record;
}

/** → EXECUTING in the next attempt, with `job:started` and the dispatch of the parts not finished. */
function redrive(record: JobRecord, services: Services): Commit {
  const now = services.now().toISOString();
  return {
    changes: {
      job: {
        status: 'EXECUTING',
        attempt: attemptOf(record.job) + 1,
        startedAt: now,
        error: undefined,
        finishedAt: undefined,
        outcome: undefined,
      },
      cleanupPending: false,
      forgetFailedParts: true,
      lastProgressEventAt: 0,
      ...windowedDispatch(services, record, attemptOf(record.job) + 1),
    },
    topics: ['job:started'],
    commands: [{ kind: 'dispatch', jobId: record.job.id, from: 0, pendingOnly: true }],
  };
}
