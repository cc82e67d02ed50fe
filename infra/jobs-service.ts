import { Lazy, Names, Stack } from 'aws-cdk-lib';
import type { HttpApi, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus, type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  FilterCriteria,
  FilterRule,
  type IEventSourceDlq,
  type Function as LambdaFunctionConstruct,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../shared/config.js';
import { METRIC, type MetricName } from '../shared/metrics.js';
import { JobsServiceAlarms } from './alarms.js';
import { createHttpApi } from './api.js';
import { JobsServiceDashboard } from './dashboard.js';
import { allowLogsToUseKey, encryptArchive, eventBusEncryption } from './encryption.js';
import { FUNCTION_SPECS } from './function-specs.js';
import { grantLeastPrivilege, roleOf } from './grants.js';
import { acknowledgeNagFindings, type NagAcknowledgement } from './nag.js';
import { type JobsServiceMetricOptions, serviceMetric } from './observability.js';
import { grantManageConnections, grantSendMessage } from './permissions.js';
import { type JobsServiceProps, type ResolvedJobsServiceProps, resolveJobsServiceProps } from './props.js';
import { connectPushFanOut, createPushApi } from './push.js';
import { createServiceFunctions, DEAD_LETTER_TIMEOUT, type ServiceFunctions } from './service-functions.js';
import { createWebSite, deployWebSite, type JobsWebSite } from './site.js';
import {
  createBuckets,
  createConnectionsTable,
  createJobsTable,
  createQueues,
  transferCorsRule,
} from './storage.js';
import { createKeySecret, createTokenSecret } from './token-secret.js';

export type { JobsServiceMetricOptions } from './observability.js';
export type { JobsServiceProps, JobsServiceWebApp } from './props.js';

/**
 * partwise on AWS: the HTTP API, the table, the bucket, the parts queue and its DLQ, the
 * event bus, the push socket for browsers (a WebSocket API, its connections table and
 * fan-out), the ten functions, each allowed only what it uses, and optionally the page as a
 * static site. Drop it into any stack:
 *
 * ```ts
 * const jobs = new JobsService(this, 'Jobs', { alarmTopic });
 * new CfnOutput(this, 'Url', { value: jobs.url });
 * ```
 */
export class JobsService extends Construct {
  readonly api: HttpApi;
  /** The API's base URL (the custom domain's when one is configured), ending with `/`. */
  readonly url: string;
  readonly table: Table;
  readonly bucket: Bucket;
  /** S3 server access logs of `bucket`. */
  readonly accessLogsBucket: Bucket;
  readonly partsQueue: Queue;
  readonly deadLetterQueue: Queue;
  /** Stream batches the relay gave up on (their outbox entries stay for the sweeper). */
  readonly relayFailureQueue: Queue;
  /** Events EventBridge refused (too large, malformed, failing for good), each whole; alarmed. */
  readonly eventDeadLetterQueue: Queue;
  readonly eventBus: IEventBus;
  readonly eventArchive: Archive;
  /** Signs the short-lived browser tokens (docs/auth.md); readable by the api and authorizer functions only. */
  readonly tokenSecret: Secret;
  /** API keys are stored as HMACs under it (docs/auth.md); readable by the authorizer and admin functions only. */
  readonly keySecret: Secret;
  /** The ten functions by their key in the spec (infra/function-specs.ts), as the fields below. */
  readonly functions: Readonly<ServiceFunctions>;
  readonly apiFunction: LambdaFunctionConstruct;
  readonly authorizerFunction: LambdaFunctionConstruct;
  /** The admin routes (`/admin/…`, IAM-authorized): API keys. */
  readonly adminFunction: LambdaFunctionConstruct;
  readonly processorFunction: LambdaFunctionConstruct;
  readonly relayFunction: LambdaFunctionConstruct;
  readonly deadLetterFunction: LambdaFunctionConstruct;
  readonly sweeperFunction: LambdaFunctionConstruct;
  /** Browsers' push sockets (docs/events.md): `$connect` takes a browser token as `?token=`. */
  readonly pushApi: WebSocketApi;
  readonly pushStage: WebSocketStage;
  /** The push socket's URL, `wss://…/push`: the page's `wsUrl`. */
  readonly pushUrl: string;
  /** One item per open push socket, expired by TTL at its token's expiry. */
  readonly connectionsTable: Table;
  readonly pushAuthorizerFunction: LambdaFunctionConstruct;
  readonly pushConnectionsFunction: LambdaFunctionConstruct;
  readonly pushFanOutFunction: LambdaFunctionConstruct;
  /** The page as a static site (`webApp`): its bucket, distribution, origin and URL. */
  readonly site?: JobsWebSite;
  readonly siteDeployment?: BucketDeployment;
  readonly alarms: JobsServiceAlarms;
  /** The service's CloudWatch dashboard (`dashboard`; docs/operations.md). */
  readonly dashboard?: JobsServiceDashboard;
  /** The props with defaults filled in. */
  readonly settings: ResolvedJobsServiceProps;
  /** The cdk-nag findings the construct acknowledges, where, and why (see infra/nag.ts). */
  readonly nagAcknowledgements: readonly NagAcknowledgement[];

  constructor(scope: Construct, id: string, props: JobsServiceProps = {}) {
    super(scope, id);
    const p = resolveJobsServiceProps(props);
    this.settings = p;

    this.table = createJobsTable(this, p);
    ({ bucket: this.bucket, accessLogsBucket: this.accessLogsBucket } = createBuckets(this, p));
    ({
      partsQueue: this.partsQueue,
      deadLetterQueue: this.deadLetterQueue,
      relayFailureQueue: this.relayFailureQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
    } = createQueues(this, p, DEAD_LETTER_TIMEOUT));

    if (p.encryptionKey) allowLogsToUseKey(this, p.encryptionKey);
    // A bus of your own keeps its own encryption; its archive here takes the key.
    const bus = p.eventBus
      ? { bus: p.eventBus, arn: p.eventBus.eventBusArn }
      : ownEventBus(this, p.encryptionKey);
    this.eventBus = bus.bus;
    this.eventArchive = new Archive(this, 'EventArchive', {
      sourceEventBus: this.eventBus,
      eventPattern: { source: [p.eventSource] },
      retention: p.eventArchiveRetention,
      description: 'partwise job events, for replay',
    });
    if (p.encryptionKey) encryptArchive(this.eventArchive, p.encryptionKey, bus.arn);

    this.tokenSecret = createTokenSecret(this);
    this.keySecret = createKeySecret(this, p.removalPolicy);
    this.connectionsTable = createConnectionsTable(this, p);
    const resources = {
      table: this.table,
      bucket: this.bucket,
      partsQueue: this.partsQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
      eventBus: this.eventBus,
      tokenSecret: this.tokenSecret,
      keySecret: this.keySecret,
      connectionsTable: this.connectionsTable,
    };
    const fns = createServiceFunctions(this, p, resources);
    this.functions = fns;
    this.apiFunction = fns.api;
    this.authorizerFunction = fns.authorizer;
    this.adminFunction = fns.admin;
    this.processorFunction = fns.processor;
    this.relayFunction = fns.relay;
    this.deadLetterFunction = fns.deadLetter;
    this.sweeperFunction = fns.sweeper;
    this.pushAuthorizerFunction = fns.pushAuthorizer;
    this.pushConnectionsFunction = fns.pushConnections;
    this.pushFanOutFunction = fns.pushFanOut;

    grantLeastPrivilege(fns, resources, p);
    this.connectEventSources(p);
    connectPushFanOut(this, this.eventBus, this.pushFanOutFunction, p);

    // The site's origin may call the API and move files, as corsOrigins may.
    this.site = p.webApp ? createWebSite(this, p.webApp, p, this.accessLogsBucket) : undefined;
    const siteOrigins = this.site && !p.corsOrigins.includes('*') ? [this.site.origin] : [];
    if (siteOrigins.length > 0) this.bucket.addCorsRule(transferCorsRule(siteOrigins));
    const { api, url, publicRoutes } = createHttpApi(
      this,
      { api: this.apiFunction, authorizer: this.authorizerFunction, admin: this.adminFunction },
      { ...p, corsOrigins: [...p.corsOrigins, ...siteOrigins] },
    );
    this.api = api;
    this.url = url;

    const push = createPushApi(
      this,
      { authorizer: this.pushAuthorizerFunction, connections: this.pushConnectionsFunction },
      p,
    );
    this.pushApi = push.api;
    this.pushStage = push.stage;
    this.pushUrl = push.stage.url;
    // The fan-out posts to this stage's @connections (its callback URL), and only there.
    this.pushFanOutFunction.addEnvironment(ENV.pushEndpoint, push.stage.callbackUrl);
    grantManageConnections(roleOf(this.pushFanOutFunction), push.stage, ['POST', 'DELETE']);
    const siteDeployment = this.site
      ? deployWebSite(this, this.site, { apiUrl: this.url, wsUrl: this.pushUrl }, p)
      : undefined;
    this.siteDeployment = siteDeployment?.deployment;

    // By name as alarms and widgets show them: ApiErrors, DeadLetterThrottles…
    const functions = Object.fromEntries(
      Object.entries(fns).map(([key, fn]) => [`${key.charAt(0).toUpperCase()}${key.slice(1)}`, fn]),
    );
    this.alarms = new JobsServiceAlarms(this, 'Alarms', {
      functions,
      partsQueue: this.partsQueue,
      partsQueueAgeThreshold: p.partsQueueAgeAlarmThreshold,
      deadLetterQueue: this.deadLetterQueue,
      relayFailureQueue: this.relayFailureQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
      api: this.api,
      topic: p.alarmTopic,
    });
    this.dashboard = p.dashboard
      ? new JobsServiceDashboard(this, 'Dashboard', {
          namespace: p.metricsNamespace,
          functions,
          partsQueue: this.partsQueue,
          deadLetterQueue: this.deadLetterQueue,
          eventDeadLetterQueue: this.eventDeadLetterQueue,
          api: this.api,
          alarms: this.alarms.alarms,
        })
      : undefined;

    this.nagAcknowledgements = acknowledgeNagFindings({
      bucket: this.bucket,
      objectUsers: [this.apiFunction, this.processorFunction, this.sweeperFunction],
      streamReader: this.relayFunction,
      traced: Object.values(functions),
      publicRoutes,
      relayFailureQueue: this.relayFailureQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
      tokenSecret: this.tokenSecret,
      keySecret: this.keySecret,
      push: {
        api: push.api,
        stage: push.stage,
        disconnectRoute: push.disconnectRoute,
        fanOut: this.pushFanOutFunction,
        accessLogs: p.pushAccessLogs,
      },
      ...(this.site && siteDeployment
        ? {
            site: {
              distribution: this.site.distribution,
              bucket: this.site.bucket,
              customDomain: p.webApp?.customDomain !== undefined,
              deploymentRole: siteDeployment.role,
              deploymentHandler: siteDeployment.handler,
            },
          }
        : {}),
    });
  }

  /** One of the service's own metrics (shared/metrics.ts), in total or for one `operation`. */
  metric(name: MetricName, options?: JobsServiceMetricOptions): Metric {
    return serviceMetric(this.settings.metricsNamespace, name, options);
  }
  /** Jobs created. @default Sum over 5 minutes */
  metricJobsCreated(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.jobsCreated, options);
  }
  /** Jobs completed. @default Sum over 5 minutes */
  metricJobsCompleted(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.jobsCompleted, options);
  }
  /** Jobs failed. @default Sum over 5 minutes */
  metricJobsFailed(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.jobsFailed, options);
  }
  /** Parts run to their end (repeats included). @default Sum over 5 minutes */
  metricPartsRun(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.partsRun, options);
  }
  /** Parts failed for good. @default Sum over 5 minutes */
  metricPartsFailed(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.partsFailed, options);
  }
  /** Rows the parts counted. @default Sum over 5 minutes */
  metricRowsProcessed(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.rowsProcessed, options);
  }
  /** Source bytes the parts read. @default Sum over 5 minutes */
  metricBytesProcessed(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.bytesProcessed, options);
  }
  /** One part's work, in milliseconds. @default p99 over 5 minutes */
  metricPartDuration(options?: JobsServiceMetricOptions): Metric {
    return this.metric(METRIC.partDuration, options);
  }
  /** Commit to publication of an event, in milliseconds. @default p99 over 5 minutes */
  metricRelayLag(options?: MetricOptions): Metric {
    return this.metric(METRIC.relayLag, options);
  }
  /** Send to receipt of a parts-queue message, in milliseconds. @default p99 over 5 minutes */
  metricPartsQueueAge(options?: MetricOptions): Metric {
    return this.metric(METRIC.partsQueueAge, options);
  }

  /** Lets `grantee` read the bucket's objects: uploads, sheet segments, exports (e.g. a reporting job). */
  grantReadObjects(grantee: IGrantable): Grant {
    return this.bucket.grantRead(grantee);
  }
  /** Lets `grantee` read the table and its indexes: jobs, parts, resources, events (e.g. support tooling). */
  grantReadJobs(grantee: IGrantable): Grant {
    return this.table.grantReadData(grantee);
  }
  /**
   * Lets `grantee` redrive refused events (docs/deploy.md): receive and delete them from the
   * event dead-letter queue, and put them on the bus.
   */
  grantRedriveEventDeadLetter(grantee: IGrantable): Grant {
    this.eventDeadLetterQueue.grantConsumeMessages(grantee);
    return this.eventBus.grantPutEventsTo(grantee);
  }

  private connectEventSources(p: ResolvedJobsServiceProps): void {
    this.processorFunction.addEventSource(
      new SqsEventSource(this.partsQueue, {
        batchSize: p.processorBatchSize,
        reportBatchItemFailures: true,
        maxConcurrency: p.processorMaxConcurrency,
      }),
    );
    this.deadLetterFunction.addEventSource(
      new SqsEventSource(this.deadLetterQueue, {
        batchSize: FUNCTION_SPECS.deadLetter.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: FUNCTION_SPECS.deadLetter.maxConcurrency,
      }),
    );
    // Only records whose new image still holds outbox entries wake the relay; clearing the
    // outbox writes an image without `outboxAt`, which the filter drops.
    this.relayFunction.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: FUNCTION_SPECS.relay.batchSize,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: queueOnFailure(this.relayFailureQueue),
        filters: [
          FilterCriteria.filter({ dynamodb: { NewImage: { outboxAt: { S: FilterRule.exists() } } } }),
        ],
      }),
    );
    new Rule(this, 'SweepSchedule', {
      description: 'partwise sweeper',
      schedule: Schedule.rate(p.sweepInterval),
      targets: [new LambdaFunction(this.sweeperFunction, { retryAttempts: 2 })],
    });
  }
}

