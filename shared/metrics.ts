/**
 * The service's own CloudWatch metrics, by name: the adapter writes them (EMF, through
 * Powertools Metrics), the construct's dashboard and `metric…()` helpers read them. Plain
 * data, so the CDK code and the functions share one list (docs/operations.md).
 */

/** The namespace when the construct's `metricsNamespace` is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'partwise';

/** The dimension that splits the job and part metrics; every metric also has `service` alone. */
export const OPERATION_DIMENSION = 'operation';

export const METRIC = {
  /** A job was created (its first event, `job:waiting`, was relayed). By operation. */
  jobsCreated: 'JobsCreated',
  /** A job reached COMPLETED (`job:completed` relayed). By operation. */
  jobsCompleted: 'JobsCompleted',
  /** A job reached FAILED (`job:failed` relayed; a retried job that fails again counts again). By operation. */
  jobsFailed: 'JobsFailed',
  /** A part ran to its end (a redelivered part that runs again counts again). By operation. */
  partsRun: 'PartsRun',
  /** A part failed for good: bad content, or its retries ran out (the dead-letter queue). By operation. */
  partsFailed: 'PartsFailed',
  /** Rows a part counted, once per part. By operation. */
  rowsProcessed: 'RowsProcessed',
  /** Bytes of the source a part read (byte-range formats), once per part. By operation. */
  bytesProcessed: 'BytesProcessed',
  /** Milliseconds one part's work took (reading, writing, counting excluded). By operation. */
  partDuration: 'PartDuration',
  /** Milliseconds from a state change's commit to its event's publication. */
  relayLag: 'RelayLag',
  /** Milliseconds a parts-queue message waited before the processor received it. */
  partsQueueAge: 'PartsQueueAge',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The metrics recorded per operation (and in total, by `service` alone). */
export const BY_OPERATION: readonly MetricName[] = [
  METRIC.jobsCreated,
  METRIC.jobsCompleted,
  METRIC.jobsFailed,
  METRIC.partsRun,
  METRIC.partsFailed,
  METRIC.rowsProcessed,
  METRIC.bytesProcessed,
  METRIC.partDuration,
];
