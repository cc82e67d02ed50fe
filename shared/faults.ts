/**
 * Named fault points for crash tests. In Lambda nothing is installed and a fault point
 * costs one property read; the local stack's worker pool installs a hook (armed by
 * PARTWISE_FAULTS) that kills the worker thread at a chosen point, as a Lambda instance
 * dying mid-invocation would.
 */
declare global {
  var __partwiseFaultPoint: ((name: string) => void) | undefined;
  /** Installed by the local stack for `PARTWISE_FAULTS` `failParts`: whether part `part` is to fail. */
  var __partwiseFailPart: ((part: number) => boolean) | undefined;
  /** Installed by the local stack for `PARTWISE_FAULTS` `slowPartsMs`: how long every part waits first. */
  var __partwisePartDelayMs: number | undefined;
}

export type FaultPointName =
  | 'plan:after-plan' // an operation planned its parts (plan objects written), the plan not yet committed
  | 'dispatch:after-send' // a dispatch step sent its parts, the next step not yet sent
  | 'window:after-advance' // a window's dispatch cursor moved on, its parts not yet sent
  | 'scan:after-output' // a range scan's result is written (distributed planning), not yet counted
  | 'part:after-output' // a part's output is written, its completion not yet counted
  | 'part:after-count' // a part is counted, the job not yet finalized
  | 'finalize:before-commit' // the operation finalized (its outcome written), the job not yet COMPLETED
  | 'relay:before-publish' // events stored for the feed, not yet published
  | 'relay:after-publish' // events published, outbox not yet cleared
  | 'cleanup:after-abandon' // what a job wrote is removed, the cleanup not yet marked done
  | 'dead-letter:before-fail'; // a dead letter received, its part not yet recorded FAILED

/** Every fault point, for tests and tools that arm them. */
export const FAULT_POINTS: readonly FaultPointName[] = [
  'plan:after-plan',
  'dispatch:after-send',
  'window:after-advance',
  'scan:after-output',
  'part:after-output',
  'part:after-count',
  'finalize:before-commit',
  'relay:before-publish',
  'relay:after-publish',
  'cleanup:after-abandon',
  'dead-letter:before-fail',
];

export function faultPoint(name: FaultPointName): void {
  globalThis.__partwiseFaultPoint?.(name);
}

/**
 * Whether a part is to fail on purpose (the local stack's `failParts` knob): it then fails
 * for good on every attempt, as a part whose input is at fault would, until the stack
 * restarts without the knob.
 */
export function faultFailsPart(part: number): boolean {
  return globalThis.__partwiseFailPart?.(part) === true;
}

/** The local stack's `slowPartsMs` knob: a part waits this long before it runs (nothing in Lambda). */
export async function faultSlowPart(): Promise<void> {
  const ms = globalThis.__partwisePartDelayMs;
  if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
}
