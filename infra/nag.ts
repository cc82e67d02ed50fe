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
import type {
  IHttpRoute,
  IWebSocketApi,
  IWebSocketRoute,
  IWebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IRole } from 'aws-cdk-lib/aws-iam';
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
  /** Every function: each sends X-Ray segments (active tracing). */
  traced: IFunction[];
  publicRoutes: IHttpRoute[];
  relayFailureQueue: IQueue;
  eventDeadLetterQueue: IQueue;
  tokenSecret: ISecret;
  keySecret: ISecret;
  push: {
    api: IWebSocketApi;
    stage: IWebSocketStage;
    disconnectRoute: IWebSocketRoute;
    /** The function granted ManageConnections on the stage's `@connections/*`. */
    fanOut: IFunction;
    accessLogs: boolean;
  };
  site?: {
    distribution: IDistribution;
    bucket: Bucket;
    customDomain: boolean;
    /** BucketDeployment's handler: its role, and the (stack-wide, CDK-owned) function. */
    deploymentRole: IRole;
    deploymentHandler: IConstruct;
  };
}

export interface NagAcknowledgement {
  /** The construct the acknowledgement is attached to. */
  scope: IConstruct;
  id: string;
  reason: string;
}

const XRAY_REASON =
  'Active tracing grants xray:PutTraceSegments and xray:PutTelemetryRecords on "*": X-Ray actions support no ' +
  'resource-level permission (Service Authorization Reference), and they only write the function’s own traces.';

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
        'event source grants it on "*"; the stream read actions themselves are limited to the table’s stream ARN. ' +
        XRAY_REASON,
    },
    ...s.traced
      .filter((fn) => fn !== s.streamReader)
      .map((fn) => ({ scope: roleOf(fn), id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON })),
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
    ...pushAcknowledgements(s.push),
    ...(s.site ? siteAcknowledgements(s.site) : []),
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
    {
      scope: s.keySecret,
      id: 'AwsSolutions-SMG4',
      reason:
        'Every API key is stored as an HMAC under the key secret: a new value refuses every key there is at once, so a ' +
        'scheduled rotation would be a scheduled outage. Keys themselves rotate, one by one with an overlap ' +
        '(POST /admin/keys/:id/rotate, docs/auth.md); the secret is changed by hand only when it is compromised.',
    },
  ];
}

function pushAcknowledgements(push: NagSubjects['push']): NagAcknowledgement[] {
  const apiId = `<${logicalId(push.api.node.defaultChild as CfnElement)}>`;
  const connections = (method: string) =>
    `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/${push.stage.stageName}/${method}/@connections/*`;
  return [
    ...['POST', 'DELETE'].map((method) => ({
      scope: roleOf(push.fanOut),
      id: `AwsSolutions-IAM5[Resource::${connections(method)}]`,
      reason:
        `Connection ids are API Gateway's, given at $connect, so execute-api:ManageConnections cannot name them in advance; ` +
        `the grant is this API's push stage and ${method} alone (${method === 'POST' ? 'sending a frame' : 'closing an expired connection'}).`,
    })),
    {
      scope: push.disconnectRoute,
      id: 'AwsSolutions-APIG4',
      reason:
        'API Gateway runs an authorizer on a WebSocket API’s $connect route only; $disconnect is invoked by API Gateway ' +
        'itself for a connection that $connect authorized, and it only forgets that connection.',
    },
    ...(push.accessLogs
      ? []
      : [
          {
            scope: push.stage,
            id: 'AwsSolutions-APIG1',
            reason:
              'A WebSocket stage writes access logs only once the account’s API Gateway CloudWatch role is set, an ' +
              'account-wide setting the construct must not change; turn on pushAccessLogs where it is. Meanwhile the ' +
              'connect function logs every connection it keeps and the authorizer every token it refuses.',
          },
        ]),
  ];
}

function siteAcknowledgements(site: NonNullable<NagSubjects['site']>): NagAcknowledgement[] {
  const bucketArn = `<${logicalId(site.bucket.node.defaultChild as CfnElement)}.Arn>`;
  const deployment =
    'CDK’s BucketDeployment handler, which runs only while CloudFormation deploys the page (three files and ' +
    'config.json), grants itself';
  return [
    {
      scope: site.distribution,
      id: 'AwsSolutions-CFR1',
      reason:
        'The page is served wherever the API it calls is reachable; it holds no data and does nothing without a token ' +
        'from the application that opens it. Teams that restrict countries do so on the distribution (geoRestriction).',
    },
    {
      scope: site.distribution,
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves three static files from a private bucket; every request that reads or changes data ' +
        'goes to the API, behind its authorizer and stage throttling. A team with a web ACL attaches it (webAclId).',
    },
    ...(site.customDomain
      ? []
      : [
          {
            scope: site.distribution,
            id: 'AwsSolutions-CFR4',
            reason:
              'With the default *.cloudfront.net certificate CloudFront sets the minimum protocol itself (TLSv1); ' +
              'webApp.customDomain serves the page with TLS 1.2 at least (TLSv1.2_2021).',
          },
        ]),
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      scope: site.deploymentRole,
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${deployment} ${action} on the CDK assets bucket (reading the page) and the site bucket (syncing it, prune included).`,
    })),
    {
      scope: site.deploymentRole,
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      reason: `${deployment} read access to the CDK assets bucket’s objects, whose keys are content hashes.`,
    },
    {
      scope: site.deploymentRole,
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
      reason: `${deployment} access to the objects of the site bucket, which holds the page alone.`,
    },
    {
      scope: site.deploymentRole,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        `${deployment} cloudfront:CreateInvalidation and GetInvalidation on "*"; a Deny on every other distribution ` +
        '(NotResource: this one) limits them to the page’s distribution.',
    },
    {
      scope: site.deploymentHandler,
      id: 'AwsSolutions-L1',
      reason:
        'The BucketDeployment handler is CDK’s own Python function, its runtime chosen by aws-cdk-lib and moved on with ' +
        'it; it runs only during deploys.',
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

function roleOf(fn: IFunction): IRole {
  if (!fn.role) throw new Error(`${fn.node.path} has no role to acknowledge findings on`);
  return fn.role;
}

function logicalId(element: CfnElement): string {
  return Stack.of(element).resolve(element.logicalId) as string;
}
