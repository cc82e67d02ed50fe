/**
 * The emulated AWS services, each an HTTP server on 127.0.0.1 and a free port:
 * dynalite (DynamoDB, LevelDB on disk), s3rver (S3, files on disk), fauxqs (SQS, in
 * memory: the sweeper re-enqueues unfinished work after a restart) and the local
 * EventBridge (event-bus.ts, a JSONL log on disk).
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import S3rver from 's3rver';
import { LocalEventBus, startEventBridgeEmulator } from './event-bus.js';
import { makeS3rverWritesAtomic } from './s3rver-writes.js';

export interface Emulators {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  sqsEndpoint: string;
  eventbridgeEndpoint: string;
  bus: LocalEventBus;
  /** Stops every server; dynalite closes its LevelDB cleanly. */
  stop(): Promise<void>;
}

interface Running {
  endpoint: string;
  stop(): Promise<void>;
}

async function startDynamo(directory: string): Promise<Running> {
  // Tables are ACTIVE at once: nothing waits for a CREATING state that only mimics AWS's delay.
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function startS3(directory: string): Promise<Running> {
  // Path-style only: the S3 client must use `forcePathStyle` against 127.0.0.1.
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  makeS3rverWritesAtomic(server.store);
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

async function startSqs(): Promise<Running> {
  // buildApp rather than startFauxqs, which listens on every interface.
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    endpoint: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    stop: () => app.close(),
  };
}

export async function startEmulators(dataDir: string): Promise<Emulators> {
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  await mkdir(join(dataDir, 's3'), { recursive: true });
  const bus = new LocalEventBus(join(dataDir, 'events.jsonl'));
  const started = await Promise.allSettled([
    startDynamo(join(dataDir, 'dynamodb')),
    startS3(join(dataDir, 's3')),
    startSqs(),
    startEventBridgeEmulator(bus),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(running.map((emulator) => emulator.stop()));
    throw failure.reason;
  }
  const [dynamo, s3, sqs, eventbridge] = running as [Running, Running, Running, Running];
  return {
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
