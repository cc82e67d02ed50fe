/**
 * Fair sharing of the one parts queue between jobs and environments: the arithmetic of the
 * dispatch window (docs/fairness.md). A job keeps at most a window of parts in flight —
 * sent and not yet settled — and sends more as its parts finish, so the queue interleaves
 * the parts of every job that is executing instead of holding one job's thousands ahead of
 * the rest. An environment may be capped, across all its executing jobs, as well.
 */

export const JOB_PRIORITIES = ['low', 'normal', 'high'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/**
 * How a priority scales a job's window. SQS has no priority and a part already queued is
 * never overtaken: a higher priority is a larger share of the queue (more parts in flight),
 * not a place in front of it.
 */
export const PRIORITY_WEIGHTS: Record<JobPriority, number> = { low: 0.5, normal: 1, high: 2 };

export interface FairnessSettings {
  /** Parts one job (of normal priority) keeps in flight; 0 turns the window off (chunked dispatch). */
  partsInFlightPerJob: number;
  /** Parts all executing jobs of one environment keep in flight together; absent: no cap. */
  partsInFlightPerEnvironment?: number;
  /** Per-environment caps, by environment id, that replace `partsInFlightPerEnvironment`. */
  environmentCaps?: Readonly<Record<string, number>>;
}

/** The settings of a service without fairness: every job dispatched in chunks, as before windows. */
export const WINDOW_OFF: FairnessSettings = { partsInFlightPerJob: 0 };

/**
 * Where a job's windowed dispatch stands, kept on the job item and advanced only by a
 * conditional write (the cursor): parts [0, next) of attempt `attempt` were handed to the
 * queue. A job without one (the window off, or started before windows) is dispatched in chunks.
 */
export interface DispatchCursor {
  /** Parts the job may keep in flight (its priority applied). */
  window: number;
  attempt: number;
  /** The first part index not yet handed to the queue. */
  next: number;
  /** Parts handed to the queue in this attempt (a retry skips the parts already finished). */
  sent: number;
  /** Parts already settled (counted, or failed) when this attempt began. */
  settledBefore: number;
}

/**
 * The window a service gives a job unless told otherwise: half its processors' concurrency,
 * at least one part. A window below the concurrency is what keeps processors free for other
 * jobs' messages: one large job holds at most its window of them, so another job's plan,
 * dispatch and parts find a free processor at once instead of waiting for a large part to
 * finish. Half leaves room for a second large job, or a `high` one (twice the window), to
 * run beside it without taking the last processor.
 */
export function defaultPartsInFlightPerJob(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 2));
}

/** A job's window: its priority's share of the per-job setting, at least one part; 0 when off. */
export function windowOf(settings: FairnessSettings, priority: JobPriority = 'normal'): number {
  if (settings.partsInFlightPerJob <= 0) return 0;
  return Math.max(1, Math.round(settings.partsInFlightPerJob * PRIORITY_WEIGHTS[priority]));
}

/** The cap on an environment's parts in flight, if it has one. */
export function environmentCapOf(settings: FairnessSettings, environmentId: string): number | undefined {
  return settings.environmentCaps?.[environmentId] ?? settings.partsInFlightPerEnvironment;
}

/** A new attempt's cursor: nothing sent yet; `settled` parts finished in earlier attempts. */
export function startCursor(window: number, attempt: number, settled: number): DispatchCursor {
  return { window, attempt, next: 0, sent: 0, settledBefore: settled };
}

/**
 * Parts sent and not yet settled. Settled parts come from the job's exact counts (a part is
 * counted once however often it is delivered), so a duplicate never inflates it, and a
 * resend by the sweeper does not move `sent`.
 */
export function inFlightOf(cursor: DispatchCursor, settled: number): number {
  return Math.max(0, cursor.sent - Math.max(0, settled - cursor.settledBefore));
}

/**
 * Refill in steps of this many parts at most: a finished part does not write the cursor
 * and send one message each time, but a window tops up once a batch's worth is free (one
 * SendMessageBatch holds 10).
 */
export const REFILL_STEP = 10;

/** The fewest free slots worth a top-up in a window of `window` parts: a quarter of it, up to REFILL_STEP. */
export function refillThreshold(window: number): number {
  return Math.max(1, Math.min(REFILL_STEP, Math.ceil(window / 4)));
}

/**
 * How many more parts the job may send now: what its window (and, when capped, the room
 * its environment leaves it) allows beyond those in flight, and only once that is worth a
 * send — unless it sends the job's last parts or nothing of it is in flight, where waiting
 * would stall it. `allowed` is the job's share under its environment's cap.
 */
export function topUpCount(
  cursor: DispatchCursor,
  settled: number,
  unsent: number,
  allowed: number = cursor.window,
): number {
  const inFlight = inFlightOf(cursor, settled);
  const free = Math.min(cursor.window, allowed) - inFlight;
  const count = Math.min(free, unsent);
  if (count <= 0) return 0;
  if (count === unsent || inFlight === 0 || count >= refillThreshold(cursor.window)) return count;
  return 0;
}

/**
 * A job's share of its environment's cap: what the cap leaves beside the parts the
 * environment's other jobs have in flight. At least one part while the job has none in
 * flight, so that a job is never starved by its environment's other jobs — a job that
 * waited would otherwise depend on them to wake it.
 */
export function shareOfCap(cap: number, othersInFlight: number, ownInFlight: number): number {
  return Math.max(ownInFlight === 0 ? 1 : 0, cap - othersInFlight);
}
