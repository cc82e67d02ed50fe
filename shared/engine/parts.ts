import { PROGRESS_EVENT_INTERVAL_MS } from '../domain/deadlines.js';
import { isPermanent, PartwiseError, StaleWriteError } from '../domain/errors.js';
import { type JobError, partsSettled } from '../domain/job.js';
import { toleranceCrossed, toleranceOf } from '../domain/tolerance.js';
import { faultFailsPart, faultPoint, faultSlowPart } from '../faults.js';
import type { PartMessage, Settled } from '../operations/operation.js';
import { removePlans } from '../operations/plans.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { abandonJob, isAbandoned, settleLatePart } from './cleanup.js';
import { commitJob, outboxFor, progressBacklogged } from './commit.js';
import { failJob } from './lifecycle.js';
import { claimRequest, relayCommitted } from './relay.js';
import { awaitsRetry, retryWindow } from './retry-window.js';
import { topUpDispatch } from './window.js';

/**
 * Runs one part and counts it. Safe to call any number of times for the same part: the
 * output is overwritten, the count moves once, and only one caller finalizes the job.
 * `cached` lets a batch of parts of one job share one read of the job.
 */
export async function runPart(services: Services, message: PartMessage, cached?: JobRecord): Promise<void> {
  const ran = await executePart(services, message, cached);
  if (ran) await countParts(services, message.jobId, [{ message, ...ran }]);
}

/** A part whose work is done and written, waiting to be counted. */
export interface RanPart {
  message: PartMessage;
  stats: Record<string, number>;
  /** The job's operation and how long the part's work took, for the metrics. */
  operation: string;
  durationMs: number;
}

/**
 * Runs one part's work, and returns what it reported; undefined when there is nothing to
 * count: the job is not executing (a late or duplicate delivery), or the part failed for
 * good (recorded). Throws what a retry may cure.
 */
export async function executePart(
  services: Services,
  message: PartMessage,
  cached?: JobRecord,
): Promise<Omit<RanPart, 'message'> | undefined> {
  const record = cached ?? (await services.jobs.get(message.jobId));
  // Canceled, failed, deleted or already complete: a late or duplicate delivery. Of a
  // completed job, it may be the redelivery of a copy that wrote and died: what only such a
  // copy leaves goes.
  if (record?.job.status !== 'EXECUTING') {
    if (record?.job.status === 'COMPLETED') await discardLate(services, record, message);
    return undefined;
  }
  const operation = operationFor(record.job.operation, record.job.type);
  let stats: Record<string, number>;
  const started = performance.now();
  try {
    if (faultFailsPart(message.part)) {
      throw new PartwiseError(
        `Part ${message.part} failed on purpose (PARTWISE_FAULTS failParts).`,
        500,
        'fault-injected',
        {
          permanent: true,
        },
      );
    }
    await faultSlowPart();
    stats = await operation.runPart(record.job, record.state, message, services);
  } catch (error) {
    if (isPermanent(error)) {
      // The input itself is at fault (bad content): retrying cannot help.
      await failPart(services, message, { code: error.code, message: error.message, part: message.part });
      return undefined;
    }
    throw error;
  }
  faultPoint('part:after-output');
  return { stats, operation: record.job.operation, durationMs: performance.now() - started };
}

/**
 * Counts parts of one job that ran (a batch's), in one write to the job item mostly, then
 * moves the job on: the write that shows every part settled finalizes it, one that counted
 * something may report progress. Safe to repeat, as `runPart`.
 */
export async function countParts(services: Services, jobId: string, ran: RanPart[]): Promise<void> {
  // Counting checks, in the same write, that the job is still executing.
  const counted = await services.jobs.countParts(
    jobId,
    ran.map(({ message, stats }) => ({ part: message.part, stats })),
  );
  faultPoint('part:after-count');
  // Rows and bytes once per part: only a run whose count moved reports them (a batch whose
  // write moved some bucket reports all its parts, a duplicate among them included).
  const first = counted?.counted === true;
  for (const { stats, operation, durationMs } of ran) {
    services.metrics.partRun(operation, {
      durationMs,
      rows: first ? (stats.rows ?? 0) : 0,
      bytes: first ? (stats.bytes ?? 0) : 0,
    });
  }
  if (!counted) {
    // It is not: if it ended FAILED or CANCELED while these parts ran, its cleanup may have
    // looked before their output was in place, so each part removes its own. (A job that
    // ends after the count finds the output in place when its cleanup runs.) If it
    // completed, these were late copies of parts finalize had used: what only they left goes.
    for (const { message } of ran) await settleLatePart(services, message);
    return;
  }
  const { record: after } = counted;
  await topUpDispatch(services, after);
  if (partsSettled(after.job)) {
    const finished = await finalizeJob(services, after);
    // A part's copy may have written after a finalize (its own or another's) used the parts.
    if (finished?.job.status === 'COMPLETED')
      for (const { message } of ran) await discardLate(services, finished, message);
  } else if (counted.counted) {
    await maybeReportProgress(services, after);
  }
}

async function discardLate(services: Services, record: JobRecord, message: PartMessage): Promise<void> {
  // Completed without some parts, it keeps its plans for a retry: what this copy rewrote
  // beside them (the same as before) goes with them when the retry window ends.
  if (record.cleanupPending) return;
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
    const claim = services.relayAfterCommit ? claimRequest() : undefined;
    const committed = await services.jobs.update(
      record,
      changes,
      outboxFor(record, { changes, topics: ['job:updated'] }, now.toISOString()),
      claim,
    );
    await relayCommitted(services, committed, claim);
  } catch (error) {
    if (!(error instanceof StaleWriteError)) throw error;
  }
}

