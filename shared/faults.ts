/**
 * Named fault points for crash tests. In Lambda nothing is installed and a fault point
 * costs one property read; the local stack's worker pool installs a hook (armed by
 * PARTWISE_FAULTS) that kills the worker thread at a chosen point, as a Lambda instance
 * dying mid-invocation would.
 */
declare global {
  var __partwiseFaultPoint: ((name: string) => void) | undefined;
}

export type FaultPointName =
  | 'part:after-output' // a part's output is written, its completion not yet counted
  | 'part:after-count' // a part is counted, the job not yet finalized
  | 'relay:after-publish'; // events published, outbox not yet cleared

export function faultPoint(name: FaultPointName): void {
  globalThis.__partwiseFaultPoint?.(name);
}
