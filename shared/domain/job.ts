import type { JobPriority } from './fairness.js';
import type { JobStatus } from './status.js';

export const RESOURCE_TYPES = ['file', 'workbook', 'sheet'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const TRIGGERS = ['manual', 'immediate'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const MODES = ['foreground', 'background', 'toolbarBlocking'] as const;
export type JobMode = (typeof MODES)[number];

export interface JobError {
  code: string;
  message: string;
  /** The part that failed, when one did. */
  part?: number;
}

export interface Job {
  id: string;
  environmentId: string;
  type: ResourceType;
  operation: string;
  source: string;
  destination?: string;
  config: Record<string, unknown>;
  trigger: Trigger;
  mode: JobMode;
  input?: Record<string, unknown>;
  status: JobStatus;
  /**
   * Which run of the job this is: 1, then one more for each retry (`POST /jobs/:id/retry`).
   * Absent on jobs created before retries existed: read it with `attemptOf`.
   */
  attempt?: number;
  /** Its share of the parts queue (domain/fairness.ts); absent: `normal`. */
  priority?: JobPriority;
  parts: number;
  processed: number;
  /**
   * Rows the finished parts handled, summed from their stats: read by an extract, written
   * by a map, deleted by a delete, written by an export (0 for an action's job, which has
   * no parts). Absent on jobs created before partwise counted rows.
   */
  rowsProcessed?: number;
  /** Parts that failed for good in this attempt (a tolerance let the job go on without them). */
  failed: number;
  progress: number;
  info?: string;
  /** An outside executor's estimate of when the job will be done. */
  estimatedCompletionAt?: string;
  outcome?: Record<string, unknown>;
  error?: JobError;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** Progress in whole percent, 0–100; 100 only when every part is processed. */
export function progressOf(processed: number, parts: number): number {
  if (parts <= 0) return 0;
  if (processed >= parts) return 100;
  return Math.min(99, Math.floor((processed / parts) * 100));
}

/** The job's attempt: 1 until it is retried. */
export const attemptOf = (job: Pick<Job, 'attempt'>): number => job.attempt ?? 1;

/** Every part is counted or, under a tolerance, failed: the job is ready to finalize. */
export function partsSettled(job: Pick<Job, 'parts' | 'processed' | 'failed'>): boolean {
  return job.parts > 0 && job.processed + job.failed >= job.parts;
}
