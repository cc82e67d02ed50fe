/**
 * The emulated AWS services, each an HTTP server on 127.0.0.1 (loopback only: nothing of
 * the local stack answers another machine) and a free port: dynalite (DynamoDB, LevelDB on
 * disk; dynalite-indexes.ts repairs the indexes a killed run left), s3rver (S3, files on
 * disk), fauxqs (SQS, in memory: the sweeper re-enqueues unfinished work after a restart)
 * and the local EventBridge (event-bus.ts, a JSONL log on disk). S3 keeps its port across
 * restarts (startS3).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import S3rver from 's3rver';
import { markDynaliteClosed, openDynaliteDirectory } from './dynalite-indexes.js';
import { LocalEventBus, startEventBridgeEmulator } from './event-bus.js';
import { type Logger, silentLogger } from './logger.js';
import { cacheS3rverBuckets } from './s3rver-buckets.js';
import { enforceS3Conditions } from './s3rver-conditions.js';
import { checkPresignedSignatures } from './s3rver-signatures.js';
import { makeS3rverWritesAtomic } from './s3rver-writes.js';

export interface Emulators {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  sqsEndpoint: string;
  eventbridgeEndpoint: string;
  bus: LocalEventBus;
  /** Requests served so far, by service and operation. */
  requestCounts(): RequestCounts;
  /**
   * Milliseconds the emulators took to answer those requests, by the same keys: from the
   * request's arrival to its response's end, waits on this thread's event loop included
   * (and a long poll's wait for messages).
   */
  requestMilliseconds(): RequestCounts;
  /** Stops every server; dynalite closes its LevelDB cleanly. */
  stop(): Promise<void>;
}

interface Running {
  endpoint: string;
  /** The HTTP server, for counting requests. */
  server: Server;
  stop(): Promise<void>;
}

/**
 * Requests each emulator served, by service and operation (`dynamodb:UpdateItem`,
 * `sqs:SendMessageBatch`, `s3:PUT`): the figures behind "requests per part" (or, from
 * `requestMilliseconds`, the time spent answering them).
 */
export type RequestCounts = Record<string, number>;

/** The user agent suffix of the local stack's own SDK clients. */
export const LOCAL_USER_AGENT = 'partwise-local-stack';

function countRequests(
  server: Server,
  service: string,
  counts: RequestCounts,
  milliseconds: RequestCounts,
): void {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const arrived = performance.now();
    const target = request.headers['x-amz-target'];
    const operation =
      typeof target === 'string' ? (target.split('.').pop() ?? target) : (request.method ?? '?');
    // The local stack's own clients (event source polling, relay polling, provisioning)
    // identify themselves, so the handlers' requests can be told from the emulation's.
    const agent = String(request.headers['x-amz-user-agent'] ?? request.headers['user-agent'] ?? '');
    const key = `${agent.includes(LOCAL_USER_AGENT) ? 'local:' : ''}${service}:${operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
    // 'close' comes after the response ended, or when its connection went first.
    response.once('close', () => {
      milliseconds[key] = (milliseconds[key] ?? 0) + (performance.now() - arrived);
    });
  });
}

async function startDynamo(directory: string, log: Logger): Promise<Running> {
  // A killed run can leave index entries lost (dynalite-indexes.ts): repaired before opening.
  const { killed, repair } = await openDynaliteDirectory(directory);
  if (repair && (killed || repair.restored + repair.removed > 0))
    log.warn(
      `${killed ? 'the local DynamoDB was not closed cleanly the last time; ' : ''}its indexes were checked against its items (entries put back: ${repair.restored}, removed: ${repair.removed})`,
    );
  // Tables are ACTIVE at once: nothing waits for a CREATING state that only mimics AWS's delay.
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    stop: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await markDynaliteClosed(directory);
    },
  };
}

/** The only credentials s3rver knows (its built-in account); dynalite and fauxqs accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Where the local S3's port is kept between runs on one data directory. */
export const S3_PORT_FILE = 's3-port';

/** Whether a port of 127.0.0.1 can be listened on now. */
async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function rememberedPort(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const port = Number(text?.trim());
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : undefined;
}

/**
 * s3rver on the port it had the last time it ran on this data directory: a presigned URL
 * (an `uploadUrl`, a download) names the port, and must work for as long as it says, a
 * restart of the stack included. A port taken meanwhile by something else: a free one, with
 * a warning (URLs given out before the restart then fail). s3rver's own `listen` cannot
 * report a busy port (the error is an unhandled 'error' event), hence the probe just before.
 */
async function startS3(directory: string, portFile: string, log: Logger): Promise<Running> {
  const remembered = await rememberedPort(portFile);
  let port = 0;
  if (remembered !== undefined) {
    if (await portIsFree(remembered)) port = remembered;
    else
      log.warn(
        `the local S3's port ${remembered} is taken; S3 moves to another one, and upload and download URLs given out before this restart no longer work`,
      );
  }
  // Path-style only: the S3 client must use `forcePathStyle` against 127.0.0.1.
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, vhostBuckets: false });
  makeS3rverWritesAtomic(server.store);
  cacheS3rverBuckets(server.store);
  enforceS3Conditions(server);
  // In front of the conditions: a URL that was tampered with is refused before anything else.
  checkPresignedSignatures(server, { [LOCAL_CREDENTIALS.accessKeyId]: LOCAL_CREDENTIALS.secretAccessKey });
  ({ port } = await server.run());
  if (port !== remembered) await writeFile(portFile, `${port}\n`);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server: server.httpServer as Server,
    stop: () => server.close(),
  };
}

async function startSqs(): Promise<Running> {
  // buildApp rather than startFauxqs, which listens on every interface.
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    endpoint: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    server: app.server,
    stop: () => app.close(),
  };
}

export async function startEmulators(dataDir: string, log: Logger = silentLogger): Promise<Emulators> {
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  await mkdir(join(dataDir, 's3'), { recursive: true });
  const bus = new LocalEventBus(join(dataDir, 'events.jsonl'));
  const started = await Promise.allSettled([
    startDynamo(join(dataDir, 'dynamodb'), log),
    startS3(join(dataDir, 's3'), join(dataDir, S3_PORT_FILE), log),
    startSqs(),
    startEventBridgeEmulator(bus),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(running.map((emulator) => emulator.stop()));
    throw failure.reason;
  }
  const [dynamo, s3, sqs, eventbridge] = running as [
    Running,
    Running,
    Running,
    { endpoint: string; stop(): Promise<void> },
  ];
  const counts: RequestCounts = {};
  const milliseconds: RequestCounts = {};
  countRequests(dynamo.server, 'dynamodb', counts, milliseconds);
  countRequests(s3.server, 's3', counts, milliseconds);
  countRequests(sqs.server, 'sqs', counts, milliseconds);
  return {
    requestCounts: () => ({ ...counts }),
    requestMilliseconds: () => ({ ...milliseconds }),
    dynamodbEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    sqsEndpoint: sqs.endpoint,
    eventbridgeEndpoint: eventbridge.endpoint,
    bus,
    async stop() {
      const stopped = await Promise.allSettled([sqs.stop(), eventbridge.stop(), s3.stop(), dynamo.stop()]);
      const failed = stopped.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
