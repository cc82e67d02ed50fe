import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct, Node } from 'constructs';
import { PartwiseInfraError } from './errors.js';
import { JobsService, type JobsServiceProps } from './jobs-service.js';

export interface PartwiseStackProps extends StackProps {
  /**
   * Props of the JobsService; they win over the `partwise:*` context values.
   * @default - the context values, then the JobsService defaults
   */
  readonly jobs?: JobsServiceProps;
}

/**
 * partwise deployed on its own: one JobsService and the outputs a caller needs. Reads the
 * `partwise:*` context keys (see `CONTEXT_KEYS`), so `cdk deploy -c …` can tune it.
 */
export class PartwiseStack extends Stack {
  readonly jobs: JobsService;

  constructor(scope: Construct, id: string, props: PartwiseStackProps = {}) {
    super(scope, id, { description: 'partwise: jobs service for data files', ...props });
    this.jobs = new JobsService(this, 'Jobs', { ...jobsServicePropsFromContext(this), ...props.jobs });
    Tags.of(this).add('service', 'partwise');

    new CfnOutput(this, 'ApiUrl', {
      value: this.jobs.url,
      description: 'PARTWISE_URL for clients and the e2e suite',
    });
    new CfnOutput(this, 'TableName', {
      value: this.jobs.table.tableName,
      description: 'Where API keys are registered',
    });
    new CfnOutput(this, 'BucketName', { value: this.jobs.bucket.bucketName });
    new CfnOutput(this, 'EventBusArn', { value: this.jobs.eventBus.eventBusArn, description: 'Job events' });
    new CfnOutput(this, 'EventDeadLetterQueueUrl', {
      value: this.jobs.eventDeadLetterQueue.queueUrl,
      description: 'Job events EventBridge refused, to look at and redrive',
    });
    new CfnOutput(this, 'PushUrl', {
      value: this.jobs.pushUrl,
      description: 'The push socket for browsers: wss://…/push?token=<browser token>',
    });
    if (this.jobs.site) {
      new CfnOutput(this, 'SiteUrl', {
        value: this.jobs.site.url,
        description: 'The page; open it with #token=<browser token>',
      });
    }
  }
}

/** Context keys `infra/app.ts` reads (`cdk deploy -c partwise:removalPolicy=destroy`). */
export const CONTEXT_KEYS = {
  stackName: 'partwise:stackName',
  removalPolicy: 'partwise:removalPolicy',
  alarmTopicArn: 'partwise:alarmTopicArn',
  eventBusArn: 'partwise:eventBusArn',
  corsOrigins: 'partwise:corsOrigins',
  /** `true` deploys the page as a static site (the `webApp` prop). */
  webApp: 'partwise:webApp',
  /** The ARN of a customer managed KMS key (the `encryptionKey` prop; docs/deploy.md says what its policy needs). */
  encryptionKeyArn: 'partwise:encryptionKeyArn',
  /** `true` keeps earlier versions of the bucket's objects (the `bucketVersioning` prop). */
  bucketVersioning: 'partwise:bucketVersioning',
} as const;

/** The stack name from the context, `Partwise` unless set. */
export function stackNameFromContext(node: Node): string {
  return stringContext(node, CONTEXT_KEYS.stackName) ?? 'Partwise';
}

/** JobsService props from the CDK context; the imported topic and bus are created in `scope`. */
export function jobsServicePropsFromContext(scope: Construct): JobsServiceProps {
  const node = scope.node;
  const removal = stringContext(node, CONTEXT_KEYS.removalPolicy);
  if (removal !== undefined && removal !== 'retain' && removal !== 'destroy') {
    throw new PartwiseInfraError(
      `${CONTEXT_KEYS.removalPolicy} must be "retain" or "destroy", got "${removal}"`,
    );
  }
  const topicArn = stringContext(node, CONTEXT_KEYS.alarmTopicArn);
  const busArn = stringContext(node, CONTEXT_KEYS.eventBusArn);
  const origins = stringContext(node, CONTEXT_KEYS.corsOrigins);
  const webApp = booleanContext(node, CONTEXT_KEYS.webApp);
  const versioning = booleanContext(node, CONTEXT_KEYS.bucketVersioning);
  const keyArn = stringContext(node, CONTEXT_KEYS.encryptionKeyArn);
  return {
    ...(removal
      ? { removalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN }
      : {}),
    ...(topicArn ? { alarmTopic: Topic.fromTopicArn(scope, 'AlarmTopic', topicArn) } : {}),
    ...(busArn ? { eventBus: EventBus.fromEventBusArn(scope, 'ExistingEventBus', busArn) } : {}),
    ...(origins ? { corsOrigins: origins.split(',').map((o) => o.trim()) } : {}),
    ...(webApp ? { webApp: true } : {}),
    ...(versioning ? { bucketVersioning: true } : {}),
    ...(keyArn ? { encryptionKey: Key.fromKeyArn(scope, 'EncryptionKey', keyArn) } : {}),
  };
}

function booleanContext(node: Node, key: string): boolean | undefined {
  const value = stringContext(node, key);
  if (value !== undefined && value !== 'true' && value !== 'false') {
    throw new PartwiseInfraError(`${key} must be "true" or "false", got "${value}"`);
  }
  return value === undefined ? undefined : value === 'true';
}

function stringContext(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}
