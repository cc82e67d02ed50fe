/**
 * The retry window: how long a job that ended with unfinished parts keeps what a retry
 * needs. A FAILED job keeps what it wrote (its cleanup would take it back) and a job
 * COMPLETED without some parts keeps its plan; the job then stays marked `cleanupPending`,
 * filed in the sweeper's index under the window's end, and the sweeper sends its cleanup
 * once the window has passed (or DELETE asks for it sooner). See docs/retry.md.
 */
import { retryWindowSecondsOf } from '../domain/deadlines.js';
import type { JobChanges, JobRecord } from '../ports.js';
import type { Services } from '../services.js';

/** The changes that hold what a retry needs until the window ends; none for a window of 0. */
export function retryWindow(record: JobRecord, services: Services): JobChanges {
  const seconds = retryWindowSecondsOf(record.job);
  if (seconds === 0) return {};
  return {
    cleanupPending: true,
    cleanupDueAt: new Date(services.now().getTime() + seconds * 1000).toISOString(),
  };
}

/** The job waits for a retry: its cleanup is due later and has not been asked for. */
export const awaitsRetry = (record: JobRecord): boolean =>
  record.cleanupPending === true && record.cleanupDueAt !== undefined && !record.deleteRequested;
