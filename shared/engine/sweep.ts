import { ackTimeoutSecondsOf, heartbeatSecondsOf } from '../domain/deadlines.js';
import { type JobError, partsSettled } from '../domain/job.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { commitJob } from './commit.js';
import { partMessagesOf } from './dispatch.js';
import { failJob } from './lifecycle.js';
import { checkAckTimeout } from './outside.js';
import { finalizeJob } from './parts.js';
import { relayPending } from './relay.js';
import { lostBelowCursor, topUpDispatch } from './window.js';

export interface SweepReport {
  relayed: number;
  replanned: number;
  resumed: number;
  resentParts: number;
  finalized: number;
  /** Ended jobs whose cleanup was sent again. */
  cleanups: number;
  /** Jobs failed because they made no progress, sweep after sweep (the watchdog). */
  stalled: number;
}

const BATCH = 100;

export interface SweepOptions {
  /**
   * The queue's messages are gone (the local stack's SQS emulator keeps them in memory, so a
   * restart loses them): every unfinished job's work is sent again, whether or not the job
   * moved since it was read, and without counting a stall; and the relays that held outboxes
   * before are gone with the process, so their claims are taken over without waiting for them
   * to lapse. @default false
   */
  queueLost?: boolean;
}

/**
 * Sweeps in a row that may find a job unchanged before the watchdog gives up on it: the
 * work is sent again after each, so a job fails only after this many tries came to nothing
 * (about an hour with the construct's 15-minute sweep).
 */
export const MAX_STALLS = 4;

/**
 * Finds work that stalled — an outbox the stream did not drain, a job planning or
 * executing with no progress for `staleAfterSeconds`, an ended job whose cleanup did not
 * finish — and sends it again. Every step it repeats is idempotent, so sweeping work that
 * was only slow costs duplicates, not errors.
 *
 * It is also the watchdog: nothing hangs unseen. Every sweep that finds a job unchanged
 * counts a stall (any progress starts the count over), and after `MAX_STALLS` the job
 * fails with a reason that says what stalled — planning, parts (naming them), or a cleanup
 * (which then stops, its outcome saying what may be left). A job carried out outside
 * partwise has its own deadlines: the first ack within `ackTimeoutSeconds`, then a report
 * (ack, complete or fail) at least every `heartbeatSeconds`. The sweeper never completes a
 * job whose work it did not see finish: only a parts-based job whose every part is counted.
 * The local stack sweeps with 0 and `queueLost` at start: its queue does not survive a restart.
 */
