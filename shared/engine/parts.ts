import { PROGRESS_EVENT_INTERVAL_MS } from '../domain/deadlines.js';
import { isPermanent, StaleWriteError } from '../domain/errors.js';
import type { JobError } from '../domain/job.js';
import { faultPoint } from '../faults.js';
import type { PartMessage } from '../operations/operation.js';
import { removePlans } from '../operations/plans.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { abandonJob, isAbandoned, settleLatePart } from './cleanup.js';
import { commitJob, outboxFor, progressBacklogged } from './commit.js';
import { failJob } from './lifecycle.js';

/**
 * Runs one part and counts it. Safe to call any number of times for the same part: the
 * output is overwritten, the count moves once, and only one caller finalizes the job.
 * `cached` lets a batch of parts of one job share one read of the job.
 */
export async function runPart(services: Services, message: PartMessage, cached?: JobRecord): Promise<void> {
  const record = cached ?? (await services.jobs.get(message.jobId));
  // Canceled, failed, deleted or already complete: a late or duplicate delivery. Of a
  // completed job, it may be the redelivery of a copy that wrote and died: what only such a
  // copy leaves goes.
  if (record?.job.status !== 'EXECUTING') {
    if (record?.job.status === 'COMPLETED') await discardLate(services, record, message);
    return;
  }
  const operation = operationFor(record.job.operation, record.job.type);
  let stats: Record<string, number>;
  try {
    stats = await operation.runPart(record.job, record.state, message, services);
  } catch (error) {
    if (isPermanent(error)) {
      // The input itself is at fault (bad content): retrying cannot help.
      await failPart(services, message.jobId, message.part, {
        code: error.code,
        message: error.message,
        part: message.part,
      });
      return;
    }
    throw error;
  }
  faultPoint('part:after-output');
  // Counting checks, in the same write, that the job is still executing.
  const counted = await services.jobs.countPart(message.jobId, message.part, stats);
  faultPoint('part:after-count');
  if (!counted) {
    // It is not: if it ended FAILED or CANCELED while this part ran, its cleanup may have
    // looked before this output was in place, so the part removes it. (A job that ends
    // after the count finds the output in place when its cleanup runs.) If it completed,
    // this was a late copy of a part finalize had used: what only it left goes.
    await settleLatePart(services, message);
    return;
  }
  const { record: after } = counted;
  if (after.job.processed >= after.job.parts) {
    const finished = await finalizeJob(services, after);
    // This part's copy may have written after a finalize (its own or another's) used the parts.
    if (finished?.job.status === 'COMPLETED') await discardLate(services, finished, message);
  } else if (counted.counted) {
    await maybeReportProgress(services, after);
  }
}

async function discardLate(services: Services, record: JobRecord, message: PartMessage): Promise<void> {
  await operationFor(record.job.operation, record.job.type).discardLatePart?.(
    record.job,
    record.state,
    message,
    services,
  );
}

/** Commits a throttled `job:updated`; losing the race to another part is fine. */
async function maybeReportProgress(services: Services, record: JobRecord): Promise<void> {
  const now = services.now();
  if (now.getTime() - record.lastProgressEventAt < PROGRESS_EVENT_INTERVAL_MS) return;
  if (progressBacklogged(record)) return;
  const changes = { lastProgressEventAt: now.getTime(), job: { updatedAt: now.toISOString() } };
  try {
    await services.jobs.update(
      record,
      changes,
      outboxFor(record, { changes, topics: ['job:updated'] }, now.toISOString()),
    );
  } catch (error) {
    if (!(error instanceof StaleWriteError)) throw error;
  }
}

/**
 * EXECUTING → COMPLETED once every part is counted: the operation's idempotent
 * finalize, then one conditional write with the last `job:updated` and `job:completed`.
 * Concurrent callers may both run the operation's finalize; exactly one commits.
 */
export async function finalizeJob(services: Services, record: JobRecord): Promise<JobRecord | undefined> {
  const operation = operationFor(record.job.operation, record.job.type);
  let outcome: Record<string, unknown>;
  try {
    outcome = await operation.finalize(record.job, record.state, services, { failed: [] });
  } catch (error) {
    if (isPermanent(error)) {
      return failJob(services, record.job.id, { code: error.code, message: error.message });
    }
    throw error;
  }
  faultPoint('finalize:before-commit');
  const after = await commitJob(
    services,
    record.job.id,
    (current) =>
      current.job.status === 'EXECUTING' && current.job.processed >= current.job.parts
        ? {
            changes: {
              job: { status: 'COMPLETED', outcome, finishedAt: services.now().toISOString() },
              lastProgressEventAt: services.now().getTime(),
            },
            topics: ['job:updated', 'job:completed'],
          }
        : undefined,
    record,
  );
  // Ended while finalize ran (an export's file registered just after the cancel, say).
  if (after && isAbandoned(after.job.status)) await abandonJob(services, after.job, after.state);
  // Completed: every plan of the job goes, a planning attempt's that lost the race included.
  if (after?.job.status === 'COMPLETED') await removePlans(services, record.job.id);
  return after;
}

/** A part failed for good (bad input, or it reached the DLQ): record it and fail the job. */
export async function failPart(
  services: Services,
  jobId: string,
  part: number,
  error: JobError,
): Promise<void> {
  await services.jobs.failPart(jobId, part, error);
  await failJob(services, jobId, {
    code: 'part-failed',
    message: `Part ${part} failed: ${error.message}`,
    part,
  });
}
