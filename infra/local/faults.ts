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
  /**
   * Queue messages of these kinds (`part`, or a command: `plan`, `scan`, `dispatch`, `cleanup`,
   * `ack-timeout`) are taken off the queue unread: work lost, which only the sweeper's
   * watchdog can notice.
   */
  loseMessages?: string[];
  /** Seeds the random draws of `crashRate` and `duplicateRate`, so a run can be repeated. @default 1 */
  seed?: number;
  /**
   * At each fault point reached (shared/faults.ts), the invocation dies with this
   * probability: a worker thread exits on the spot, a function run in the stack's own thread
   * (the relay, the sweeper) throws.
   */
  crashRate?: number;
  /** Each queue message received is delivered twice with this probability. */
  duplicateRate?: number;
  /**
   * Parts with these indexes fail for good on every attempt (of every job) while the stack
   * runs with the knob: restart it without, and a retry reruns them.
   */
  failParts?: number[];
  /**
   * Every part takes at least this many milliseconds more (a slow source or destination), so
   * that a job runs long enough to watch its progress: UI tests, demos.
   */
  slowPartsMs?: number;
}

/** mulberry32: a small, seeded pseudo-random source; the same seed gives the same draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a queue message is, for `loseMessages`: `part`, or the command's kind. */
export function messageKind(body: string): string | undefined {
  try {
    const message = JSON.parse(body) as { kind?: unknown; part?: unknown };
    if (typeof message.kind === 'string') return message.kind;
    return typeof message.part === 'number' ? 'part' : undefined;
  } catch {
    return undefined;
  }
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
    if (
      ![
        'duplicateDelivery',
        'crashOnce',
        'failAlways',
        'loseMessages',
        'seed',
        'crashRate',
        'duplicateRate',
        'failParts',
        'slowPartsMs',
      ].includes(name)
    )
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
  if (
    faults.loseMessages !== undefined &&
    (!Array.isArray(faults.loseMessages) || faults.loseMessages.some((kind) => typeof kind !== 'string'))
  ) {
    problems.push('loseMessages must list message kinds');
  }
  if (
    faults.failParts !== undefined &&
    (!Array.isArray(faults.failParts) ||
      faults.failParts.some((part) => !Number.isSafeInteger(part) || part < 0))
  ) {
    problems.push('failParts must list part indexes (integers from 0)');
  }
  const slow = faults.slowPartsMs;
  if (
    slow !== undefined &&
    !(typeof slow === 'number' && Number.isSafeInteger(slow) && slow >= 0 && slow <= 60_000)
  ) {
    problems.push('slowPartsMs must be whole milliseconds from 0 to 60000');
  }
  for (const rate of ['crashRate', 'duplicateRate'] as const) {
    const value = faults[rate];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1)))
      problems.push(`${rate} must be a probability between 0 and 1`);
  }
  if (faults.seed !== undefined && !Number.isSafeInteger(faults.seed))
    problems.push('seed must be an integer');
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
