/**
 * The cdk-nag AwsSolutions findings the construct accepts, each on the one construct it
 * concerns and with the reason it is right here. They travel with the construct, so a team
 * that runs cdk-nag on its own stack sees the same zero.
 *
 * cdk-nag 3 reads acknowledgements from `Validations.of(construct).acknowledge()`; a finding
 * with a detail (IAM5) is acknowledged by its full id, `AwsSolutions-IAM5[Resource::…]`,
 * which names the logical id of the resource it points at.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

export interface NagSubjects {
  bucket: Bucket;
  /** Functions granted object actions on `bucket/*`. */
  objectUsers: IFunction[];
  /** The function a DynamoDB stream event source reads for. */
  streamReader: IFunction;
  publicRoutes: IHttpRoute[];
  relayFailureQueue: IQueue;
  eventDeadLetterQueue: IQueue;
  tokenSecret: ISecret;
}

export interface NagAcknowledgement {
  /** The construct the acknowledgement is attached to. */
  scope: IConstruct;
  id: string;
  reason: string;
}

/** What is acknowledged, where, and why — also read by the infra tests. */
export function nagAcknowledgements(s: NagSubjects): NagAcknowledgement[] {
  const bucketArn = `<${logicalId(s.bucket.node.defaultChild as CfnElement)}.Arn>`;
  return [
    ...s.objectUsers.map((fn) => ({
      scope: roleOf(fn),
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
      reason:
        'Object keys are generated per file, sheet segment and export, so object actions cannot name them in advance; ' +
        'the grant is limited to the objects of the service’s own bucket and lists each action (no action wildcard).',
    })),
    {
      scope: roleOf(s.streamReader),
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams supports no resource-level permission (Service Authorization Reference), so the stream ' +
        'event source grants it on "*"; the stream read actions themselves are limited to the table’s stream ARN.',
    },
    ...s.publicRoutes.map((route) => ({
      scope: route,
      id: 'AwsSolutions-APIG4',
      reason:
        'GET /health (the liveness check for load balancers and uptime monitors) and GET /openapi.json and /docs (the ' +
        'public description of the API) return no tenant data; every other route goes through the API key authorizer.',
    })),
    {
      scope: s.relayFailureQueue,
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination (the relay stream’s on-failure destination); its messages are ' +
        'alarmed at depth 1 and the sweeper re-relays the outbox entries they point at.',
    },
    {
      scope: s.eventDeadLetterQueue,
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead letter: the relay holds here, whole, each job event EventBridge refused for good. ' +
        'Nothing consumes it; one message raises its alarm and a person redrives it once the cause is fixed.',
    },
    {
      scope: s.tokenSecret,
      id: 'AwsSolutions-SMG4',
      reason:
        'The token secret only signs browser tokens that live an hour at most, and the functions keep it for the life of an ' +
        'instance: a scheduled rotation would refuse tokens minted a moment before it, and instances still holding the old ' +
        'value would refuse those minted after. Rotating it is a manual step (docs/auth.md): put a new value, then start new ' +
        'instances of the two functions (any configuration change does), which refuses outstanding tokens once, as a ' +
        'compromised secret requires anyway.',
    },
  ];
}

/** Records the acknowledgements on their constructs and returns them. */
export function acknowledgeNagFindings(subjects: NagSubjects): NagAcknowledgement[] {
  const acknowledgements = nagAcknowledgements(subjects);
  for (const { scope, id, reason } of acknowledgements) {
    Validations.of(scope).acknowledge({ id, reason });
  }
  return acknowledgements;
}

function roleOf(fn: IFunction): IConstruct {
  if (!fn.role) throw new Error(`${fn.node.path} has no role to acknowledge findings on`);
  return fn.role;
}

function logicalId(element: CfnElement): string {
  return Stack.of(element).resolve(element.logicalId) as string;
}
