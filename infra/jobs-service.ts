import type { HttpApi, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus, type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../shared/config.js';
import { JobsServiceAlarms } from './alarms.js';
import { createHttpApi } from './api.js';
import { DEAD_LETTER_BATCH_SIZE } from './event-source-settings.js';
import { grantLeastPrivilege, roleOf } from './grants.js';
import { acknowledgeNagFindings, type NagAcknowledgement } from './nag.js';
import { grantManageConnections } from './permissions.js';
import { type JobsServiceProps, type ResolvedJobsServiceProps, resolveJobsServiceProps } from './props.js';
import { connectPushFanOut, createPushApi } from './push.js';
import { createServiceFunctions, DEAD_LETTER_TIMEOUT } from './service-functions.js';
import { createWebSite, deployWebSite, type JobsWebSite } from './site.js';
import {
  createBuckets,
  createConnectionsTable,
  createJobsTable,
  createQueues,
  transferCorsRule,
} from './storage.js';
import { createTokenSecret } from './token-secret.js';

export type { JobsServiceProps, JobsServiceWebApp } from './props.js';

/**
 * partwise on AWS: the HTTP API, the table, the bucket, the parts queue and its DLQ, the
 * event bus, the push socket for browsers (a WebSocket API, its connections table and
 * fan-out), the nine functions, each allowed only what it uses, and optionally the page as a
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
  readonly apiFunction: NodejsFunction;
  readonly authorizerFunction: NodejsFunction;
  readonly processorFunction: NodejsFunction;
  readonly relayFunction: NodejsFunction;
  readonly deadLetterFunction: NodejsFunction;
  readonly sweeperFunction: NodejsFunction;
  /** Browsers' push sockets (docs/events.md): `$connect` takes a browser token as `?token=`. */
  readonly pushApi: WebSocketApi;
  readonly pushStage: WebSocketStage;
  /** The push socket's URL, `wss://…/push`: the page's `wsUrl`. */
  readonly pushUrl: string;
  /** One item per open push socket, expired by TTL at its token's expiry. */
  readonly connectionsTable: Table;
  readonly pushAuthorizerFunction: NodejsFunction;
  readonly pushConnectionsFunction: NodejsFunction;
  readonly pushFanOutFunction: NodejsFunction;
  /** The page as a static site (`webApp`): its bucket, distribution, origin and URL. */
  readonly site?: JobsWebSite;
  readonly siteDeployment?: BucketDeployment;
  readonly alarms: JobsServiceAlarms;
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

    this.eventBus = p.eventBus ?? new EventBus(this, 'EventBus', { description: 'partwise job events' });
    this.eventArchive = new Archive(this, 'EventArchive', {
      sourceEventBus: this.eventBus,
      eventPattern: { source: [p.eventSource] },
      retention: p.eventArchiveRetention,
      description: 'partwise job events, for replay',
    });

    this.tokenSecret = createTokenSecret(this);
    this.connectionsTable = createConnectionsTable(this);
    const resources = {
      table: this.table,
      bucket: this.bucket,
      partsQueue: this.partsQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
      eventBus: this.eventBus,
      tokenSecret: this.tokenSecret,
      connectionsTable: this.connectionsTable,
    };
    const fns = createServiceFunctions(this, p, resources);
    this.apiFunction = fns.api;
    this.authorizerFunction = fns.authorizer;
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
      { api: this.apiFunction, authorizer: this.authorizerFunction },
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

    this.alarms = new JobsServiceAlarms(this, 'Alarms', {
      functions: {
        Api: this.apiFunction,
        Authorizer: this.authorizerFunction,
        Processor: this.processorFunction,
        Relay: this.relayFunction,
        DeadLetter: this.deadLetterFunction,
        Sweeper: this.sweeperFunction,
        PushAuthorizer: this.pushAuthorizerFunction,
        PushConnections: this.pushConnectionsFunction,
        PushFanOut: this.pushFanOutFunction,
      },
      deadLetterQueue: this.deadLetterQueue,
      relayFailureQueue: this.relayFailureQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
      api: this.api,
      topic: p.alarmTopic,
    });

    this.nagAcknowledgements = acknowledgeNagFindings({
      bucket: this.bucket,
      objectUsers: [this.apiFunction, this.processorFunction, this.sweeperFunction],
      streamReader: this.relayFunction,
      publicRoutes,
      relayFailureQueue: this.relayFailureQueue,
      eventDeadLetterQueue: this.eventDeadLetterQueue,
      tokenSecret: this.tokenSecret,
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
        batchSize: DEAD_LETTER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );
    // Only records whose new image still holds outbox entries wake the relay; clearing the
    // outbox writes an image without `outboxAt`, which the filter drops.
    this.relayFunction.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.relayFailureQueue),
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
