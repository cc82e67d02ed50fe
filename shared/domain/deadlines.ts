/**
 * How long a job may stay where it is before someone speaks up: the throttle on progress
 * events, and the deadlines of a job carried out outside partwise. Pure: read from the job.
 */
import type { Job } from './job.js';

/** At most one `job:updated` per job per this many milliseconds (the last one always goes, with completion). */
export const PROGRESS_EVENT_INTERVAL_MS = 1000;

/** Seconds an outside job may wait for its first ack (`config.ackTimeoutSeconds`, validated at creation). */
export const ackTimeoutSecondsOf = (job: Job): number => secondsOf(job.config.ackTimeoutSeconds, 300);

/**
 * Seconds an acknowledged outside job may go without a report (ack, complete or fail)
 * before the sweeper fails it: `config.heartbeatSeconds`, 1 hour by default. An executor
 * whose work takes longer acks now and then, as Step Functions' task heartbeats.
 */
export const heartbeatSecondsOf = (job: Job): number => secondsOf(job.config.heartbeatSeconds, 3600);

/** How long a FAILED job keeps what it wrote for a retry, unless `config.retryWindowSeconds` says otherwise. */
export const DEFAULT_RETRY_WINDOW_SECONDS = 24 * 3600;
/** The longest retry window: a deleted job's item lingers a week, and a retry must find it whole. */
export const MAX_RETRY_WINDOW_SECONDS = 7 * 24 * 3600;

/**
 * Seconds a job that ended with unfinished parts (FAILED, or COMPLETED under a tolerance)
 * waits for a retry before what a retry needs goes: a FAILED job's output, and the plan.
 * 0: at once (no retry after its cleanup).
 */
export const retryWindowSecondsOf = (job: Job): number => {
  const value = job.config.retryWindowSeconds;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? Math.min(value, MAX_RETRY_WINDOW_SECONDS)
    : DEFAULT_RETRY_WINDOW_SECONDS;
};

function secondsOf(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : fallback;
}
