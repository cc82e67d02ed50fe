/**
 * The local stack (DESIGN §7): the emulated AWS services, the resources the CDK construct
 * would create, and the same handlers wired the way AWS wires them. One per process: the
 * handlers configure themselves from `process.env` when first imported.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { writeStackFile } from '../../shared/cli/local-stack.js';
import { config, ENV } from '../../shared/config.js';
import { API_KEY_LIMITS, hashApiKey, keyIdOf, newApiKey, prefixOf } from '../../shared/domain/api-keys.js';
import { FUNCTION_SPECS, type FunctionKey, functionEntryPath } from '../function-specs.js';
import { startApiGateway } from './api-gateway.js';
import { localClients } from './clients.js';
import { startEmulators } from './emulators.js';
import { startEventDeadLetterKeeper } from './event-dead-letters.js';
import { startSqsEventSource } from './event-source.js';
import { armCrash, type LocalFaults, parseFaults, seededRandom } from './faults.js';
import { NAMES, setEnvironment, setHandlerEnvironment } from './handler-environment.js';
import { type FunctionOptions, inProcessFunction } from './lambda.js';
import { consoleLogger, type Logger } from './logger.js';
import { provision } from './provision.js';
import { startRelayPoller } from './relay-poller.js';
import { startSchedule } from './schedule.js';
import { ADMIN_KEY_FILE, resolveSecretFile, startLocalSecrets } from './secrets-extension.js';
import { startTtlReaper } from './ttl-reaper.js';
import { localSite } from './web-site.js';
import { parseWebhooks, startLocalWebhooks, type WebhookConfig, type WebhookSummary } from './webhooks.js';
import { WorkerPool } from './worker-pool.js';

/** The functions the local stack runs (the push functions' work is done by its own socket). */
export type HandlerName = Extract<
  FunctionKey,
  'api' | 'authorizer' | 'admin' | 'processor' | 'deadLetter' | 'relay' | 'sweeper'
>;

export interface LocalStackOptions {
  /** @default PORT, else 3000; 0 picks a free port */
  port?: number;
  /** @default PARTWISE_DATA_DIR, else `.partwise/` in the working directory */
  dataDir?: string;
  /** @default PARTWISE_API_KEY, else the key saved in `<dataDir>/api-key`, else a new one */
  apiKey?: string;
  /** What the admin routes take instead of IAM. @default the key saved in `<dataDir>/admin-key`, else a new one */
  adminKey?: string;
  /** How long the gateway reuses an authorizer's answer, as `authorizerCacheTtl` on AWS. @default PARTWISE_LOCAL_AUTHORIZER_CACHE_SECONDS, else 30 */
  authorizerCacheSeconds?: number;
  /**
   * Processor worker threads: the processor's concurrency, as the construct's
   * `processorMaxConcurrency`. @default PARTWISE_LOCAL_WORKERS, else one per core (so that
   * no two instances share a core, as Lambda's do not)
   */
  workers?: number;
  /**
   * Parts queue messages per processor invocation, as the construct's `processorBatchSize`.
   * @default PARTWISE_LOCAL_PROCESSOR_BATCH_SIZE, else the construct's default (1)
   */
  processorBatchSize?: number;
  /** @default PARTWISE_LOCAL_VISIBILITY_TIMEOUT, else 30 */
  visibilityTimeoutSeconds?: number;
  /** @default parsed from PARTWISE_FAULTS */
  faults?: LocalFaults;
  /** @default 30 */
  sweepEverySeconds?: number;
  /** How long work may stay unchanged before a sweep sends it again. @default the sweeper's (900) */
  staleAfterSeconds?: number;
  /** Where to POST bus events. @default parsed from PARTWISE_WEBHOOKS (see webhooks.ts) */
  webhooks?: WebhookConfig[];
  /** Signs webhooks without their own secret. @default PARTWISE_WEBHOOK_SECRET, else `<dataDir>/webhook-secret` */
  webhookSecret?: string;
  /**
   * Parts one job keeps in flight (docs/fairness.md); 0 turns the window off.
   * @default PARTWISE_PARTS_IN_FLIGHT_PER_JOB, else twice what the workers take at once: 2 × workers × processorBatchSize
   * (not the construct's half of the processors: `localPartsInFlightPerJob` says why)
   */
  partsInFlightPerJob?: number;
  /** Handler modules to run instead of `functions/*.ts` (tests). */
  handlers?: Partial<Record<HandlerName, string | URL>>;
  log?: Logger;
}

