/**
 * Fault injection for tests, configured by PARTWISE_FAULTS (JSON) and honoured only by the
 * local stack: the event source and the worker pool make AWS's rarer behaviours happen on
 * demand.
 */
import type { LambdaWorkerData } from './lambda-worker.js';

export interface LocalFaults {
  /** Every queue message is delivered twice, as an independent copy (SQS is at least once). */
  duplicateDelivery?: boolean;
  /**
   * Once per stack start, the first worker whose code reaches `faultPoint(<name>)` (see
   * shared/faults.ts) dies on the spot, mid-invocation, as a Lambda instance can.
   */
  crashOnce?: string;
  /** Every time code reaches `faultPoint(<name>)` it throws: the message keeps failing until the DLQ takes it. */
  failAlways?: string;
}

export function parseFaults(json: string | undefined): LocalFaults {
  if (json === undefined || json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`PARTWISE_FAULTS is not valid JSON: ${json}`, { cause: error });
  }
  const faults = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of Object.keys(faults)) {
    if (!['duplicateDelivery', 'crashOnce', 'failAlways'].includes(name))
      problems.push(`unknown fault "${name}"`);
  }
  if (faults.duplicateDelivery !== undefined && typeof faults.duplicateDelivery !== 'boolean') {
    problems.push('duplicateDelivery must be a boolean');
  }
  if (faults.crashOnce !== undefined && (typeof faults.crashOnce !== 'string' || faults.crashOnce === '')) {
    problems.push('crashOnce must name a fault point');
  }
  if (
    faults.failAlways !== undefined &&
    (typeof faults.failAlways !== 'string' || faults.failAlways === '')
  ) {
    problems.push('failAlways must name a fault point');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    problems.push('expected an object');
  if (problems.length > 0) throw new Error(`PARTWISE_FAULTS: ${problems.join('; ')}`);
  return faults as LocalFaults;
}

/** The armed crash, shared by every worker of the stack through one shared-memory flag. */
export function armCrash(faults: LocalFaults): LambdaWorkerData['crashOnce'] {
  if (!faults.crashOnce) return undefined;
  return { point: faults.crashOnce, claimed: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT) };
}
