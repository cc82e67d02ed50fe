import { attemptOf, type Job } from './job.js';
import { boundedSnapshot, type JobSnapshot } from './snapshot.js';
import type { JobStatus } from './status.js';

export type { JobSnapshot, SnapshotTruncation } from './snapshot.js';

export const JOB_TOPICS = [
  'job:waiting',
  'job:started',
  'job:updated',
  'job:completed',
  'job:failed',
  'job:canceled',
  'job:deleted',
] as const;
export type JobTopic = (typeof JOB_TOPICS)[number];

/**
 * The version of the job event's shape (docs/events.md, "Versioning"). Additions (a new
 * field, a new topic) keep it; a change a subscriber written against it could trip on
 * (a field removed, renamed, retyped or given new meaning) makes it 2.
 */
export const JOB_EVENT_VERSION = 1;

/**
 * A job lifecycle event. `id` is assigned when the event is committed with its state
 * change and never changes: the relay may publish an event more than once, and
 * subscribers de-duplicate on `id`. `sequence` orders the events of one job. `job` is
 * the job right after the change, bounded (see snapshot.ts): a large job's snapshot says
 * what it leaves out and where the whole job is.
 */
export interface JobEvent {
  /** The version of this shape: JOB_EVENT_VERSION. */
  version: typeof JOB_EVENT_VERSION;
  id: string;
  topic: JobTopic;
  createdAt: string;
  sequence: number;
  jobId: string;
  environmentId: string;
  operation: string;
  status: JobStatus;
  /** Which run of the job the event belongs to: 1, then one more for each retry. */
  attempt: number;
  parts: number;
  processed: number;
  progress: number;
  job: JobSnapshot;
}

export function jobEvent(id: string, topic: JobTopic, job: Job, sequence: number, now: string): JobEvent {
  const snapshot = boundedSnapshot(job);
  return {
    version: JOB_EVENT_VERSION,
    id,
    topic,
    createdAt: now,
    sequence,
    jobId: snapshot.id,
    environmentId: snapshot.environmentId,
    operation: snapshot.operation,
    status: snapshot.status,
    attempt: attemptOf(snapshot),
    parts: snapshot.parts,
    processed: snapshot.processed,
    progress: snapshot.progress,
    job: snapshot,
  };
}

/**
 * The event with its snapshot bounded, built again from its own fields: for events
 * committed before snapshots were bounded. A bounded event comes back equal.
 */
export function withBoundedSnapshot(event: JobEvent): JobEvent {
  return jobEvent(event.id, event.topic, event.job, event.sequence, event.createdAt);
}

/** Internal work the relay hands to the parts queue, committed with the state change that asks for it. */
export type JobCommand =
  | { kind: 'plan'; jobId: string }
  /** Sends parts from `from` on; with `pendingOnly` (a retry), only those not finished. */
  | { kind: 'dispatch'; jobId: string; from: number; pendingOnly?: boolean }
  /** Fails an outside job that no executor acknowledged by `due` (delivered with a delay). */
  | { kind: 'ack-timeout'; jobId: string; due: string }
  /** Removes what a job that ended FAILED or CANCELED wrote (its plan, temporary objects, records). */
  | { kind: 'cleanup'; jobId: string }
  /**
   * Scans range `range` of the `of` ranges of a planning wave (distributed planning,
   * engine/scans.ts); `scan` is what the operation needs to read it. Sent by the plan
   * command itself, not through the outbox.
   */
  | ScanCommand;

export interface ScanCommand {
  kind: 'scan';
  jobId: string;
  /** The wave: it names the content and the ranges the plan cut, so scans of another plan never mix in. */
  wave: string;
  range: number;
  of: number;
  scan: Record<string, unknown>;
}

/** One entry of a job item's outbox: a public event or an internal command. */
export type OutboxEntry = { id: string; event: JobEvent } | { id: string; command: JobCommand };
