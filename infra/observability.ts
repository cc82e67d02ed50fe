/**
 * The service's own metrics as CDK `Metric`s (their names: shared/metrics.ts), for the
 * construct's `metric…()` helpers, its dashboard and anyone's alarms; and what every function
 * needs to write them (its environment).
 */
import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { BY_OPERATION, METRIC, type MetricName, OPERATION_DIMENSION } from '../shared/metrics.js';
import { RUNTIME_ENVIRONMENT } from './bundling.js';

/** The `service` dimension of every metric: POWERTOOLS_SERVICE_NAME, which every function gets. */
export const SERVICE_NAME = RUNTIME_ENVIRONMENT.POWERTOOLS_SERVICE_NAME;

/** Options of a service metric: CloudWatch's, and the operation to narrow a job or part metric to. */
export interface JobsServiceMetricOptions extends MetricOptions {
  /**
   * Only this operation's jobs or parts (`extract`, `map`, an action's operation…). Only the
   * job and part metrics have it; RelayLag and PartsQueueAge are the service's alone.
   * @default - every operation (the `service` dimension alone)
   */
  readonly operation?: string;
}

/** The default statistic of each metric: counts add up, timings are read at the 99th percentile. */
const DEFAULT_STATISTIC: Record<MetricName, string> = {
  [METRIC.jobsCreated]: 'Sum',
  [METRIC.jobsCompleted]: 'Sum',
  [METRIC.jobsFailed]: 'Sum',
  [METRIC.partsRun]: 'Sum',
  [METRIC.partsFailed]: 'Sum',
  [METRIC.rowsProcessed]: 'Sum',
  [METRIC.bytesProcessed]: 'Sum',
  [METRIC.partDuration]: 'p99',
  [METRIC.relayLag]: 'p99',
  [METRIC.partsQueueAge]: 'p99',
};

export function serviceMetric(
  namespace: string,
  name: MetricName,
  options: JobsServiceMetricOptions = {},
): Metric {
  const { operation, ...metricOptions } = options;
  if (operation !== undefined && !BY_OPERATION.includes(name)) {
    throw new Error(`${name} has no ${OPERATION_DIMENSION} dimension`);
  }
  return new Metric({
    namespace,
    metricName: name,
    statistic: DEFAULT_STATISTIC[name],
    period: Duration.minutes(5),
    ...metricOptions,
    dimensionsMap: {
      service: SERVICE_NAME,
      ...(operation === undefined ? {} : { [OPERATION_DIMENSION]: operation }),
      ...metricOptions.dimensionsMap,
    },
  });
}

/**
 * One line per operation that reported the metric in the dashboard's time range, found by
 * a SEARCH: operations are open-ended (an action's operation is its own).
 */
export function byOperation(
  namespace: string,
  name: MetricName,
  statistic = DEFAULT_STATISTIC[name],
  period = Duration.minutes(5),
): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${namespace},${OPERATION_DIMENSION},service} MetricName="${name}" service="${SERVICE_NAME}"', '${statistic}', ${period.toSeconds()})`,
    label: '',
    period,
  });
}

/** What a function needs to write its metrics: the namespace (Powertools Metrics reads it). */
export function metricsEnvironment(namespace: string): Record<string, string> {
  return { POWERTOOLS_METRICS_NAMESPACE: namespace };
}
