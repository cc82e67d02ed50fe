/**
 * The service's nine functions, one per `functions/*.ts` entry point: their sizes, timeouts
 * and environments in one table. Each function's environment holds what it reads and no
 * more: the job functions where the job data lives, the push functions the connections table.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../shared/config.js';
import { type FunctionName, RUNTIME_ENVIRONMENT } from './bundling.js';
import { createPartwiseFunction } from './functions.js';
import type { ResolvedJobsServiceProps } from './props.js';
import { tokenSecretExtension } from './token-secret.js';

/** The dead-letter function's timeout, which its queue's visibility timeout follows. */
export const DEAD_LETTER_TIMEOUT = Duration.minutes(1);

/** What the functions are given the names of. */
export interface FunctionResources {
  table: ITable;
  bucket: IBucket;
  partsQueue: IQueue;
  eventDeadLetterQueue: IQueue;
  eventBus: IEventBus;
  tokenSecret: ISecret;
  connectionsTable: ITable;
}

type Environment = 'jobs' | 'push' | 'none';

interface FunctionSpec {
  id: string;
  name: FunctionName;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Environment;
  /** Reads the token secret, through the Parameters and Secrets extension. */
  readsTokenSecret?: boolean;
}

function functionSpecs(p: ResolvedJobsServiceProps) {
  return {
    // HTTP API integrations give up after 30 s. The api function mints browser tokens.
    api: {
      id: 'ApiFunction',
      name: 'api',
      description: 'partwise HTTP API',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment: 'jobs',
      readsTokenSecret: true,
    },
    // A Lambda authorizer must answer within 10 s. It verifies browser tokens.
    authorizer: {
      id: 'AuthorizerFunction',
      name: 'authorizer',
      description: 'partwise API key and token authorizer',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: 'jobs',
      readsTokenSecret: true,
    },
    processor: {
      id: 'ProcessorFunction',
      name: 'processor',
      description: 'partwise parts processor',
      memorySize: p.processorMemorySize,
      timeout: p.processorTimeout,
      environment: 'jobs',
    },
    relay: {
      id: 'RelayFunction',
      name: 'relay',
      description: 'partwise outbox relay',
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment: 'jobs',
    },
    deadLetter: {
      id: 'DeadLetterFunction',
      name: 'dead-letter',
      description: 'partwise dead-letter handler',
      memorySize: 512,
      timeout: DEAD_LETTER_TIMEOUT,
      environment: 'jobs',
    },
    sweeper: {
      id: 'SweeperFunction',
      name: 'sweeper',
      description: 'partwise sweeper',
      memorySize: 512,
      timeout: Duration.minutes(5),
      environment: 'jobs',
    },
    // The $connect authorizer: a token and the secret, no table.
    pushAuthorizer: {
      id: 'PushAuthorizerFunction',
      name: 'push-authorizer',
      description: 'partwise push socket $connect authorizer',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: 'none',
      readsTokenSecret: true,
    },
    // $connect and $disconnect: one write each.
    pushConnections: {
      id: 'PushConnectionsFunction',
      name: 'push-connections',
      description: 'partwise push socket $connect and $disconnect',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: 'push',
    },
    pushFanOut: {
      id: 'PushFanOutFunction',
      name: 'push-fan-out',
      description: 'partwise push of job events to browsers',
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: 'push',
    },
  } as const satisfies Record<string, FunctionSpec>;
}

export type ServiceFunctions = Record<keyof ReturnType<typeof functionSpecs>, NodejsFunction>;

export function createServiceFunctions(
  scope: Construct,
  p: ResolvedJobsServiceProps,
  r: FunctionResources,
): ServiceFunctions {
  const runtime = { ...RUNTIME_ENVIRONMENT, POWERTOOLS_LOG_LEVEL: p.logLevel };
  const environments: Record<Environment, Record<string, string>> = {
    jobs: {
      [ENV.tableName]: r.table.tableName,
      [ENV.bucketName]: r.bucket.bucketName,
      [ENV.partsQueueUrl]: r.partsQueue.queueUrl,
      [ENV.eventDeadLetterQueueUrl]: r.eventDeadLetterQueue.queueUrl,
      // PutEvents takes a name or an ARN; the ARN also reaches a bus in another account.
      [ENV.eventBusName]: r.eventBus.eventBusArn,
      [ENV.eventSource]: p.eventSource,
      [ENV.defaultPartSizeBytes]: String(p.defaultPartSizeBytes),
      [ENV.partsInFlightPerJob]: String(p.partsInFlightPerJob),
      [ENV.partsInFlightPerEnvironment]: String(p.partsInFlightPerEnvironment),
      ...(Object.keys(p.environmentPartsInFlight).length > 0
        ? { [ENV.environmentPartsInFlight]: JSON.stringify(p.environmentPartsInFlight) }
        : {}),
      [ENV.eventRetentionDays]: String(p.eventRetention.toDays()),
      ...runtime,
    },
    push: { [ENV.connectionsTableName]: r.connectionsTable.tableName, ...runtime },
    none: runtime,
  };
  const create = (spec: FunctionSpec) =>
    createPartwiseFunction(scope, spec.id, spec.name, {
      description: spec.description,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      environment: {
        ...environments[spec.environment],
        ...(spec.readsTokenSecret ? { [ENV.tokenSecretId]: r.tokenSecret.secretArn } : {}),
      },
      logRetention: p.logRetention,
      removalPolicy: p.removalPolicy,
      bundleAwsSdk: p.bundleAwsSdk,
      ...(spec.readsTokenSecret ? { paramsAndSecrets: tokenSecretExtension() } : {}),
    });
  const specs = functionSpecs(p);
  return {
    api: create(specs.api),
    authorizer: create(specs.authorizer),
    processor: create(specs.processor),
    relay: create(specs.relay),
    deadLetter: create(specs.deadLetter),
    sweeper: create(specs.sweeper),
    pushAuthorizer: create(specs.pushAuthorizer),
    pushConnections: create(specs.pushConnections),
    pushFanOut: create(specs.pushFanOut),
  };
}
