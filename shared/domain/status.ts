/** The job status machine: every allowed transition, in one table. */
export const JOB_STATUSES = ['PLANNING', 'READY', 'EXECUTING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The statuses a job ends in: nothing moves it on unless a caller retries it. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/**
 * The only ways back, each made by a caller's request and never by the engine itself:
 * - READY → PLANNING: the plan was changed before execute (`PATCH /jobs/:id/plan`);
 * - FAILED → EXECUTING, COMPLETED → EXECUTING: a retry (`POST /jobs/:id/retry`) reruns the
 *   parts that did not finish (of a COMPLETED job, those a tolerance let fail).
 * A CANCELED job has no way out.
 */
export const CALLER_RETURNS: Readonly<Partial<Record<JobStatus, readonly JobStatus[]>>> = {
  READY: ['PLANNING'],
  FAILED: ['EXECUTING'],
  COMPLETED: ['EXECUTING'],
};

/**
 * PLANNING may go straight to EXECUTING: a job with `trigger: immediate`, or one whose
 * execute arrived while it was still planning, starts the moment its parts are planned.
 * Apart from `CALLER_RETURNS`, every step moves forward.
 */
export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  PLANNING: ['READY', 'EXECUTING', 'FAILED', 'CANCELED'],
  READY: ['EXECUTING', 'FAILED', 'CANCELED', ...(CALLER_RETURNS.READY ?? [])],
  EXECUTING: ['COMPLETED', 'FAILED', 'CANCELED'],
  COMPLETED: [...(CALLER_RETURNS.COMPLETED ?? [])],
  FAILED: [...(CALLER_RETURNS.FAILED ?? [])],
  CANCELED: [],
};

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/**
 * Whether a job event ends a wait for its job: a final status announced by its own topic (the
 * last `job:updated` carries it too, just before), or the job's deletion.
 */
export function endsJob(event: { topic: string; status: JobStatus }): boolean {
  return event.topic === 'job:deleted' || (isFinal(event.status) && event.topic !== 'job:updated');
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