/**
 * The bus the construct creates, and its ARN as a value known at synth time: EventBus names
 * itself `Names.uniqueId` of itself when given no name, and that name (not the bus's
 * `Fn::GetAtt`) is what the archive's key policy may refer to (encryption.ts).
 */
function ownEventBus(scope: Construct, key: IKey | undefined): { bus: EventBus; arn: string } {
  const bus = new EventBus(scope, 'EventBus', {
    description: 'partwise job events',
    ...eventBusEncryption(key),
  });
  const arn = Stack.of(scope).formatArn({
    service: 'events',
    resource: 'event-bus',
    resourceName: Lazy.string({ produce: () => Names.uniqueId(bus) }),
  });
  return { bus, arn };
}

/**
 * A stream event source's on-failure queue, sent to as the function (Lambda uses its role).
 * SqsDlq would grant `grantSendMessages`: GetQueueAttributes and GetQueueUrl besides, and
 * with a customer managed key `kms:GenerateDataKey*` and `kms:ReEncrypt*`; SendMessage is
 * all it takes, and the key's use is granted with the function's (grants.ts).
 */
function queueOnFailure(queue: IQueue): IEventSourceDlq {
  return {
    bind(_mapping, handler) {
      grantSendMessage(roleOf(handler), queue);
      return { destination: queue.queueArn };
    },
  };
}