/**
 * EXECUTING → COMPLETED once every part is counted or, within the job's tolerance, failed:
 * the operation's idempotent finalize, then one conditional write with the last
 * `job:updated` and `job:completed`. Concurrent callers may both run the operation's
 * finalize; exactly one commits. A job that completes without some parts keeps its plan
 * (and what a retry needs) until its retry window ends.
 */
export async function finalizeJob(services: Services, record: JobRecord): Promise<JobRecord | undefined> {
  const operation = operationFor(record.job.operation, record.job.type);
  const settled = await settledParts(services, record);
  if (!settled) return record; // a part counted and failed both: the one still pending finalizes
  let outcome: Record<string, unknown>;
  try {
    outcome = withFailedParts(
      await operation.finalize(record.job, record.state, services, settled),
      settled,
      record,
    );
  } catch (error) {
    if (isPermanent(error)) {
      return failJob(services, record.job.id, { code: error.code, message: error.message });
    }
    throw error;
  }
  faultPoint('finalize:before-commit');
  // Relayed after the plans went, not inside the commit: the relay's work (and a crash in
  // it) stays out of the moment between the commit and the plans' removal.
  const after = await commitJob(
    { ...services, relayAfterCommit: false },
    record.job.id,
    (current) =>
      current.job.status === 'EXECUTING' && partsSettled(current.job)
        ? {
            changes: {
              job: { status: 'COMPLETED', outcome, finishedAt: services.now().toISOString() },
              lastProgressEventAt: services.now().getTime(),
              // Failed parts can be retried until the window ends; the plan waits for them.
              ...(settled.failed.length > 0 ? retryWindow(current, services) : {}),
            },
            topics: ['job:updated', 'job:completed'],
          }
        : undefined,
    record,
  );
  // Ended while finalize ran (an export's file registered just after the cancel, say); a
  // job that failed and waits for a retry keeps it (its cleanup finds it in place).
  if (after && isAbandoned(after.job.status) && !awaitsRetry(after))
    await abandonJob(services, after.job, after.state);
  // Completed whole: every plan of the job goes, a planning attempt's that lost the race included.
  if (after?.job.status === 'COMPLETED' && !after.cleanupPending) await removePlans(services, record.job);
  await relayCommitted(services, after);
  return after;
}

/**
 * The failed parts, for finalize, once no part is pending; undefined while one is (a part
 * both counted and failed — a duplicate delivery that failed after its copy succeeded —
 * counts once, as finished).
 */
async function settledParts(services: Services, record: JobRecord): Promise<Settled | undefined> {
  if (record.job.failed === 0) return { failed: [] };
  const failed: Settled['failed'] = [];
  for (let from = 0; from < record.job.parts; from += PART_PAGE) {
    for (const part of await services.jobs.listParts(record, from, PART_PAGE)) {
      if (part.status === 'PENDING') return undefined;
      if (part.status === 'FAILED')
        failed.push({ part: part.part, error: part.error ?? { code: 'part-failed', message: 'failed' } });
    }
  }
  return { failed };
}

const PART_PAGE = 10_000;
/** The failed parts an outcome lists; the count is always whole. */
const MAX_LISTED_FAILURES = 100;

/** The outcome of a job that completed without some parts says so first, and lists them. */
function withFailedParts(
  outcome: Record<string, unknown>,
  settled: Settled,
  record: JobRecord,
): Record<string, unknown> {
  const failed = settled.failed.length;
  if (failed === 0) return outcome;
  const { parts } = record.job;
  const said = typeof outcome.message === 'string' ? ` ${outcome.message}` : '';
  return {
    ...outcome,
    message: `${failed} of ${parts} parts failed, within config.tolerance: what they held is missing (POST /jobs/${record.job.id}/retry reruns them).${said}`,
    partsFailed: failed,
    failedParts: settled.failed.slice(0, MAX_LISTED_FAILURES),
  };
}

/**
 * A part failed for good (bad input, or it reached the DLQ): it is recorded, and the job
 * fails unless its tolerance lets it go on without the part (domain/tolerance.ts). Past the
 * tolerance the job fails at once: dispatch stops, and parts still queued find it FAILED and
 * skip. Within it, the last part to settle finalizes the job.
 */
export async function failPart(
  services: Services,
  message: Pick<PartMessage, 'jobId' | 'part' | 'attempt'>,
  error: JobError,
): Promise<void> {
  const { jobId, part } = message;
  const after = await services.jobs.failPart(jobId, part, error, message.attempt ?? 1);
  if (after?.job.status !== 'EXECUTING') return; // ended already, or a late failure of an earlier attempt
  services.metrics.partFailed(after.job.operation);
  const tolerance = toleranceOf(after.job);
  const crossed = toleranceCrossed(tolerance, after.job.failed, after.job.parts);
  if (crossed) {
    await failJob(services, jobId, {
      code: tolerance ? 'tolerance-exceeded' : 'part-failed',
      message: tolerance
        ? `${crossed}. The last: part ${part}: ${error.message}`
        : `Part ${part} failed: ${error.message}`,
      part,
    });
    return;
  }
  await topUpDispatch(services, after);
  if (partsSettled(after.job)) await finalizeJob(services, after);
}
