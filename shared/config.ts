import type { FairnessSettings } from './domain/fairness.js';

/**
 * Configuration, read once from the environment (on first use) through fail-fast getters.
 * Nothing else in the code base reads `process.env` (the local stack sets these
 * variables before it loads a handler, exactly as Lambda does).
 */

/** Each variable is read on first use, then kept: hot paths ask for the table name per request. */
const read = new Map<string, string | undefined>();

function optional(name: string): string | undefined {
  if (!read.has(name)) {
    const value = process.env[name];
    read.set(name, value === undefined || value === '' ? undefined : value);
  }
  return read.get(name);
}

function required(name: string): string {
  const value = optional(name);
  if (value === undefined) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

function integer(name: string, fallback: number): number {
  const raw = optional(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

function capsFrom(raw: string): Record<string, number> {
  const parsed: unknown = JSON.parse(raw);
  const entries = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : [];
  if (entries.some(([, value]) => !Number.isInteger(value) || value < 1)) {
    throw new Error(
      `Environment variable ${ENV.environmentPartsInFlight} must map environment ids to positive integers, got "${raw}"`,
    );
  }
  return Object.fromEntries(entries);
}

/** CSV/TSV files larger than this (1 GiB) are planned by a wave of range scans, unless configured otherwise. */
export const DEFAULT_DISTRIBUTED_PLANNING_BYTES = 1024 * 1024 * 1024;

/** Names of the environment variables, shared with the CDK construct and the local stack. */
export const ENV = {
  tableName: 'PARTWISE_TABLE_NAME',
  bucketName: 'PARTWISE_BUCKET_NAME',
  partsQueueUrl: 'PARTWISE_PARTS_QUEUE_URL',
  /** Where the relay keeps events EventBridge refused (an SQS queue). */
  eventDeadLetterQueueUrl: 'PARTWISE_EVENT_DEAD_LETTER_QUEUE_URL',
  eventBusName: 'PARTWISE_EVENT_BUS_NAME',
  eventSource: 'PARTWISE_EVENT_SOURCE',
  defaultPartSizeBytes: 'PARTWISE_DEFAULT_PART_SIZE_BYTES',
  /** CSV/TSV files larger than this are planned by a wave of range scans (docs/scale.md); 0: never. */
  distributedPlanningBytes: 'PARTWISE_DISTRIBUTED_PLANNING_BYTES',
  eventRetentionDays: 'PARTWISE_EVENT_RETENTION_DAYS',
  /** Parts one job keeps in flight (docs/fairness.md); 0 or unset: the window is off. */
  partsInFlightPerJob: 'PARTWISE_PARTS_IN_FLIGHT_PER_JOB',
  /** Parts one environment's executing jobs keep in flight together; 0 or unset: no cap. */
  partsInFlightPerEnvironment: 'PARTWISE_PARTS_IN_FLIGHT_PER_ENVIRONMENT',
  /** Per-environment caps, a JSON object of environment id to parts. */
  environmentPartsInFlight: 'PARTWISE_ENVIRONMENT_PARTS_IN_FLIGHT',
  /** Endpoint overrides: set by the local stack only. */
  dynamodbEndpoint: 'PARTWISE_DYNAMODB_ENDPOINT',
  s3Endpoint: 'PARTWISE_S3_ENDPOINT',
  sqsEndpoint: 'PARTWISE_SQS_ENDPOINT',
  eventbridgeEndpoint: 'PARTWISE_EVENTBRIDGE_ENDPOINT',
  /** Fault injection, honoured only by the local stack's worker pool (see infra/local). */
  faults: 'PARTWISE_FAULTS',
  /** The secret that signs browser tokens (its ARN on AWS): set for the api and authorizer functions only. */
  tokenSecretId: 'PARTWISE_TOKEN_SECRET_ID',
  /** The secret API keys are stored under as HMACs (its ARN on AWS): the authorizer and admin functions only. */
  keySecretId: 'PARTWISE_KEY_SECRET_ID',
  /**
   * The port of the AWS Parameters and Secrets Lambda Extension, which reads the token
   * secret; set by the construct (and by the local stack, which serves the same protocol).
   */
  secretsExtensionPort: 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
  /** The connections table of the WebSocket API (browsers' push sockets): the push functions only. */
  connectionsTableName: 'PARTWISE_CONNECTIONS_TABLE_NAME',
  /** The WebSocket stage's `@connections` endpoint (`https://…/{stage}`): the fan-out function only. */
  pushEndpoint: 'PARTWISE_PUSH_ENDPOINT',
  /** Set by Lambda: the extension takes it as proof that the caller runs in the function. */
  awsSessionToken: 'AWS_SESSION_TOKEN',
  /** Set by Lambda: the region, and the function's credentials (the fan-out signs `@connections` calls with them). */
  awsRegion: 'AWS_REGION',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  /** Set by Lambda (`AWS_Lambda_nodejs24.x`): tracing is on only inside Lambda, as Powertools Tracer decides. */
  awsExecutionEnv: 'AWS_EXECUTION_ENV',
  /** Powertools Tracer's switch: `false` turns tracing off in Lambda too. */
  tracingEnabled: 'POWERTOOLS_TRACE_ENABLED',
} as const;

export const config = {
  get tableName() {
    return required(ENV.tableName);
  },
  get bucketName() {
    return required(ENV.bucketName);
  },
  get partsQueueUrl() {
    return required(ENV.partsQueueUrl);
  },
  get eventDeadLetterQueueUrl() {
    return required(ENV.eventDeadLetterQueueUrl);
  },
  get eventBusName() {
    return optional(ENV.eventBusName) ?? 'default';
  },
  get eventSource() {
    return optional(ENV.eventSource) ?? 'partwise';
  },
  get defaultPartSizeBytes() {
    return integer(ENV.defaultPartSizeBytes, 32 * 1024 * 1024);
  },
  get distributedPlanningBytes() {
    return integer(ENV.distributedPlanningBytes, DEFAULT_DISTRIBUTED_PLANNING_BYTES);
  },
  get eventRetentionDays() {
    return integer(ENV.eventRetentionDays, 30);
  },
  get fairness(): FairnessSettings {
    const cap = integer(ENV.partsInFlightPerEnvironment, 0);
    const caps = optional(ENV.environmentPartsInFlight);
    return {
      partsInFlightPerJob: integer(ENV.partsInFlightPerJob, 0),
      ...(cap > 0 ? { partsInFlightPerEnvironment: cap } : {}),
      ...(caps === undefined ? {} : { environmentCaps: capsFrom(caps) }),
    };
  },
  get dynamodbEndpoint() {
    return optional(ENV.dynamodbEndpoint);
  },
  get s3Endpoint() {
    return optional(ENV.s3Endpoint);
  },
  get sqsEndpoint() {
    return optional(ENV.sqsEndpoint);
  },
  get eventbridgeEndpoint() {
    return optional(ENV.eventbridgeEndpoint);
  },
  get faults() {
    return optional(ENV.faults);
  },
  get tokenSecretId() {
    return required(ENV.tokenSecretId);
  },
  get keySecretId() {
    return required(ENV.keySecretId);
  },
  get secretsExtensionPort() {
    return integer(ENV.secretsExtensionPort, 2773);
  },
  get awsSessionToken() {
    return optional(ENV.awsSessionToken);
  },
  get connectionsTableName() {
    return required(ENV.connectionsTableName);
  },
  get pushEndpoint() {
    return required(ENV.pushEndpoint);
  },
  get awsRegion() {
    return required(ENV.awsRegion);
  },
  get awsAccessKeyId() {
    return required(ENV.awsAccessKeyId);
  },
  get awsSecretAccessKey() {
    return required(ENV.awsSecretAccessKey);
  },
  /** X-Ray tracing through Powertools Tracer: inside Lambda, unless POWERTOOLS_TRACE_ENABLED is `false`. */
  get tracing() {
    return (
      optional(ENV.awsExecutionEnv) !== undefined && optional(ENV.tracingEnabled)?.toLowerCase() !== 'false'
    );
  },
};
