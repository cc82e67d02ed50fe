import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DEFAULT_DISTRIBUTED_PLANNING_BYTES } from '../shared/config.js';
import { defaultPartsInFlightPerJob } from '../shared/domain/fairness.js';
import { JobsServicePropsError } from './errors.js';
import { FUNCTION_SPECS } from './function-specs.js';
import { validateJobsServiceProps } from './props-validation.js';

/** Log levels understood by Powertools for AWS Lambda (`POWERTOOLS_LOG_LEVEL`). */
export type PowertoolsLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

export interface JobsServiceCustomDomain {
  /** The host name the API answers on, e.g. `jobs.example.com`. */
  readonly domainName: string;
  /** An ACM certificate for `domainName`, in the stack's region. */
  readonly certificate: ICertificate;
}

export interface JobsServiceThrottle {
  /** Steady-state requests per second for the whole API. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the steady rate. */
  readonly burstLimit: number;
}

/** The page (web/) as a static site: a private S3 bucket behind CloudFront. */
export interface JobsServiceWebApp {
  /**
   * Serve the page on your own domain. CloudFront takes certificates from us-east-1 only,
   * whatever the stack's region.
   * @default - the distribution's `*.cloudfront.net` name
   */
  readonly customDomain?: JobsServiceCustomDomain;

  /**
   * Which CloudFront edge locations serve the page.
   * @default PriceClass.PRICE_CLASS_100 (North America and Europe)
   */
  readonly priceClass?: PriceClass;
}

export interface JobsServiceProps {
  /**
   * An existing EventBridge bus to publish job events on (e.g. your organisation's
   * application bus). The construct only adds an archive and PutEvents permissions.
   * @default - a new bus owned by the construct
   */
  readonly eventBus?: IEventBus;

  /**
   * The `source` of every job event. Must not start with `aws.` (reserved by AWS).
   * @default 'partwise'
   */
  readonly eventSource?: string;

  /**
   * How long the bus archive keeps events for replay.
   * @default Duration.days(365)
   */
  readonly eventArchiveRetention?: Duration;

  /**
   * How long job events stay readable in the `GET /events` feed (DynamoDB TTL on the
   * event items).
   * @default Duration.days(30)
   */
  readonly eventRetention?: Duration;

  /**
   * Memory of the processor function, in MB. 1769 MB is one full vCPU, which is what
   * parsing and writing large files is bound by.
   * @default 1769
   */
  readonly processorMemorySize?: number;

  /**
   * Timeout of the processor function: one part must fit in it. The parts queue's
   * visibility timeout is set to six times this value, as AWS recommends for SQS sources.
   * @default Duration.minutes(5)
   */
  readonly processorTimeout?: Duration;

  /**
   * How many processor instances the parts queue may drive at once (2 to 1000). This is the
   * throttle that protects the table and downstream systems from a job of 100,000 parts.
   * A job runs on at most its window of them (`partsInFlightPerJob`, by default half): the
   * rest are free for other jobs' messages.
   * @default 40
   */
  readonly processorMaxConcurrency?: number;

  /**
   * Parts queue messages per processor invocation (1 to 10), with partial batch failures
   * (ReportBatchItemFailures). A batch's parts run one after another in one instance, its
   * finished parts of one job are counted in one write and share one read of the job: 10
   * divides the job-item writes by ten. Throughput is bounded by `processorMaxConcurrency`
   * either way; choose 1 when most jobs have fewer parts than concurrency × 10 and each
   * part is long (a 20-part job of 32 MiB parts may then run on 2 instances instead of 20).
   * Parts are large units of work by design (`defaultPartSizeBytes`), so the default is 1;
   * 10 suits a workload of many small parts.
   * @default 1
   */
  readonly processorBatchSize?: number;

  /**
   * Parts one job keeps in flight (queued or running) at a time; it sends more as they
   * finish, so the one parts queue interleaves the parts of every executing job and a small
   * job is not stuck behind a large one's thousands (docs/fairness.md). A job's `priority`
   * scales it (`high` ×2, `low` ×½). It must stay below `processorMaxConcurrency`: the
   * processors a large job's window leaves free are where other jobs' messages run at once
   * instead of waiting for a large part to finish. A job alone therefore uses its window's
   * worth of processors, not all of them. 0 turns the window off: a job sends all its parts
   * at once, 1,000 per dispatch step, as before.
   * @default half of `processorMaxConcurrency` (20 for its default of 40)
   */
  readonly partsInFlightPerJob?: number;

  /**
   * Parts all executing jobs of one environment keep in flight together: a cap that keeps
   * one tenant from filling the queue with many jobs at once. Needs `partsInFlightPerJob`.
   * A job with nothing in flight may always send one part, so the cap can be passed by one
   * part per such job (docs/fairness.md). 0: no cap.
   * @default 0
   */
  readonly partsInFlightPerEnvironment?: number;

