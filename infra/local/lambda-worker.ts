/**
 * The body of one worker thread: one Lambda instance. It imports the handler module once
 * (a cold start), then runs one invocation at a time for the pool (worker-pool.ts).
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { seededRandom } from './faults.js';
import { lambdaContext, loadHandler } from './lambda.js';

export interface LambdaWorkerData {
  functionName: string;
  handlerModule: string;
  timeoutSeconds: number;
  /** Armed crash fault: the first worker whose code reaches `point` claims the flag and dies. */
  crashOnce?: { point: string; claimed: SharedArrayBuffer };
  /** Armed failure: every invocation that reaches `point` throws there. */
  failAlways?: string;
  /** Armed chaos: at every fault point, the worker dies with probability `rate` (draws seeded by `seed`). */
  randomCrash?: { rate: number; seed: number };
  /** Parts that fail for good on every attempt (`failParts`). */
  failParts?: number[];
  /** Every part waits this long first (`slowPartsMs`). */
  slowPartsMs?: number;
}

export type ToWorker = { type: 'invoke'; id: number; event: unknown };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id?: number; error: { name: string; message: string; stack?: string } };

/** The exit code of a worker killed by an injected fault (EX_SOFTWARE). */
export const CRASH_EXIT_CODE = 70;

function serializeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

type FaultHook = (name: string) => void;

/** Dies on the spot, as a Lambda instance can mid-invocation. */
function crash(functionName: string, name: string, why: string): never {
  // A synchronous write: an asynchronous one would be lost with the thread.
  writeSync(2, `[partwise:faults] ${functionName}: crashing a worker at fault point "${name}" (${why})\n`);
  // Inside a worker thread process.exit() ends only this thread, abruptly, mid-invocation.
  process.exit(CRASH_EXIT_CODE);
}

/** The fault hooks armed for this worker, run in turn at every fault point. */
function faultHooks(data: LambdaWorkerData): FaultHook[] {
  const hooks: FaultHook[] = [];
  const once = data.crashOnce;
  if (once) {
    const claimed = new Int32Array(once.claimed);
    hooks.push((name) => {
      if (name !== once.point) return;
      // One crash per stack start, shared by every worker: compare-and-swap on shared memory.
      if (Atomics.compareExchange(claimed, 0, 0, 1) !== 0) return;
      crash(data.functionName, name, 'crashOnce');
    });
  }
  const random = data.randomCrash;
  if (random) {
    const draw = seededRandom(random.seed);
    hooks.push((name) => {
      if (draw() < random.rate) crash(data.functionName, name, `crashRate ${random.rate}`);
    });
  }
  const failAt = data.failAlways;
  if (failAt) {
    hooks.push((name) => {
      if (name === failAt) throw new Error(`injected failure at fault point "${name}"`);
    });
  }
  return hooks;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('lambda-worker.ts must run in a worker thread');
  const data = workerData as LambdaWorkerData;
  const hooks = faultHooks(data);
  // The contract of shared/faults.ts: `faultPoint(name)` calls this hook when it is set.
  if (hooks.length > 0) {
    (globalThis as { __partwiseFaultPoint?: FaultHook }).__partwiseFaultPoint = (name) => {
      for (const hook of hooks) hook(name);
    };
  }
  const failing = new Set(data.failParts ?? []);
  // The contract of shared/faults.ts: `faultFailsPart(part)` asks this hook when it is set.
  if (failing.size > 0) globalThis.__partwiseFailPart = (part) => failing.has(part);
  if (data.slowPartsMs) globalThis.__partwisePartDelayMs = data.slowPartsMs;
  const send = (message: FromWorker) => port.postMessage(message);
  let handler: Awaited<ReturnType<typeof loadHandler>>;
  try {
    handler = await loadHandler(data.handlerModule);
  } catch (error) {
    send({ type: 'error', error: serializeError(error) });
    return;
  }
  port.on('message', async (message: ToWorker) => {
    try {
      const value = await handler(message.event, lambdaContext(data.functionName, data.timeoutSeconds));
      send({ type: 'result', id: message.id, value });
    } catch (error) {
      send({ type: 'error', id: message.id, error: serializeError(error) });
    }
  });
  send({ type: 'ready' });
}

await main();
