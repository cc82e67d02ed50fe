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
import type { Job } from '../domain/job.js';
import type { JobStatus } from '../domain/status.js';
import { faultPoint } from '../faults.js';
import type { AbandonNote, PartMessage } from '../operations/operation.js';
import { removePlans } from '../operations/plans.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { type Commit, commitJob } from './commit.js';

/** The final statuses whose data is removed (a COMPLETED job keeps what it wrote). */
export const isAbandoned = (status: JobStatus): boolean => status === 'FAILED' || status === 'CANCELED';

/**
 * Adds to a commit that ends a job FAILED or CANCELED its `cleanup` command, and the mark
 * that keeps the job in the sweeper's sight until the cleanup is done. A job carried out
 * outside partwise wrote nothing here: it needs none.
 */
export function withCleanup(record: JobRecord, commit: Commit): Commit {
  if (operationFor(record.job.operation, record.job.type).runsOutside) return commit;
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
  await removePlans(services, job.id);
  return note;
}

/**
 * The `cleanup` command: abandons the job, then marks its cleanup done, with what the
 * operation says about the data in the job's `outcome`. The status does not change, so no
 * event is committed; `GET /jobs/:id` shows the outcome.
 */
export async function cleanupJob(services: Services, jobId: string): Promise<void> {
  const record = await services.jobs.get(jobId);
  if (!record?.cleanupPending) return; // done already: a duplicate delivery
  const note = await abandonJob(services, record.job, record.state);
  faultPoint('cleanup:after-abandon');
  const { destinationRemoved, ...said } = note ?? { message: '' };
  await commitJob(
    services,
    jobId,
    (current) =>
      current.cleanupPending
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
        : undefined,
    record,
  );
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
  if (isAbandoned(current.job.status)) await operation.abandon?.(current.job, current.state, services);
  else if (current.job.status === 'COMPLETED')
    await operation.discardLatePart?.(current.job, current.state, message, services);
}
