import type { Job } from './job.js';
import type { JobStatus } from './status.js';

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
 * A job lifecycle event. `id` is assigned when the event is committed with its state
 * change and never changes: the relay may publish an event more than once, and
 * subscribers de-duplicate on `id`. `sequence` orders the events of one job.
 */
export interface JobEvent {
  id: string;
  topic: JobTopic;
  createdAt: string;
  sequence: number;
  jobId: string;
  environmentId: string;
  operation: string;
  status: JobStatus;
  parts: number;
  processed: number;
  progress: number;
  job: Job;
}

export function jobEvent(id: string, topic: JobTopic, job: Job, sequence: number, now: string): JobEvent {
  return {
    id,
    topic,
    createdAt: now,
    sequence,
    jobId: job.id,
    environmentId: job.environmentId,
    operation: job.operation,
    status: job.status,
    parts: job.parts,
    processed: job.processed,
    progress: job.progress,
    job,
  };
}

/** Internal work the relay hands to the parts queue, committed with the state change that asks for it. */
export type JobCommand =
  | { kind: 'plan'; jobId: string }
  | { kind: 'dispatch'; jobId: string; from: number }
  /** Fails an outside job that no executor acknowledged by `due` (delivered with a delay). */
  | { kind: 'ack-timeout'; jobId: string; due: string }
  /** Removes what a job that ended FAILED or CANCELED wrote (its plan, temporary objects, records). */
  | { kind: 'cleanup'; jobId: string };

/** One entry of a job item's outbox: a public event or an internal command. */
export type OutboxEntry = { id: string; event: JobEvent } | { id: string; command: JobCommand };