  /**
   * Caps for some environments, by environment id, in place of `partsInFlightPerEnvironment`
   * (e.g. `{ env_bulk: 20 }` for a tenant that runs large extracts).
   * @default {}
   */
  readonly environmentPartsInFlight?: Readonly<Record<string, number>>;

  /**
   * Default size of a byte-range part when a job's config does not choose one.
   * @default 33554432 (32 MiB)
   */
  readonly defaultPartSizeBytes?: number;

  /**
   * CSV and TSV files larger than this are planned by a wave of range scans, one processor
   * invocation per part's span, composed by the last (docs/scale.md, "Distributed planning"),
   * instead of by one invocation that reads the whole file. Smaller files keep the one-function
   * plan, which has no queue hops. 0: every file is planned in one function.
   * @default 1073741824 (1 GiB)
   */
  readonly distributedPlanningBytes?: number;

  /**
   * What happens to the table, the bucket and the log groups when the construct is
   * removed from the stack. Keep `RETAIN` for production data.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A customer managed KMS key to encrypt the data at rest with: the bucket (with an S3
   * bucket key), the jobs and connections tables, the queues, the event bus and its archive
   * (when the construct creates the bus) and the log groups. Every function gets
   * `kms:Decrypt` on it, and `kms:Encrypt`/`kms:GenerateDataKey` where it writes. The key's
   * policy must let CloudWatch Logs and EventBridge use it: the construct adds that to a key
   * of the same stack; the owner of an imported key adds it (docs/deploy.md).
   * @default - AWS managed encryption: SSE-S3, the DynamoDB and SQS managed keys, EventBridge's and CloudWatch Logs' own
   */
  readonly encryptionKey?: IKey;

  /**
   * Keep the earlier versions of the bucket's objects (S3 versioning), so an object
   * overwritten or deleted by mistake can be recovered for `noncurrentVersionRetention`.
   * @default false
   */
  readonly bucketVersioning?: boolean;

  /**
   * With `bucketVersioning`: how long an object's earlier version is kept once it stops
   * being current (overwritten, deleted, or expired as a temporary object); then S3 deletes
   * it, so partwise's cleanups still free the space. Whole days.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;

  /**
   * How long objects under the bucket's `tmp/` prefix live, and how long an unfinished
   * multipart upload is kept before S3 aborts it.
   * @default Duration.days(7)
   */
  readonly temporaryObjectRetention?: Duration;

  /**
   * Retention of every log group the construct creates (functions, API access logs).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * `POWERTOOLS_LOG_LEVEL` of every function.
   * @default 'INFO'
   */
  readonly logLevel?: PowertoolsLogLevel;

  /**
   * The CloudWatch namespace of the service's own metrics (jobs, parts, relay lag, queue age;
   * docs/operations.md), written as EMF by every function.
   * @default 'partwise'
   */
  readonly metricsNamespace?: string;

  /**
   * Add a CloudWatch dashboard of the service (docs/operations.md lists its widgets). A
   * dashboard is billed per month beyond the account's free ones.
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * The age of the parts queue's oldest message that alarms (for 15 minutes). A part waits
   * while `processorMaxConcurrency` instances are busy, and a failing one comes back after
   * the visibility timeout (six times `processorTimeout`): raise it if your jobs' parts
   * outnumber the concurrency by far.
   * @default Duration.hours(1)
   */
  readonly partsQueueAgeAlarmThreshold?: Duration;

  /**
   * A topic that receives alarm and OK notifications (DLQ depth, function errors and
   * throttles).
   * @default - the alarms exist but notify nobody
   */
  readonly alarmTopic?: ITopic;

  /**
   * Serve the API on your own domain as well as its execute-api endpoint.
   * @default - the execute-api endpoint only
   */
  readonly customDomain?: JobsServiceCustomDomain;

  /**
   * Browser origins allowed to call the API and to PUT to presigned upload URLs, e.g.
   * `['https://app.example.com']`. `'*'` is acceptable because every request carries its
   * own credential (a bearer key or a presigned signature), never a cookie.
   * @default ['*']
   */
  readonly corsOrigins?: string[];

  /**
   * Throttling of the API's default stage.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly apiThrottle?: JobsServiceThrottle;

  /**
   * How long API Gateway caches the authorizer's answer for one `Authorization` header:
   * how long a revoked API key may keep working (docs/auth.md). An expiry, and the end of a
   * rotation's overlap, are checked on every request whatever the cache holds.
   * `Duration.seconds(0)` turns the cache off (a revoked key then stops working at once,
   * and every request runs the authorizer).
   * @default Duration.seconds(30)
   */
  readonly authorizerCacheTtl?: Duration;

  /**
   * How often the sweeper looks for stuck parts, stuck jobs and unrelayed events.
   * @default Duration.minutes(5)
   */
  readonly sweepInterval?: Duration;

  /**
   * Deploy the page (web/: upload, extract, live progress, records) as a static site, with a
   * `config.json` pointing it at this API and its push socket. `true` for the defaults. The
   * site's origin is added to `corsOrigins` (unless they are `['*']`). The page gets its
   * browser token in its URL's fragment (`#token=`) from the application that opens it.
   * @default false
   */
  readonly webApp?: boolean | JobsServiceWebApp;

