/**
 * The event dead letter in AWS: the queue the relay holds refused events in, the alarm on
 * it, and who may touch it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobsService } from '../../infra/jobs-service.js';
import { getAtt, SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';
import { allows, type Request, statementsOfRole } from './iam.js';

let synth: SynthesizedService;
let queueId: string;

beforeAll(() => {
  synth = synthesizeJobsService();
  queueId = synth.logicalId(synth.service.eventDeadLetterQueue);
}, SYNTH_TIMEOUT_MS);

const policyOf = (pick: (s: JobsService) => IFunction) => {
  const role = pick(synth.service).role;
  if (!role) throw new Error('function without role');
  return statementsOfRole(synth.template, synth.logicalId(role));
};
const on = (action: string): Request => ({ action, resource: `arn(${queueId})` });

describe('the event dead letter', () => {
  it('is an encrypted queue that keeps a refused event for 14 days, reachable over TLS only', () => {
    expect(synth.template.toJSON().Resources[queueId]).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
    });
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('raises an alarm as soon as it holds one event', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(queueId, 'QueueName') }],
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmDescription: Match.stringLikeRegexp('EventBridge refused a job event'),
    });
  });

  it('takes messages from the functions that relay outboxes (the relay, and the api, processor and sweeper after their commits) — SendMessage and nothing more', () => {
    for (const relaying of [
      (s: JobsService) => s.relayFunction,
      (s: JobsService) => s.sweeperFunction,
      (s: JobsService) => s.apiFunction,
      (s: JobsService) => s.processorFunction,
    ]) {
      const policy = policyOf(relaying);
      expect(allows(policy, on('sqs:SendMessage'))).toBe(true);
      for (const action of [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:PurgeQueue',
        'sqs:GetQueueAttributes',
      ]) {
        expect(allows(policy, on(action)), action).toBe(false);
      }
    }
    synth.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(queueId) },
        ]),
      },
    });
  });

  it('is out of reach of every other function, and feeds none: a person redrives what it holds', () => {
    const others = [
      (s: JobsService) => s.authorizerFunction,
      (s: JobsService) => s.adminFunction,
      (s: JobsService) => s.deadLetterFunction,
      (s: JobsService) => s.pushFanOutFunction,
    ];
    for (const other of others) {
      expect(allows(policyOf(other), on('sqs:SendMessage'))).toBe(false);
      expect(allows(policyOf(other), on('sqs:ReceiveMessage'))).toBe(false);
    }
    const mappings = synth.template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: getAtt(queueId) },
    });
    expect(mappings).toEqual({});
  });

  it('is acknowledged for cdk-nag as the dead letter it is, with its own reason', () => {
    const acknowledgement = synth.service.nagAcknowledgements.find(
      (a) => a.scope === synth.service.eventDeadLetterQueue,
    );
    expect(acknowledgement).toMatchObject({
      id: 'AwsSolutions-SQS3',
      reason: expect.stringMatching(/EventBridge refused/),
    });
  });
});
