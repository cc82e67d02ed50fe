/**
 * The service's ten functions, one per `functions/*.ts` entry point, made from their specs
 * (infra/function-specs.ts). Each function's environment holds what it reads and no
 * more: the job functions where the job data lives, the push functions the connections table.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../shared/config.js';
import { RUNTIME_ENVIRONMENT } from './bundling.js';
import {
  FUNCTION_SPECS,
  type FunctionEnvironment,
  type FunctionKey,
  type FunctionName,
  type FunctionSpec,
} from './function-specs.js';
import { createPartwiseFunction } from './functions.js';
import { metricsEnvironment } from './observability.js';
import type { ResolvedJobsServiceProps } from './props.js';
import { tokenSecretExtension } from './token-secret.js';

/** The dead-letter function's timeout, which its queue's visibility timeout follows. */
export const DEAD_LETTER_TIMEOUT = Duration.seconds(FUNCTION_SPECS.deadLetter.timeoutSeconds);

/** What the functions are given the names of. */
export interface FunctionResources {
  table: ITable;
  bucket: IBucket;
  partsQueue: IQueue;
  eventDeadLetterQueue: IQueue;
  eventBus: IEventBus;
  tokenSecret: ISecret;
  keySecret: ISecret;
  connectionsTable: ITable;
}

export type ServiceFunctions = Record<FunctionKey, LambdaFunction>;

export function createServiceFunctions(
  scope: Construct,
  p: ResolvedJobsServiceProps,
  r: FunctionResources,
): ServiceFunctions {
  const runtime = {
    ...RUNTIME_ENVIRONMENT,
    POWERTOOLS_LOG_LEVEL: p.logLevel,
    ...metricsEnvironment(p.metricsNamespace),
  };
  const environments: Record<FunctionEnvironment, Record<string, string>> = {
    jobs: {
      [ENV.tableName]: r.table.tableName,
      [ENV.bucketName]: r.bucket.bucketName,
      [ENV.partsQueueUrl]: r.partsQueue.queueUrl,
      [ENV.eventDeadLetterQueueUrl]: r.eventDeadLetterQueue.queueUrl,
      // PutEvents takes a name or an ARN; the ARN also reaches a bus in another account.
      [ENV.eventBusName]: r.eventBus.eventBusArn,
      [ENV.eventSource]: p.eventSource,
      [ENV.defaultPartSizeBytes]: String(p.defaultPartSizeBytes),
      [ENV.distributedPlanningBytes]: String(p.distributedPlanningBytes),
      [ENV.partsInFlightPerJob]: String(p.partsInFlightPerJob),
      [ENV.partsInFlightPerEnvironment]: String(p.partsInFlightPerEnvironment),
      ...(Object.keys(p.environmentPartsInFlight).length > 0
        ? { [ENV.environmentPartsInFlight]: JSON.stringify(p.environmentPartsInFlight) }
        : {}),
      [ENV.eventRetentionDays]: String(p.eventRetention.toDays()),
      ...runtime,
    },
    keys: { [ENV.tableName]: r.table.tableName, ...runtime },
    push: { [ENV.connectionsTableName]: r.connectionsTable.tableName, ...runtime },
    none: runtime,
  };
  // The processor's size and timeout are props; the spec holds their defaults.
  const sized = (key: FunctionKey) =>
    key === 'processor'
      ? { memorySize: p.processorMemorySize, timeout: p.processorTimeout }
      : {
          memorySize: FUNCTION_SPECS[key].memorySize,
          timeout: Duration.seconds(FUNCTION_SPECS[key].timeoutSeconds),
        };
  const create = (key: FunctionKey) => {
    const spec: FunctionSpec<FunctionName> = FUNCTION_SPECS[key];
    return createPartwiseFunction(scope, spec.id, spec.name, {
      description: spec.description,
      ...sized(key),
      environment: {
        ...environments[spec.environment],
        ...(spec.readsTokenSecret ? { [ENV.tokenSecretId]: r.tokenSecret.secretArn } : {}),
        ...(spec.readsKeySecret ? { [ENV.keySecretId]: r.keySecret.secretArn } : {}),
      },
      logRetention: p.logRetention,
      removalPolicy: p.removalPolicy,
      ...(p.encryptionKey ? { logEncryptionKey: p.encryptionKey } : {}),
      bundleAwsSdk: p.bundleAwsSdk,
      ...(spec.readsTokenSecret || spec.readsKeySecret ? { paramsAndSecrets: tokenSecretExtension() } : {}),
    });
  };
  return {
    api: create('api'),
    authorizer: create('authorizer'),
    admin: create('admin'),
    processor: create('processor'),
    relay: create('relay'),
    deadLetter: create('deadLetter'),
    sweeper: create('sweeper'),
    pushAuthorizer: create('pushAuthorizer'),
    pushConnections: create('pushConnections'),
    pushFanOut: create('pushFanOut'),
  };
}