  /**
   * Access logs of the push socket's WebSocket stage. API Gateway writes a WebSocket API's
   * logs only once the account's API Gateway CloudWatch role is set (an account-wide
   * setting the construct does not change): turn this on where it is. The connect function
   * logs every connection it keeps either way.
   * @default false
   */
  readonly pushAccessLogs?: boolean;

  /**
   * Bundle the AWS SDK into each function instead of using the one the Lambda runtime
   * provides. Bundling pins the SDK version you tested with; leaving it out keeps the
   * bundles small (the api function stays under 400 KB) and cold starts short.
   * @default false
   */
  readonly bundleAwsSdk?: boolean;
}

/** The props with every default filled in. */
export type ResolvedJobsServiceProps = Required<
  Omit<JobsServiceProps, OptionalProps | 'webApp' | 'noncurrentVersionRetention'>
> &
  Pick<JobsServiceProps, OptionalProps> & {
    /** Given only with `bucketVersioning` (validated), else undefined. */
    noncurrentVersionRetention?: Duration;
    /** The site's settings, or undefined for no site. */
    webApp?: JobsServiceWebApp;
  };

/** Props that stay undefined when not given: nothing stands in for them. */
type OptionalProps = 'eventBus' | 'alarmTopic' | 'customDomain' | 'encryptionKey';

/** How long earlier versions of objects stay, with `bucketVersioning` and no `noncurrentVersionRetention`. */
export const DEFAULT_NONCURRENT_VERSION_RETENTION = Duration.days(30);

/** Twice a large job's window: a job alone runs on 20 processors, and 20 stay free for other jobs. */
const DEFAULT_PROCESSOR_MAX_CONCURRENCY = 40;

export const JOBS_SERVICE_DEFAULTS = {
  eventSource: 'partwise',
  eventArchiveRetention: Duration.days(365),
  eventRetention: Duration.days(30),
  processorMemorySize: FUNCTION_SPECS.processor.memorySize,
  processorTimeout: Duration.seconds(FUNCTION_SPECS.processor.timeoutSeconds),
  processorMaxConcurrency: DEFAULT_PROCESSOR_MAX_CONCURRENCY,
  processorBatchSize: FUNCTION_SPECS.processor.batchSize,
  defaultPartSizeBytes: 32 * 1024 * 1024,
  // Follows the processorMaxConcurrency given (resolveJobsServiceProps); this is the default's.
  partsInFlightPerJob: defaultPartsInFlightPerJob(DEFAULT_PROCESSOR_MAX_CONCURRENCY),
  distributedPlanningBytes: DEFAULT_DISTRIBUTED_PLANNING_BYTES,
  partsInFlightPerEnvironment: 0,
  environmentPartsInFlight: {},
  removalPolicy: RemovalPolicy.RETAIN,
  temporaryObjectRetention: Duration.days(7),
  logRetention: RetentionDays.ONE_MONTH,
  logLevel: 'INFO',
  corsOrigins: ['*'],
  apiThrottle: { rateLimit: 100, burstLimit: 200 },
  authorizerCacheTtl: Duration.seconds(30),
  sweepInterval: Duration.minutes(5),
  pushAccessLogs: false,
  bundleAwsSdk: false,
  bucketVersioning: false,
  metricsNamespace: 'partwise',
  dashboard: true,
  partsQueueAgeAlarmThreshold: Duration.hours(1),
} as const satisfies Omit<ResolvedJobsServiceProps, OptionalProps | 'webApp' | 'noncurrentVersionRetention'>;

/** Fills in the defaults and checks everything at once; throws one error listing every problem. */
export function resolveJobsServiceProps(props: JobsServiceProps = {}): ResolvedJobsServiceProps {
  const { webApp, ...rest } = props;
  const resolved: ResolvedJobsServiceProps = {
    ...JOBS_SERVICE_DEFAULTS,
    corsOrigins: [...JOBS_SERVICE_DEFAULTS.corsOrigins],
    ...withoutUndefined(rest),
    partsInFlightPerJob: rest.partsInFlightPerJob ?? windowFor(rest.processorMaxConcurrency),
    ...(webApp ? { webApp: webApp === true ? {} : webApp } : {}),
  };
  const problems = validateJobsServiceProps(resolved);
  if (problems.length > 0) throw new JobsServicePropsError(problems);
  return resolved;
}

/**
 * The window of a service whose `partsInFlightPerJob` is not given: half the processors'
 * concurrency (docs/fairness.md). A concurrency known only at deploy time (a token) leaves
 * the default concurrency's window, which the validation cannot hold to it.
 */
function windowFor(concurrency: number | undefined): number {
  if (concurrency === undefined || Token.isUnresolved(concurrency))
    return JOBS_SERVICE_DEFAULTS.partsInFlightPerJob;
  return defaultPartsInFlightPerJob(concurrency);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
