/** The job status machine: every allowed transition, in one table. */
export const JOB_STATUSES = ['PLANNING', 'READY', 'EXECUTING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/**
 * PLANNING may go straight to EXECUTING: a job with `trigger: immediate`, or one whose
 * execute arrived while it was still planning, starts the moment its parts are planned.
 * Final statuses have no way out.
 */
export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  PLANNING: ['READY', 'EXECUTING', 'FAILED', 'CANCELED'],
  READY: ['EXECUTING', 'FAILED', 'CANCELED'],
  EXECUTING: ['COMPLETED', 'FAILED', 'CANCELED'],
  COMPLETED: [],
  FAILED: [],
  CANCELED: [],
};

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Statuses in which the engine itself must make progress (planning or running parts):
 * a job in one of them with no progress for a while is stalled and gets swept. READY
 * waits for its caller, final statuses wait for nothing.
 */
export function isInFlight(status: JobStatus): boolean {
  return status === 'PLANNING' || status === 'EXECUTING';
}