export async function sweep(
  services: Services,
  staleAfterSeconds: number,
  options: SweepOptions = {},
): Promise<SweepReport> {
  const report: SweepReport = {
    relayed: 0,
    replanned: 0,
    resumed: 0,
    resentParts: 0,
    finalized: 0,
    cleanups: 0,
    stalled: 0,
  };
  const before = new Date(services.now().getTime() - staleAfterSeconds * 1000).toISOString();

  const stuck = await services.jobs.withPendingOutbox(before, BATCH);
  const relayed = await relayPending(services, stuck, { takeOver: options.queueLost === true });
  report.relayed = relayed.jobs;

  for (const record of await services.jobs.staleActive(before, BATCH)) {
    const { job } = record;
    const operation = operationFor(job.operation, job.type);
    if (job.status === 'EXECUTING' && operation.runsOutside) {
      if (await outsideDeadlinePassed(services, record)) report.stalled++;
      continue;
    }
    // Counted before the work is sent again: a crash in between loses a try, never a stall.
    // After the queue itself was lost, a job that moved proves nothing about its messages
    // (what moved it may be the last of them): its work is sent again, and no stall counts.
    const stalls = options.queueLost ? 0 : await services.jobs.noteStall(record);
    if (stalls === undefined) continue; // it moved after all
    if (record.cleanupPending) {
      if (stalls > MAX_STALLS) {
        await giveUpCleanup(services, record, stalls);
        report.stalled++;
      } else {
        await services.queue.send([{ kind: 'cleanup', jobId: job.id }]);
        report.cleanups++;
      }
    } else if (job.status === 'PLANNING') {
      if (stalls > MAX_STALLS) {
        await stall(services, record, stalls, 'planning-stalled', 'Planning made no progress');
        report.stalled++;
      } else {
        await services.queue.send([{ kind: 'plan', jobId: job.id }]);
        report.replanned++;
      }
    } else if (job.status === 'EXECUTING') {
      const pending = await services.jobs.pendingParts(record);
      if (pending.length === 0) {
        // Every part is in its bucket's set (or failed): counts that a crash left behind are
        // raised, then the finalize that did not happen runs (it is idempotent).
        const reconciled = partsSettled(job) ? record : await services.jobs.reconcileCounts(record);
        if (reconciled && partsSettled(reconciled.job)) {
          await finalizeJob(services, reconciled);
          report.finalized++;
        } else if (stalls > MAX_STALLS) {
          await stall(services, record, stalls, 'parts-stalled', 'No part finished');
          report.stalled++;
        }
        continue;
      }
      if (stalls > MAX_STALLS) {
        const named = pending.slice(0, 10).join(', ') + (pending.length > 10 ? ', …' : '');
        await stall(
          services,
          record,
          stalls,
          'parts-stalled',
          `No part finished (${pending.length} pending: ${named})`,
        );
        report.stalled++;
        continue;
      }
      // Contiguous runs of lost parts, so the operation reads its plan once per run. A
      // windowed job's parts beyond its cursor were never sent: its window sends them.
      const lost = lostBelowCursor(record, pending);
      for (let i = 0; i < lost.length; ) {
        let j = i;
        while (j + 1 < lost.length && lost[j + 1] === (lost[j] ?? 0) + 1) j++;
        const from = lost[i] ?? 0;
        const to = (lost[j] ?? 0) + 1;
        await services.queue.send(await partMessagesOf(services, record, from, to));
        report.resentParts += to - from;
        i = j + 1;
      }
      await topUpDispatch(services, record);
      report.resumed++;
    }
  }
  return report;
}

/** How long the job has been unchanged, for a reason a person reads. */
function unchangedFor(services: Services, record: JobRecord): string {
  const minutes = Math.round((services.now().getTime() - Date.parse(record.job.updatedAt)) / 60_000);
  return minutes >= 1 ? `for ${minutes} minutes` : 'since it was last sent again';
}

async function stall(services: Services, record: JobRecord, stalls: number, code: string, what: string) {
  const error: JobError = {
    code,
    message: `${what} ${unchangedFor(services, record)}, though the work was sent again ${stalls - 1} times; the job was stopped so that it does not hang unseen.`,
  };
  await failJob(services, record.job.id, error);
}

/** A cleanup that keeps failing stops, and the job's outcome says what may be left. */
async function giveUpCleanup(services: Services, record: JobRecord, stalls: number): Promise<void> {
  await commitJob(services, record.job.id, (current) =>
    current.cleanupPending
      ? {
          changes: {
            cleanupPending: false,
            job: {
              outcome: {
                ...current.job.outcome,
                cleanup: `Removing what this job wrote did not finish after ${stalls} tries; some of it may be left (its records stay in their sheet's runs, its temporary objects expire under tmp/).`,
              },
            },
          },
        }
      : undefined,
  );
}

/**
 * An outside job: unacknowledged past its ack timeout (the delayed check may have been lost
 * with a queue), or acknowledged but silent for longer than its heartbeat. True if it failed.
 */
async function outsideDeadlinePassed(services: Services, record: JobRecord): Promise<boolean> {
  const { job } = record;
  const now = services.now().getTime();
  if (!record.ackedAt) {
    const due = Date.parse(job.startedAt ?? job.updatedAt) + ackTimeoutSecondsOf(job) * 1000;
    return (await checkAckTimeout(services, job.id, new Date(due).toISOString())) === 'failed';
  }
  const heartbeat = heartbeatSecondsOf(job);
  if (now - Date.parse(job.updatedAt) < heartbeat * 1000) return false;
  const after = await failJob(services, job.id, {
    code: 'executor-silent',
    message: `The executor acknowledged this job but has not reported for ${heartbeat} s (config.heartbeatSeconds): it should POST /jobs/${job.id}/ack at least that often, or /complete or /fail.`,
  });
  return after?.job.status === 'FAILED';
}
