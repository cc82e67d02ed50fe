/**
 * The service's ten functions in one table: entry point, size, timeout and, for the ones a
 * queue or a stream drives, the event source's batch. The CDK construct
 * (infra/service-functions.ts, infra/jobs-service.ts), its props' defaults (infra/props.ts),
 * the bundler (infra/bundling.ts) and the local stack (infra/local/stack.ts) all read this
 * one, so they cannot disagree, like the table's key schema
 * (shared/adapters/dynamodb/table-schema.ts).
 *
 * Plain data on purpose (no aws-cdk-lib import): the local stack loads it without the CDK.
 * Timeouts are in seconds; the construct turns them into `Duration`s.
 */

/** Which names a function's environment holds (infra/service-functions.ts fills them in). */
export type FunctionEnvironment = 'jobs' | 'keys' | 'push' | 'none';

export interface FunctionSpec<Name extends string = string> {
  /** The entry point, `functions/<name>.ts` exporting `handler`, and the bundle's name. */
  readonly name: Name;
  /** The construct id of the function inside `JobsService`. */
  readonly id: string;
  readonly description: string;
  /** MB. The processor's is the default of the `processorMemorySize` prop. */
  readonly memorySize: number;
  /** Seconds. The processor's is the default of the `processorTimeout` prop. */
  readonly timeoutSeconds: number;
  readonly environment: FunctionEnvironment;
  /** Reads the token secret, through the Parameters and Secrets extension. */
  readonly readsTokenSecret?: boolean;
  /** Reads the key secret (API keys' HMACs), through the same extension. */
  readonly readsKeySecret?: boolean;
  /**
   * The event source mapping that drives it (an SQS queue or the table's stream): records per
   * invocation. The processor's is the default of the `processorBatchSize` prop.
   */
  readonly batchSize?: number;
  /** The most instances the event source may drive at once. @default the prop's, or no limit */
  readonly maxConcurrency?: number;
}

export const FUNCTION_SPECS = {
  // HTTP API integrations give up after 30 s. The api function mints browser tokens.
  api: {
    name: 'api',
    id: 'ApiFunction',
    description: 'partwise HTTP API',
    memorySize: 1024,
    timeoutSeconds: 29,
    environment: 'jobs',
    readsTokenSecret: true,
  },
  // A Lambda authorizer must answer within 10 s. It checks API keys' HMACs and verifies browser tokens.
  authorizer: {
    name: 'authorizer',
    id: 'AuthorizerFunction',
    description: 'partwise API key and token authorizer',
    memorySize: 512,
    timeoutSeconds: 10,
    environment: 'jobs',
    readsTokenSecret: true,
    readsKeySecret: true,
  },
  // The IAM-authorized admin routes: API keys, the table's key items and the key secret only.
  admin: {
    name: 'admin',
    id: 'AdminFunction',
    description: 'partwise admin routes (API keys)',
    memorySize: 512,
    timeoutSeconds: 29,
    environment: 'keys',
    readsKeySecret: true,
  },
  // 1769 MB is one full vCPU, which parsing and writing large files is bound by. One part
  // per invocation: a part is a large unit of work, and a batch runs its parts one after
  // another in one instance, so a job of a few large parts would wait on one instance while
  // others idle (npm run bench: typed extract of 4 parts, 27 MB/s in batches of 10, 68 MB/s
  // one by one). Jobs of many small parts gain from 10 (`processorBatchSize`): a batch's
  // finished parts of one job are counted in one write (bench:requests, batch 1 beside 10).
  processor: {
    name: 'processor',
    id: 'ProcessorFunction',
    description: 'partwise parts processor',
    memorySize: 1769,
    timeoutSeconds: 300,
    environment: 'jobs',
    batchSize: 1,
  },
  // The table's stream, 100 records per batch.
  relay: {
    name: 'relay',
    id: 'RelayFunction',
    description: 'partwise outbox relay',
    memorySize: 512,
    timeoutSeconds: 60,
    environment: 'jobs',
    batchSize: 100,
  },
  // Its queue's visibility timeout follows this timeout (infra/storage.ts).
  deadLetter: {
    name: 'dead-letter',
    id: 'DeadLetterFunction',
    description: 'partwise dead-letter handler',
    memorySize: 512,
    timeoutSeconds: 60,
    environment: 'jobs',
    batchSize: 10,
    maxConcurrency: 2,
  },
  sweeper: {
    name: 'sweeper',
    id: 'SweeperFunction',
    description: 'partwise sweeper',
    memorySize: 512,
    timeoutSeconds: 300,
    environment: 'jobs',
  },
  // The $connect authorizer: a token and the secret, no table.
  pushAuthorizer: {
    name: 'push-authorizer',
    id: 'PushAuthorizerFunction',
    description: 'partwise push socket $connect authorizer',
    memorySize: 512,
    timeoutSeconds: 10,
    environment: 'none',
    readsTokenSecret: true,
  },
  // $connect and $disconnect: one write each.
  pushConnections: {
    name: 'push-connections',
    id: 'PushConnectionsFunction',
    description: 'partwise push socket $connect and $disconnect',
    memorySize: 256,
    timeoutSeconds: 10,
    environment: 'push',
  },
  pushFanOut: {
    name: 'push-fan-out',
    id: 'PushFanOutFunction',
    description: 'partwise push of job events to browsers',
    memorySize: 512,
    timeoutSeconds: 30,
    environment: 'push',
  },
} as const satisfies Record<string, FunctionSpec>;

/** A function by its key in `JobsService` (`deadLetter`, `pushFanOut`…). */
export type FunctionKey = keyof typeof FUNCTION_SPECS;
/** A function by its entry point's name (`dead-letter`, `push-fan-out`…). */
export type FunctionName = (typeof FUNCTION_SPECS)[FunctionKey]['name'];

export const FUNCTION_KEYS = Object.keys(FUNCTION_SPECS) as FunctionKey[];
export const FUNCTION_NAMES: readonly FunctionName[] = FUNCTION_KEYS.map((key) => FUNCTION_SPECS[key].name);

/** `functions/<name>.ts`, relative to the package's root. */
export function functionEntryPath(name: FunctionName): string {
  return `functions/${name}.ts`;
}
