import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);

export interface JobsServiceAlarmsProps {
  /** Functions by a short name used in the alarm ids (`ApiErrors`, `ApiThrottles`, …). */
  functions: Record<string, IFunction>;
  /** The parts queue: a message older than `partsQueueAgeThreshold` alarms (parts wait, or keep failing). */
  partsQueue: IQueue;
  partsQueueAgeThreshold: Duration;
  /** The parts DLQ: its own function drains it, so only messages that stay there alarm. */
  deadLetterQueue: IQueue;
  /** Stream batches the relay gave up on: no consumer, one message is one alarm. */
  relayFailureQueue: IQueue;
  /** Events EventBridge refused: no consumer, one message is one alarm. */
  eventDeadLetterQueue: IQueue;
  api: IHttpApi;
  topic?: ITopic;
}

/**
 * Alarms that call for a person: messages stuck in a DLQ, functions failing or throttled,
 * API 5xx. Missing data is "not breaching" — a quiet service is a healthy one.
 */
export class JobsServiceAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: JobsServiceAlarmsProps) {
    super(scope, id);
    const action = props.topic ? new SnsAction(props.topic) : undefined;
    const add = (alarmId: string, metric: IMetric, description: string, threshold = 1, periods = 1) => {
      const alarm = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (action) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
    };

    // The dead-letter function records a failed part within seconds; a message still visible
    // after three periods means that function cannot do its job.
    add(
      'DeadLetterQueueDepth',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      'Failed parts have stayed in the dead-letter queue for 15 minutes: the dead-letter function is not recording them.',
      1,
      3,
    );
    add(
      'RelayFailureQueueDepth',
      props.relayFailureQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      'The relay gave up on stream records; the sweeper re-relays their outbox entries, but the cause needs a look.',
    );
    add(
      'EventDeadLetterQueueDepth',
      props.eventDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      'EventBridge refused a job event (too large, malformed, or failing for good); subscribers did not get it. ' +
        'It is held whole in the event dead-letter queue: fix the cause, then redrive it (docs/deploy.md).',
    );
    add(
      'PartsQueueOldestMessageAge',
      props.partsQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      `A part has waited in the parts queue for more than ${props.partsQueueAgeThreshold.toHumanString()} ` +
        'for 15 minutes: the processor is not keeping up (concurrency, throttles) or a part keeps failing. ' +
        'See the dashboard and docs/operations.md.',
      props.partsQueueAgeThreshold.toSeconds(),
      3,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}Errors`,
        fn.metricErrors({ period: PERIOD }),
        `The ${name} function failed (error or timeout).`,
      );
      add(`${name}Throttles`, fn.metricThrottles({ period: PERIOD }), `The ${name} function was throttled.`);
    }
    add(
      'ApiServerErrors',
      props.api.metricServerError({ period: PERIOD }),
      'The API answered with 5xx responses (at least 5 in 5 minutes).',
      5,
    );
  }
}
