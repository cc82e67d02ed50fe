import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus, type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../shared/config.js';
import { JobsServiceAlarms } from './alarms.js';
import { createHttpApi } from './api.js';
import { type FunctionName, RUNTIME_ENVIRONMENT } from './bundling.js';
import { createPartwiseFunction } from './functions.js';
import { acknowledgeNagFindings, type NagAcknowledgement } from './nag.js';
import {
  grantApiKeyLookup,
  grantJobData,
  grantObjects,
  grantPutJobEvents,
  grantSecretValue,
  grantSendMessage,
} from './permissions.js';
import { type JobsServiceProps, type ResolvedJobsServiceProps, resolveJobsServiceProps } from './props.js';
import { createBuckets, createJobsTable, createQueues } from './storage.js';
import { createTokenSecret, tokenSecretExtension } from './token-secret.js';

export type { JobsServiceProps } from './props.js';

const DEAD_LETTER_TIMEOUT = Duration.minutes(1);

/**
 * partwise on AWS: the HTTP API, the table, the bucket, the parts queue and its DLQ, the
 * event bus and the six functions, each allowed only what it uses. Drop it into any stack:
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
    const fn = (
      id: string,
      name: FunctionName,
      description: string,
      memorySize: number,
      timeout: Duration,
      readsTokenSecret = false,
    ) =>
      createPartwiseFunction(this, id, name, {
        description,
        memorySize,
        timeout,
        environment: {
          ...this.environment(p),
          ...(readsTokenSecret ? { [ENV.tokenSecretId]: this.tokenSecret.secretArn } : {}),
        },
        logRetention: p.logRetention,
        removalPolicy: p.removalPolicy,
        bundleAwsSdk: p.bundleAwsSdk,
        ...(readsTokenSecret ? { paramsAndSecrets: tokenSecretExtension() } : {}),
      });
    // HTTP API integrations give up after 30 s. The api function mints browser tokens.
    this.apiFunction = fn('ApiFunction', 'api', 'partwise HTTP API', 1024, Duration.seconds(29), true);
    // A Lambda authorizer must answer within 10 s. It verifies browser tokens.
    this.authorizerFunction = fn(
      'AuthorizerFunction',
      'authorizer',
      'partwise API key and token authorizer',
      512,
      Duration.seconds(10),
      true,
    );
    this.processorFunction = fn(
      'ProcessorFunction',
      'processor',
      'partwise parts processor',
      p.processorMemorySize,
      p.processorTimeout,
    );
    this.relayFunction = fn('RelayFunction', 'relay', 'partwise outbox relay', 512, Duration.minutes(1));
    this.deadLetterFunction = fn(
      'DeadLetterFunction',
      'dead-letter',
      'partwise dead-letter handler',
      512,
      DEAD_LETTER_TIMEOUT,
    );
    this.sweeperFunction = fn('SweeperFunction', 'sweeper', 'partwise sweeper', 512, Duration.minutes(5));

    this.grantLeastPrivilege(p);
    this.connectEventSources(p);
    const { api, url, publicRoutes } = createHttpApi(
      this,
      { api: this.apiFunction, authorizer: this.authorizerFunction },
      p,
    );
    this.api = api;
    this.url = url;

    this.alarms = new JobsServiceAlarms(this, 'Alarms', {
      functions: {
        Api: this.apiFunction,
        Authorizer: this.authorizerFunction,
        Processor: this.processorFunction,
        Relay: this.relayFunction,
        DeadLetter: this.deadLetterFunction,
        Sweeper: this.sweeperFunction,
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
    });
  }

  private environment(p: ResolvedJobsServiceProps): Record<string, string> {
    return {
      [ENV.tableName]: this.table.tableName,
      [ENV.bucketName]: this.bucket.bucketName,
      [ENV.partsQueueUrl]: this.partsQueue.queueUrl,
      [ENV.eventDeadLetterQueueUrl]: this.eventDeadLetterQueue.queueUrl,
      // PutEvents takes a name or an ARN; the ARN also reaches a bus in another account.
      [ENV.eventBusName]: this.eventBus.eventBusArn,
      [ENV.eventSource]: p.eventSource,
      [ENV.defaultPartSizeBytes]: String(p.defaultPartSizeBytes),
      [ENV.eventRetentionDays]: String(p.eventRetention.toDays()),
      ...RUNTIME_ENVIRONMENT,
      POWERTOOLS_LOG_LEVEL: p.logLevel,
    };
  }

  private grantLeastPrivilege(p: ResolvedJobsServiceProps): void {
    const role = (f: NodejsFunction) => {
      if (!f.role) throw new Error(`${f.node.path} has no role`);
      return f.role;
    };
    const { table, bucket } = this;

    // api: the resources and jobs of the HTTP API; commands go through the outbox, so no SQS.
    grantJobData(role(this.apiFunction), table, { read: true, write: true, indexes: ['byEnvironment'] });
    grantObjects(role(this.apiFunction), bucket, { read: true, write: true, delete: true });

    // authorizer: looks up API keys, and verifies browser tokens with the token secret.
    grantApiKeyLookup(role(this.authorizerFunction), table);
    grantSecretValue(role(this.authorizerFunction), this.tokenSecret);
    // api: mints browser tokens with the same secret.
    grantSecretValue(role(this.apiFunction), this.tokenSecret);

    // processor: runs parts (operations may delete records and files) and enqueues the
    // next dispatch steps and parts. Receive/delete on the queue come from its event source.
    grantJobData(role(this.processorFunction), table, {
      read: true,
      write: true,
      indexes: ['byEnvironment'],
    });
    grantObjects(role(this.processorFunction), bucket, { read: true, write: true, delete: true });
    this.partsQueue.grantSendMessages(role(this.processorFunction));

    // relay: stores each event for the feed, clears the outbox, hands commands to the
    // queue, publishes events and holds the ones EventBridge refuses in the event dead
    // letter. Stream read access comes from its event source.
    grantJobData(role(this.relayFunction), table, { write: true });
    this.partsQueue.grantSendMessages(role(this.relayFunction));
    grantPutJobEvents(role(this.relayFunction), this.eventBus, p.eventSource);
    grantSendMessage(role(this.relayFunction), this.eventDeadLetterQueue);

    // dead-letter: records a part's final failure on its job.
    grantJobData(role(this.deadLetterFunction), table, { read: true, write: true });

    // sweeper: finds stuck jobs and unrelayed outbox entries through the sparse indexes,
    // re-relays them (as the relay does: to the bus, or to the event dead letter), resends
    // pending parts (an operation reads its part plan from the bucket to do so) and
    // finalizes a job whose last part died before finalizing (the operation's finalize
    // reads and writes objects, as in the processor).
    grantJobData(role(this.sweeperFunction), table, {
      read: true,
      write: true,
      indexes: ['outbox', 'active'],
    });
    grantObjects(role(this.sweeperFunction), bucket, { read: true, write: true, delete: true });
    this.partsQueue.grantSendMessages(role(this.sweeperFunction));
    grantPutJobEvents(role(this.sweeperFunction), this.eventBus, p.eventSource);
    grantSendMessage(role(this.sweeperFunction), this.eventDeadLetterQueue);
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
        batchSize: 10,
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
