import { ConflictError, StaleWriteError } from '../domain/errors.js';
import {
  type JobCommand,
  type JobEvent,
  type JobTopic,
  jobEvent,
  type OutboxEntry,
} from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { type Job, progressOf } from '../domain/job.js';
import { canTransition } from '../domain/status.js';
import type { JobChanges, JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { claimRequest, relayCommitted } from './relay.js';

/** What a state change announces and asks for, committed in the same write. */
export interface Commit {
  changes: JobChanges;
  topics?: JobTopic[];
  commands?: JobCommand[];
}

/** The job as it will read once `changes` are applied: the snapshot its events carry. */
export function applied(record: JobRecord, changes: JobChanges, now: string): Job {
  const job = { ...record.job, ...changes.job, updatedAt: now } as Job;
  if (changes.resetCounts) Object.assign(job, { processed: 0, rowsProcessed: 0, failed: 0 });
  if (changes.forgetFailedParts) Object.assign(job, { failed: 0 });
  const progress =
    changes.reportedProgress ?? (job.parts > 0 ? progressOf(job.processed, job.parts) : job.progress);
  return { ...job, progress };
}

/**
 * Progress events not yet relayed, past which no more are committed. A relay that is stuck
 * (a stream outage; the sweeper drains outboxes every 15 minutes) would otherwise let a busy
 * job's outbox grow a `job:updated` a second until its item passed DynamoDB's 400 KB; the
 * progress it would have announced is on the job, and its final `job:updated` always goes.
 */
export const MAX_PENDING_PROGRESS_EVENTS = 10;

/** Whether the job's outbox holds as many unrelayed `job:updated` events as it may. */
export function progressBacklogged(record: JobRecord): boolean {
  const pending = record.outbox.filter((entry) => 'event' in entry && entry.event.topic === 'job:updated');
  return pending.length >= MAX_PENDING_PROGRESS_EVENTS;
}

/** Outbox entries for a commit: events numbered after the job's last one, then commands. */
export function outboxFor(record: JobRecord, commit: Commit, now: string): OutboxEntry[] {
  const snapshot = applied(record, commit.changes, now);
  const events: OutboxEntry[] = (commit.topics ?? []).map((topic, i) => {
    const id = newId('event');
    const event: JobEvent = jobEvent(id, topic, snapshot, record.eventCount + i + 1, now);
    return { id, event };
  });
  const commands: OutboxEntry[] = (commit.commands ?? []).map((command) => ({
    id: newId('command'),
    command,
  }));
  return [...events, ...commands];
}

/**
 * Applies a change decided from the job's current state, retrying on concurrent writes:
 * `decide` sees the freshest record each time and returns the commit, or undefined when
 * nothing is to be done any more. A status change must be allowed by the transition table.
 */
export async function commitJob(
  services: Services,
  jobId: string,
  decide: (record: JobRecord) => Commit | undefined | Promise<Commit | undefined>,
  first?: JobRecord,
): Promise<JobRecord | undefined> {
  let record = first ?? (await services.jobs.get(jobId));
  for (let attempt = 1; record; attempt++) {
    const commit = await decide(record);
    if (!commit) return record;
    const to = commit.changes.job?.status;
    if (to && to !== record.job.status && !canTransition(record.job.status, to)) {
      throw new ConflictError(
        `Job ${jobId} is ${record.job.status}; it cannot become ${to}.`,
        'invalid-transition',
      );
    }
    const now = services.now().toISOString();
    const changes = { ...commit.changes, job: { ...commit.changes.job, updatedAt: now } };
    try {
      const claim = services.relayAfterCommit ? claimRequest() : undefined;
      const committed = await services.jobs.update(
        record,
        changes,
        outboxFor(record, { ...commit, changes }, now),
        claim,
      );
      await relayCommitted(services, committed, claim);
      return committed;
    } catch (error) {
      if (!(error instanceof StaleWriteError) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      record = await services.jobs.get(jobId);
    }
  }
  return undefined;
}
