/**
 * Nothing left behind by a job that ends FAILED or CANCELED: the transition commits a
 * `cleanup` command with it (so the work runs on the queue, retried, not in the request
 * that canceled), and the command runs the operation's `abandon` hook and removes the
 * job's plans.
 *
 * Work still running when the job ended (a part, a finalize, a plan) may write after the
 * cleanup ran. Each looks at the job again once its output is in place (a part through its
 * count, which moves only while the job is executing; a finalize or a plan by reading it)
 * and, if the job was abandoned meanwhile, removes what the job wrote itself: every output is removed either by the
 * cleanup (it was in place before the cleanup looked) or by the work that wrote it (the
 * job had ended before that work looked). Only a crash between writing and looking again
 * escapes both; what it leaves is found by no reader (see docs/cleanup.md).
 */

import { StaleWriteError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import type { JobStatus } from '../domain/status.js';
import { faultPoint } from '../faults.js';
import type { AbandonNote, PartMessage } from '../operations/operation.js';
import { removePlans } from '../operations/plans.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { type Commit, commitJob, outboxFor } from './commit.js';
import { awaitsRetry, retryWindow } from './retry-window.js';

/** The final statuses whose data is removed (a COMPLETED job keeps what it wrote). */
export const isAbandoned = (status: JobStatus): boolean => status === 'FAILED' || status === 'CANCELED';

/**
 * Adds to a commit that ends a job FAILED or CANCELED its `cleanup` command, and the mark
 * that keeps the job in the sweeper's sight until the cleanup is done. A job that fails
 * while executing keeps what it wrote for a retry: its cleanup waits for the end of its
 * retry window (retry-window.ts). A job carried out outside partwise wrote nothing here:
 * it needs none.
 */
export function withCleanup(record: JobRecord, commit: Commit, services: Services): Commit {
  if (operationFor(record.job.operation, record.job.type).runsOutside) return commit;
  if (commit.changes.job?.status === 'FAILED' && record.job.status === 'EXECUTING') {
    const held = retryWindow(record, services);
    if (held.cleanupPending) return { ...commit, changes: { ...commit.changes, ...held } };
  }
  return {
    ...commit,
    changes: { ...commit.changes, cleanupPending: true },
    commands: [...(commit.commands ?? []), { kind: 'cleanup', jobId: record.job.id }],
  };
}

/** Removes what a job wrote: the operation's `abandon`, then every plan of the job. Idempotent. */
export async function abandonJob(
  services: Services,
  job: Job,
  state: Record<string, unknown>,
): Promise<AbandonNote | undefined> {
  const note = await operationFor(job.operation, job.type).abandon?.(job, state, services);
  await removePlans(services, job);
  return note;
}

/**
 * The `cleanup` command: abandons the job, then marks its cleanup done, with what the
 * operation says about the data in the job's `outcome`. The status does not change, so no
 * event is committed; `GET /jobs/:id` shows the outcome. A job COMPLETED without some parts
 * keeps what it wrote: its cleanup, at the end of its retry window, only removes its plans.
 * A job whose DELETE waited for its cleanup is deleted once it is done.
 */
export async function cleanupJob(services: Services, jobId: string): Promise<void> {
  const record = await services.jobs.get(jobId);
  if (!record?.cleanupPending) return; // done already: a duplicate delivery
  // Sent by a sweep just before a retry moved the job on, or early: the window decides.
  if (record.cleanupDueAt && Date.parse(record.cleanupDueAt) > services.now().getTime()) return;
  let note: AbandonNote | undefined;
  if (record.job.status === 'COMPLETED') {
    await removePlans(services, record.job);
  } else if (isAbandoned(record.job.status)) {
    note = await abandonJob(services, record.job, record.state);
    faultPoint('cleanup:after-abandon');
  } else {
    return; // retried meanwhile: what it wrote is its own again
  }
  const { destinationRemoved, ...said } = note ?? { message: '' };
  // A DELETE that arrived while this ran is read from the record the commit applies to
  // (the commit clears the mark with `cleanupPending`).
  let deleting = false;
  await commitJob(
    services,
    jobId,
    (current) => {
      deleting = current.deleteRequested === true;
      return current.cleanupPending
        ? {
            changes: {
              cleanupPending: false,
              ...(note
                ? {
                    job: {
                      outcome: { ...current.job.outcome, ...said },
                      ...(destinationRemoved ? { destination: undefined } : {}),
                    },
                  }
                : {}),
            },
          }
        : undefined;
    },
    record,
  );
  if (deleting) await markJobDeleted(services, jobId);
}

/**
 * Deletes a job with `job:deleted` (soft: its outbox still drains), retrying on concurrent
 * writes; `check` sees the freshest job before each try and throws to refuse.
 */
export async function markJobDeleted(
  services: Services,
  jobId: string,
  first?: JobRecord,
  check?: (record: JobRecord) => void,
): Promise<void> {
  let record = first ?? (await services.jobs.get(jobId));
  for (let attempt = 1; record; attempt++) {
    check?.(record);
    const now = services.now().toISOString();
    try {
      await services.jobs.markDeleted(
        record,
        outboxFor(record, { changes: {}, topics: ['job:deleted'] }, now),
      );
      return;
    } catch (error) {
      if (!(error instanceof StaleWriteError) || attempt >= 10) throw error;
      record = await services.jobs.get(jobId);
    }
  }
}

/**
 * For a part that was running when its job may have ended: reads the job again (a
 * consistent read). If it was abandoned, the operation's `abandon` runs once more, which
 * removes this part's output too. (Parts write no plans: those stay the cleanup's.) If it
 * completed meanwhile — this was a late or duplicate delivery of a part finalize had already
 * used — the operation discards what only such a part leaves (`discardLatePart`).
 */
export async function settleLatePart(services: Services, message: PartMessage): Promise<void> {
  const current = await services.jobs.get(message.jobId);
  if (!current) return;
  const operation = operationFor(current.job.operation, current.job.type);
  // A job waiting for a retry keeps this output too: a retry reruns the part over it, and
  // the cleanup at the window's end finds it in place.
  if (isAbandoned(current.job.status) && !awaitsRetry(current))
    await operation.abandon?.(current.job, current.state, services);
  else if (current.job.status === 'COMPLETED' && !current.cleanupPending)
    await operation.discardLatePart?.(current.job, current.state, message, services);
}