export interface LocalStack {
  url: string;
  apiKey: string;
  /** The admin routes' credential on this stack (`Authorization: Bearer <admin key>`). */
  adminKey: string;
  dataDir: string;
  /** Requests the emulated AWS services served so far, by service and operation. */
  requestCounts(): import('./emulators.js').RequestCounts;
  /** Milliseconds the emulated AWS services took to answer them, by the same keys (emulators.ts). */
  requestMilliseconds(): import('./emulators.js').RequestCounts;
  /** Present when webhooks are configured. */
  webhooks?: WebhookSummary;
  stop(): Promise<void>;
}

/** The environment of the local API key. */
const DEV_ENVIRONMENT_ID = 'env_dev';

function numberFrom(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer: "${raw}"`);
  return value;
}

/**
 * The dev environment's key: the one given (option, PARTWISE_API_KEY), else the one saved
 * in `<dataDir>/api-key`, else a new one, saved. Registered every start (docs/auth.md,
 * "The local dev key"): a key of today's shape with its HMAC (unless it is stored already,
 * revoked perhaps), any other string as a legacy key (SHA-256), as a deployment keeps them.
 */
async function registerDevKey(option: string | undefined, dataDir: string): Promise<string> {
  const file = resolve(dataDir, 'api-key');
  const given =
    option ||
    process.env.PARTWISE_API_KEY ||
    (await readFile(file, 'utf8').then(
      (text) => text.trim(),
      () => '',
    ));
  const key = given || newApiKey().key;
  if (!given) await writeFile(file, `${key}\n`, { mode: 0o600 });
  await registerKey(key, DEV_ENVIRONMENT_ID, 'local development');
  return key;
}

/**
 * A key the local stack holds in plain text, registered for `environmentId`. The dev key may
 * make as many requests a minute as any key can: tests and benchmarks poll with it.
 */
async function registerKey(key: string, environmentId: string, name: string): Promise<void> {
  const { dynamoApiKeyStore, putLegacyApiKey } = await import('../../shared/adapters/dynamodb/keys.js');
  const createdAt = new Date().toISOString();
  const id = keyIdOf(key);
  if (id === undefined) return putLegacyApiKey(key, { environmentId, name, createdAt });
  if (await dynamoApiKeyStore.get(id)) return;
  const { extensionKeySecret } = await import('../../shared/adapters/secrets-manager/token-secret.js');
  await dynamoApiKeyStore.create({
    id,
    environmentId,
    name,
    prefix: prefixOf(id),
    hash: hashApiKey(await extensionKeySecret().key(), key),
    rateLimitPerMinute: API_KEY_LIMITS.maxRateLimitPerMinute,
    createdAt,
  });
}

/**
 * The local stack's window: twice what its workers take at once. Not the construct's rule
 * (half the processors, shared/domain/fairness.ts): on a fixed pool of one worker per core
 * that would run a job alone on half the machine, and the local stack serves one developer's
 * jobs (docs/fairness.md; PARTWISE_PARTS_IN_FLIGHT_PER_JOB sets another). A window no larger than one batch would starve the
 * workers: one poller's batch takes the whole window, and the other workers wait for the
 * top-up that comes when that batch is counted, at its end.
 */
export function localPartsInFlightPerJob(workers: number, processorBatchSize: number): number {
  return 2 * Math.max(1, workers) * Math.max(1, processorBatchSize);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? consoleLogger();
  const dataDir = resolve(options.dataDir ?? process.env.PARTWISE_DATA_DIR ?? '.partwise');
  const port = options.port ?? numberFrom('PORT') ?? 3000;
  const workers = options.workers ?? numberFrom('PARTWISE_LOCAL_WORKERS') ?? availableParallelism();
  const visibilityTimeoutSeconds =
    options.visibilityTimeoutSeconds ?? numberFrom('PARTWISE_LOCAL_VISIBILITY_TIMEOUT') ?? 30;
  const faults = options.faults ?? parseFaults(config.faults);
  // Work unchanged this long is sent again, and counts towards the watchdog (the sweeper's default: 900).
  const staleAfterSeconds = options.staleAfterSeconds ?? numberFrom('PARTWISE_LOCAL_STALE_AFTER_SECONDS');
  const maxReceiveCount = numberFrom('PARTWISE_LOCAL_MAX_RECEIVES');
  const processorBatchSize =
    options.processorBatchSize ??
    numberFrom('PARTWISE_LOCAL_PROCESSOR_BATCH_SIZE') ??
    FUNCTION_SPECS.processor.batchSize;
  const partsInFlightPerJob =
    options.partsInFlightPerJob ??
    numberFrom(ENV.partsInFlightPerJob) ??
    localPartsInFlightPerJob(workers, processorBatchSize);
  const webhookConfigs = options.webhooks ?? parseWebhooks(process.env.PARTWISE_WEBHOOKS);
  const handler = (name: HandlerName): FunctionOptions => ({
    functionName: `partwise-${name}`,
    handlerModule:
      options.handlers?.[name] ??
      new URL(`../../${functionEntryPath(FUNCTION_SPECS[name].name)}`, import.meta.url),
    // As the construct sets them (the processor's: the processorTimeout default).
    timeoutSeconds: FUNCTION_SPECS[name].timeoutSeconds,
  });

  // Everything started is stopped in reverse order, on stop() or when a later step fails.
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.splice(0).reverse()) {
      await stopOne().catch((error: unknown) => log.error('stopping failed', { error: String(error) }));
    }
  };
  try {
    await mkdir(dataDir, { recursive: true });
    const emulators = await startEmulators(dataDir, log);
    stoppers.push(() => emulators.stop());
    // Subscribed before anything publishes; stopped just before the bus.
    const webhooks = webhookConfigs.length
      ? await startLocalWebhooks({
          bus: emulators.bus,
          webhooks: webhookConfigs,
          dataDir,
          secret: options.webhookSecret ?? process.env.PARTWISE_WEBHOOK_SECRET,
          log,
        })
      : undefined;
    if (webhooks) stoppers.push(() => webhooks.stop());
    const clients = localClients(emulators);
    stoppers.push(async () => clients.destroy());
    const resources = await provision(clients, {
      tableName: NAMES.table,
      bucketName: NAMES.bucket,
      queueName: NAMES.queue,
      deadLetterQueueName: NAMES.deadLetterQueue,
      eventDeadLetterQueueName: NAMES.eventDeadLetterQueue,
      visibilityTimeoutSeconds,
      // The construct's redrive is 5 receives; a chaos run that crashes invocations on
      // purpose raises it, so that injected crashes alone do not send work to the DLQ.
      ...(maxReceiveCount === undefined ? {} : { maxReceiveCount }),
      log,
    });
    stoppers.push(
      setHandlerEnvironment(
        {
          [ENV.dynamodbEndpoint]: emulators.dynamodbEndpoint,
          [ENV.s3Endpoint]: emulators.s3Endpoint,
          [ENV.sqsEndpoint]: emulators.sqsEndpoint,
          [ENV.eventbridgeEndpoint]: emulators.eventbridgeEndpoint,
        },
        resources,
        faults,
        partsInFlightPerJob,
      ),
    );
    // The token and key secrets, kept in the data dir, read by the handlers as on AWS (secrets-extension.ts).
    const secrets = await startLocalSecrets(dataDir);
    stoppers.push(() => secrets.stop());
    stoppers.push(setEnvironment(secrets.environment));

    const apiKey = await registerDevKey(options.apiKey, dataDir);
    // More tenants, to try environment isolation: PARTWISE_LOCAL_API_KEYS='{"<key>":"env_other"}'.
    for (const [key, environmentId] of Object.entries(extraApiKeys())) {
      await registerKey(key, environmentId, 'local extra');
    }
    // What stands in for IAM on the admin routes (api-gateway.ts): a key of its own, in the data dir.
    const adminKey = options.adminKey ?? (await resolveSecretFile(dataDir, ADMIN_KEY_FILE));

    // The SQS event source mappings: processor on the parts queue, dead-letter on its DLQ,
    // with the batch sizes the CDK construct sets (the processor's: processorBatchSize's default).
    const crashOnce = armCrash(faults);
    const seed = faults.seed ?? 1;
    armInProcessCrashes(faults, seed);
    for (const [name, queue, size, batchSize, seedOffset] of [
      ['processor', resources.partsQueue, Math.max(1, workers), processorBatchSize, 1000],
      ['deadLetter', resources.deadLetterQueue, 1, FUNCTION_SPECS.deadLetter.batchSize, 2000],
    ] as const) {
      const failAlways = name === 'processor' ? faults.failAlways : undefined;
      const pool = await WorkerPool.start({
        ...handler(name),
        size,
        crashOnce,
        ...(failAlways ? { failAlways } : {}),
        ...(name === 'processor' && faults.failParts ? { failParts: faults.failParts } : {}),
        ...(name === 'processor' && faults.slowPartsMs ? { slowPartsMs: faults.slowPartsMs } : {}),
        ...(faults.crashRate ? { randomCrash: { rate: faults.crashRate, seed: seed + seedOffset } } : {}),
        log,
      });
      const source = startSqsEventSource({
        sqs: clients.sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        target: pool,
        name: `partwise-${name}`,
        concurrency: size,
        batchSize,
        duplicateDelivery: faults.duplicateDelivery === true,
        ...(faults.loseMessages ? { loseMessages: faults.loseMessages } : {}),
        ...(faults.duplicateRate ? { duplicateRate: faults.duplicateRate, seed: seed + seedOffset + 1 } : {}),
        log,
      });
      stoppers.push(() => Promise.all([source.stop(), pool.stop()]));
    }

    // The backstop of the relay after each commit (as the table stream is on AWS): it takes
    // what a commit's own relay left, a crash or a failed send, 5 s or so later. Sooner, on
    // a loaded machine, it would race commits' own relays and publish their events twice.
    const relay = startRelayPoller({
      dynamodb: clients.dynamodb,
      tableName: NAMES.table,
      intervalMs: 500,
      graceMs: 5000,
      relay: await inProcessFunction(handler('relay')),
      // The stream event source's batch, as the construct sets it.
      batchSize: FUNCTION_SPECS.relay.batchSize,
      log,
    });
    stoppers.push(() => relay.stop());
    // Events EventBridge refused: in AWS an alarmed queue; here a file and an error line.
    const deadLetters = startEventDeadLetterKeeper({
      sqs: clients.sqs,
      queueUrl: resources.eventDeadLetterQueue.url,
      path: resolve(dataDir, 'event-dead-letters.jsonl'),
      log,
    });
    stoppers.push(() => deadLetters.stop());
    const ttl = startTtlReaper({ dynamodb: clients.dynamodb, tableName: NAMES.table, log });
    stoppers.push(() => ttl.stop());
    const sweeper = startSchedule({
      target: await inProcessFunction(handler('sweeper')),
      ruleName: 'partwise-sweeper',
      everySeconds: options.sweepEverySeconds ?? numberFrom('PARTWISE_LOCAL_SWEEP_SECONDS') ?? 30,
      // The queue is in memory: a restart lost its messages, so every unfinished job's work goes again.
      firstEvent: { detail: { staleAfterSeconds: 0, queueLost: true } },
      ...(staleAfterSeconds === undefined ? {} : { detail: { staleAfterSeconds } }),
      log,
    });
    stoppers.push(() => sweeper.stop());

    const gateway = await startApiGateway({
      api: await inProcessFunction(handler('api')),
      authorizer: await inProcessFunction(handler('authorizer')),
      admin: { function: await inProcessFunction(handler('admin')), key: adminKey },
      authorizerCacheSeconds:
        options.authorizerCacheSeconds ?? numberFrom('PARTWISE_LOCAL_AUTHORIZER_CACHE_SECONDS') ?? 30,
      bus: emulators.bus,
      site: localSite(),
      port,
      // The page this stack serves gets tokens of the dev environment without the key (docs/auth.md).
      localTokens: { environmentId: DEV_ENVIRONMENT_ID },
      log,
    });
    stoppers.push(() => gateway.stop());
    // For the CLI to find this stack by itself (shared/cli/local-stack.ts).
    stoppers.push(await writeStackFile(dataDir, { url: gateway.url, apiKey, adminKey, pid: process.pid }));
    return {
      url: gateway.url,
      apiKey,
      adminKey,
      dataDir,
      requestCounts: () => emulators.requestCounts(),
      requestMilliseconds: () => emulators.requestMilliseconds(),
      ...(webhooks ? { webhooks: webhooks.summary } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function extraApiKeys(): Record<string, string> {
  const raw = process.env.PARTWISE_LOCAL_API_KEYS;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.entries(parsed).every(
      ([key, env]) => key.length >= 8 && typeof env === 'string' && /^env_\w+$/.test(env),
    );
  if (!valid) {
    throw new Error(
      'PARTWISE_LOCAL_API_KEYS must be a JSON object of API keys (8+ characters) to environment ids (env_…).',
    );
  }
  return parsed as Record<string, string>;
}

/**
 * Chaos for the functions this thread runs itself (the relay, the sweeper): at a fault point
 * the invocation dies with probability `crashRate`. A thread that also serves the API cannot
 * exit, so it throws instead: the invocation fails with nothing after the point done, which
 * is what a Lambda instance dying there leaves behind.
 */
function armInProcessCrashes(faults: LocalFaults, seed: number): void {
  const rate = faults.crashRate;
  if (!rate) return;
  const draw = seededRandom(seed);
  globalThis.__partwiseFaultPoint = (name) => {
    if (draw() < rate) throw new Error(`injected crash at fault point "${name}" (crashRate ${rate})`);
  };
}
