import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, OPERATION_DIMENSION } from '../../metrics.js';
import type { ServiceMetrics } from '../../ports.js';

/**
 * Metrics as CloudWatch embedded metric format (EMF) lines on stdout, through Powertools
 * Metrics: Lambda sends them to the function's log group and CloudWatch extracts the
 * metrics, with no API call. Namespace and `service` come from POWERTOOLS_METRICS_NAMESPACE
 * and POWERTOOLS_SERVICE_NAME (set by the construct); POWERTOOLS_METRICS_DISABLED=true
 * writes nothing (the local stack's default).
 *
 * Per-operation metrics go out at once, one line per record, each with two dimension sets
 * (`service`, and `service` + `operation`): the total and the split without a math
 * expression. Timings without an operation wait in one buffer for `flush()`, at the end
 * of the invocation.
 */
export interface EmfMetrics extends ServiceMetrics {
  /** Writes what the buffer holds (nothing when it is empty); the handler's middleware calls it. */
  flush(): void;
}

export function emfMetrics(options: { namespace?: string; serviceName?: string } = {}): EmfMetrics {
  const buffer = new Metrics(options);
  const byOperation = (operation: string, add: (metrics: Metrics) => void) => {
    const line = new Metrics(options);
    // Two dimension sets: `service` alone (the total) and `service` + `operation`.
    line.addDimensions({});
    line.addDimensions({ [OPERATION_DIMENSION]: operation || 'unknown' });
    add(line);
    line.publishStoredMetrics();
  };
  const count = (name: string) => (metrics: Metrics) => metrics.addMetric(name, MetricUnit.Count, 1);
  return {
    jobCreated: (operation) => byOperation(operation, count(METRIC.jobsCreated)),
    jobEnded: (operation, status) =>
      byOperation(operation, count(status === 'COMPLETED' ? METRIC.jobsCompleted : METRIC.jobsFailed)),
    partRun: (operation, run) =>
      byOperation(operation, (metrics) => {
        metrics.addMetric(METRIC.partsRun, MetricUnit.Count, 1);
        metrics.addMetric(METRIC.partDuration, MetricUnit.Milliseconds, run.durationMs);
        metrics.addMetric(METRIC.rowsProcessed, MetricUnit.Count, run.rows);
        metrics.addMetric(METRIC.bytesProcessed, MetricUnit.Bytes, run.bytes);
      }),
    partFailed: (operation) => byOperation(operation, count(METRIC.partsFailed)),
    eventRelayed: (lagMs) => buffer.addMetric(METRIC.relayLag, MetricUnit.Milliseconds, Math.max(0, lagMs)),
    partsMessageReceived: (ageMs) =>
      buffer.addMetric(METRIC.partsQueueAge, MetricUnit.Milliseconds, Math.max(0, ageMs)),
    flush: () => {
      // Powertools warns on an empty flush; an invocation that recorded nothing is normal here.
      if (buffer.hasStoredMetrics()) buffer.publishStoredMetrics();
    },
  };
}

let current: EmfMetrics | undefined;

/**
 * The process's metrics (one per Lambda instance or local worker, like the logger), made on
 * first use: Powertools reads POWERTOOLS_METRICS_DISABLED when they are made, and a process
 * that imports the adapters before the local stack sets its handlers' environment (the
 * benches) would otherwise write EMF lines among its output.
 */
export function processMetrics(): EmfMetrics {
  current ??= emfMetrics();
  return current;
}
