/**
 * Failure tolerance: how many parts of a job may fail for good before the job fails. Pure.
 *
 * By default none may: one failed part fails the job (and a retry reruns it). With
 * `config.tolerance`, a job whose failed parts stay within both thresholds completes with
 * `failed > 0` and names them; the part that crosses either threshold fails the job at once
 * (dispatch stops, queued parts are skipped), the message naming the threshold. As with
 * Step Functions' ToleratedFailureCount/Percentage, a threshold is crossed when the failures
 * exceed it: `maxFailedParts: 2` lets two parts fail, not three.
 */
export interface Tolerance {
  /** The most parts that may fail. */
  maxFailedParts?: number;
  /** The largest share of the job's parts, in percent (0–100), that may fail. */
  maxFailedPercent?: number;
}

/** The job's `config.tolerance` (validated at creation), or undefined: no part may fail. */
export function toleranceOf(job: { config: Record<string, unknown> }): Tolerance | undefined {
  const value = job.config.tolerance;
  if (typeof value !== 'object' || value === null) return undefined;
  const { maxFailedParts, maxFailedPercent } = value as Record<string, unknown>;
  return {
    ...(typeof maxFailedParts === 'number' ? { maxFailedParts } : {}),
    ...(typeof maxFailedPercent === 'number' ? { maxFailedPercent } : {}),
  };
}

/** Why `failed` failed parts out of `parts` fail the job, or undefined when the tolerance allows them. */
export function toleranceCrossed(
  tolerance: Tolerance | undefined,
  failed: number,
  parts: number,
): string | undefined {
  if (failed <= 0) return undefined;
  const of = `${failed} of ${parts} part${parts === 1 ? '' : 's'} failed`;
  const { maxFailedParts, maxFailedPercent } = tolerance ?? {};
  if (maxFailedParts === undefined && maxFailedPercent === undefined) {
    return `${of}, and the job tolerates no failed part (set config.tolerance to let it complete without some)`;
  }
  if (maxFailedParts !== undefined && failed > maxFailedParts) {
    return `${of}: more than config.tolerance.maxFailedParts (${maxFailedParts}) allows`;
  }
  if (maxFailedPercent !== undefined && failed * 100 > maxFailedPercent * parts) {
    const percent = Math.round((failed * 1000) / parts) / 10;
    return `${of} (${percent} %): more than config.tolerance.maxFailedPercent (${maxFailedPercent} %) allows`;
  }
  return undefined;
}
