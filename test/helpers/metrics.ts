import type { ServiceMetrics } from '../../shared/ports.js';

/** One call to the metrics port, as a test reads it back. */
export type RecordedMetric =
  | { kind: 'jobCreated'; operation: string }
  | { kind: 'jobEnded'; operation: string; status: 'COMPLETED' | 'FAILED' }
  | { kind: 'eventRelayed'; lagMs: number }
  | { kind: 'partRun'; operation: string; durationMs: number; rows: number; bytes: number }
  | { kind: 'partFailed'; operation: string }
  | { kind: 'partsMessageReceived'; ageMs: number };

/** A metrics port that keeps every call, in order. */
export function recordingMetrics(): ServiceMetrics & { recorded: RecordedMetric[] } {
  const recorded: RecordedMetric[] = [];
  return {
    recorded,
    jobCreated: (operation) => recorded.push({ kind: 'jobCreated', operation }),
    jobEnded: (operation, status) => recorded.push({ kind: 'jobEnded', operation, status }),
    eventRelayed: (lagMs) => recorded.push({ kind: 'eventRelayed', lagMs }),
    partRun: (operation, run) => recorded.push({ kind: 'partRun', operation, ...run }),
    partFailed: (operation) => recorded.push({ kind: 'partFailed', operation }),
    partsMessageReceived: (ageMs) => recorded.push({ kind: 'partsMessageReceived', ageMs }),
  };
}
