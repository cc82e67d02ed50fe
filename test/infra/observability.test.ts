import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type CfnRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SPECS } from '../../infra/function-specs.js';
import { JobsService } from '../../infra/jobs-service.js';
import { METRIC } from '../../shared/metrics.js';
import { SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService, testApp } from './fixture.js';
import { allowedActions, allows, statementsOfRole } from './iam.js';

/**
 * What an operator gets from the construct (issue 15): X-Ray on every function, the metrics'
 * namespace and service in every function's environment, a dashboard, and an alarm on the
 * parts queue's oldest message.
 */
let synth: SynthesizedService;

beforeAll(() => {
  synth = synthesizeJobsService({ metricsNamespace: 'acme/partwise' });
}, SYNTH_TIMEOUT_MS);

const FUNCTION_COUNT = Object.keys(FUNCTION_SPECS).length;

describe('tracing', () => {
  it('is active on every function, each allowed to send its segments', () => {
    const functions = synth.template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: Match.stringLikeRegexp('^nodejs') },
    });
    expect(Object.keys(functions)).toHaveLength(FUNCTION_COUNT);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      const role = fn.Properties.Role['Fn::GetAtt'][0];
      expect(
        allows(statementsOfRole(synth.template, role), { action: 'xray:PutTraceSegments', resource: '*' }),
      ).toBe(true);
    }
  });
});

describe('metrics configuration', () => {
  it('gives every function the namespace and the service name its EMF lines carry', () => {
    const functions = synth.template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: Match.stringLikeRegexp('^nodejs') },
    });
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'acme/partwise',
        POWERTOOLS_SERVICE_NAME: 'partwise',
      });
    }
  });

  it('offers each metric in total and per operation, with the statistic that suits it', () => {
    const service = synth.service;
    const completed = service.metricJobsCompleted({ operation: 'extract' });
    expect(completed).toMatchObject({
      namespace: 'acme/partwise',
      metricName: METRIC.jobsCompleted,
      statistic: 'Sum',
      dimensions: { service: 'partwise', operation: 'extract' },
    });
    expect(service.metricRelayLag()).toMatchObject({
      metricName: METRIC.relayLag,
      statistic: 'p99',
      dimensions: { service: 'partwise' },
    });
    expect(service.metricPartsQueueAge({ period: Duration.minutes(1) }).period.toMinutes()).toBe(1);
    expect(() => service.metric(METRIC.relayLag, { operation: 'extract' })).toThrow(/no operation dimension/);
  });
});

describe('the dashboard', () => {
  it('shows jobs, parts, the relay and the queue, the functions, the API and the alarms', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(synth.service.dashboard?.widgetTitles).toEqual([
      [],
      ['Jobs created, completed, failed', 'Jobs completed by operation', 'Jobs failed by operation'],
      ['Parts run and failed', 'Part duration (ms)', 'Rows and bytes processed'],
      ['Relay lag (ms)', 'Parts queue age', 'Queues: parts waiting and in flight, dead letters'],
      ['Function errors', 'Function duration (p99, ms)', 'Function throttles'],
      ['API requests and errors', 'API latency (ms)', 'Alarms'],
    ]);
    // The per-operation graphs search the namespace the functions write to.
    const body = JSON.stringify(
      synth.stack.resolve(
        Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties,
      ),
    );
    expect(body).toMatch(
      /SEARCH\('\{acme\/partwise,operation,service\} MetricName=\\+"JobsFailed\\+" service=\\+"partwise\\+"', 'Sum', 300\)/,
    );
    expect(body).toContain(METRIC.partsQueueAge);
    expect(body).toContain('ApproximateAgeOfOldestMessage');
  });

  it('is left out when not wanted', () => {
    const without = synthesizeJobsService({ dashboard: false });
    without.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(without.service.dashboard).toBeUndefined();
  });
});

describe('the alarms', () => {
  it('alarm when the parts queue’s oldest message is older than the threshold for 15 minutes', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [synth.logicalId(synth.service.partsQueue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 3600,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('keep the ones that were there: dead letters, function errors and throttles, API 5xx', () => {
    const alarms = synth.template.findResources('AWS::CloudWatch::Alarm');
    // 3 queue depths + the parts queue's age + errors and throttles of 9 functions + API 5xx.
    expect(Object.keys(alarms)).toHaveLength(3 + 1 + 2 * FUNCTION_COUNT + 1);
  });

  it('take the threshold from the props, and refuse one shorter than their period', () => {
    const custom = synthesizeJobsService({ partsQueueAgeAlarmThreshold: Duration.hours(6) });
    custom.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 6 * 3600,
    });
    const stack = new Stack(testApp(), 'Short');
    expect(
      () =>
        new JobsService(stack, 'Jobs', {
          partsQueueAgeAlarmThreshold: Duration.minutes(1),
          metricsNamespace: 'AWS/Mine',
        }),
    ).toThrow(/metricsNamespace must[\s\S]*partsQueueAgeAlarmThreshold must be at least 5 minutes/);
  });
});

describe('grants', () => {
  it('let an operator’s role redrive refused events: consume the event dead letter, put on the bus', () => {
    const stack = new Stack(testApp(), 'Grants');
    const service = new JobsService(stack, 'Jobs');
    const operator = new Role(stack, 'Operator', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    service.grantRedriveEventDeadLetter(operator);
    service.grantReadObjects(operator);
    service.grantReadJobs(operator);

    const template = Template.fromStack(stack);
    const actions = allowedActions(statementsOfRole(template, logicalIdOf(stack, operator)));
    expect(actions).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'events:PutEvents',
        's3:GetObject*',
        'dynamodb:Query',
      ]),
    );
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('s3:PutObject');
  });
});

function logicalIdOf(stack: Stack, role: Role): string {
  const element: CfnElement = role.node.defaultChild as CfnRole;
  return stack.resolve(element.logicalId);
}
