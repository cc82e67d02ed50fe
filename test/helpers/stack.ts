import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RawRequest, rawRequest, type TestClient, testClient } from './client.js';

/**
 * The system under test: a deployed stack when PARTWISE_URL and PARTWISE_API_KEY are
 * set, otherwise a local stack started here as a child process on a free port and a
 * temp data dir (the same `npm start` entry point a developer runs).
 */
export interface Target {
  url: string;
  apiKey: string;
  local: boolean;
}

export const remoteTarget: Target | undefined =
  process.env.PARTWISE_URL && process.env.PARTWISE_API_KEY
    ? { url: process.env.PARTWISE_URL.replace(/\/$/, ''), apiKey: process.env.PARTWISE_API_KEY, local: false }
    : undefined;

export interface LocalStack extends Target {
  /** The admin routes' credential on this stack (`Authorization: Bearer <admin key>`). */
  adminKey: string;
  dataDir: string;
  process: ChildProcess;
  /** Stops the stack: SIGTERM, or SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'partwise-e2e-'));
}

/** Stacks still running: killed when this process exits, so a run cut short leaves none behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startLocalStack(
  options: { dataDir?: string; env?: Record<string, string>; apiKey?: string } = {},
): Promise<LocalStack> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: {
      ...process.env,
      PORT: '0',
      PARTWISE_DATA_DIR: dataDir,
      ...(options.apiKey ? { PARTWISE_API_KEY: options.apiKey } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.once('exit', () => {
    running.delete(child);
    // For a failure to be read afterwards: PARTWISE_TEST_STACK_LOGS names a folder for the logs.
    const logs = process.env.PARTWISE_TEST_STACK_LOGS;
    if (logs) writeFileSync(join(logs, `stack-${child.pid}.log`), output);
  });
  const ready = new Promise<{ url: string; apiKey: string; adminKey: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PARTWISE_READY (\{.*\})/.exec(output);
      if (match?.[1]) resolve(JSON.parse(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`local stack did not start in 60 s:\n${output}`)), 60_000).unref();
  });
  const { url, apiKey, adminKey } = await ready;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    apiKey,
    adminKey,
    local: true,
    dataDir,
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * The target of an e2e file: the deployment named by PARTWISE_URL / PARTWISE_API_KEY, or
 * a local stack started before the file's tests and stopped after them; `client` is the
 * typed client of it, `raw` sends what the typed API cannot express. Both check every
 * response against the OpenAPI document.
 */
export function useTarget(options: Parameters<typeof startLocalStack>[0] = {}) {
  const context = {} as { target: Target; local?: LocalStack; client: TestClient; raw: RawRequest };
  beforeAll(async () => {
    context.local = remoteTarget ? undefined : await startLocalStack(options);
    context.target = remoteTarget ?? (context.local as LocalStack);
    context.client = testClient(context.target);
    context.raw = rawRequest(context.target);
  }, 90_000);
  afterAll(async () => {
    await context.local?.stop();
    if (context.local) await removeDataDir(context.local.dataDir);
  });
  return context;
}
