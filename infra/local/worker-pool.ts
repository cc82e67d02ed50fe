/**
 * A pool of worker threads running one Lambda function, like Lambda's instances of it:
 * each worker imports the handler once and runs one invocation at a time. A worker that
 * dies (crash, injected fault, timeout) is replaced; its invocation fails, so the caller
 * (the SQS event source) leaves the messages to come back after their visibility timeout.
 */
import type { Worker } from 'node:worker_threads';
import type { FunctionOptions, Invoker } from './lambda.js';
import { moduleUrl } from './lambda.js';
import type { FromWorker, LambdaWorkerData, ToWorker } from './lambda-worker.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import { waitAtMost } from './loop.js';
import { typeScriptWorker } from './ts-worker.js';

export interface WorkerPoolOptions extends FunctionOptions {
  /** Number of worker threads (Lambda instances). */
  size: number;
  crashOnce?: LambdaWorkerData['crashOnce'];
  failAlways?: string;
  failParts?: number[];
  /** Chaos: each instance dies at a fault point with probability `rate`, its draws seeded from `seed`. */
  randomCrash?: { rate: number; seed: number };
  log?: Logger;
}

export class WorkerCrashedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkerCrashedError';
  }
}

/** The error a handler threw inside a worker, rebuilt on this side of the thread boundary. */
export class HandlerError extends Error {
  constructor(error: { name: string; message: string; stack?: string }) {
    super(error.message);
    this.name = error.name;
    if (error.stack) this.stack = error.stack;
  }
}

const WORKER_URL = new URL('./lambda-worker.ts', import.meta.url).href;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Instances started in this process, to seed each one's chaos draws apart. */
let instances = 0;

/** One worker thread: one Lambda instance. */
class LambdaInstance {
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private nextId = 0;
  private timer: NodeJS.Timeout | undefined;
  readonly ready: Promise<void>;
  readonly exited: Promise<number>;
  private expectedExit = false;
  started = false;
  /** False from the moment the instance is being stopped: it takes no more invocations. */
  alive = true;

  constructor(private readonly options: WorkerPoolOptions) {
    const data: LambdaWorkerData = {
      functionName: options.functionName,
      handlerModule: moduleUrl(options.handlerModule),
      timeoutSeconds: options.timeoutSeconds,
      ...(options.crashOnce ? { crashOnce: options.crashOnce } : {}),
      ...(options.failAlways ? { failAlways: options.failAlways } : {}),
      ...(options.failParts ? { failParts: options.failParts } : {}),
      // Each instance draws its own sequence: a replacement does not replay its predecessor's.
      ...(options.randomCrash
        ? { randomCrash: { rate: options.randomCrash.rate, seed: options.randomCrash.seed + ++instances } }
        : {}),
    };
    this.worker = typeScriptWorker(WORKER_URL, { workerData: data, name: options.functionName });
    this.ready = new Promise((resolve, reject) => {
      let uncaught: unknown;
      this.worker.once('error', (error) => {
        uncaught = error;
      });
      this.worker.once('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve();
        else reject(message.type === 'error' ? new HandlerError(message.error) : new Error('bad handshake'));
      });
      this.worker.once('exit', (code) =>
        reject(new WorkerCrashedError(`worker exited with ${code} before it was ready`, { cause: uncaught })),
      );
    });
    this.ready.then(
      () => {
        this.started = true;
      },
      () => {}, // observed by the pool; this avoids an unhandled rejection here
    );
    this.worker.on('message', (message: FromWorker) => this.settle(message));
    this.worker.on('error', () => {}); // an uncaught error is followed by 'exit', handled there
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.alive = false;
        this.finish()?.reject(
          new WorkerCrashedError(
            this.expectedExit ? 'worker stopped' : `${options.functionName} worker exited with code ${code}`,
          ),
        );
        resolve(code);
      });
    });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  run(event: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending = { resolve, reject };
      // Lambda ends an invocation at the function timeout by stopping the instance.
      this.timer = setTimeout(() => {
        this.alive = false;
        this.finish()?.reject(new WorkerCrashedError(`${this.options.functionName} timed out`));
        void this.worker.terminate();
      }, this.options.timeoutSeconds * 1000);
      this.worker.postMessage({ type: 'invoke', id, event } satisfies ToWorker);
    });
  }

  terminate(): Promise<number> {
    this.expectedExit = true;
    this.alive = false;
    return this.worker.terminate();
  }

  private settle(message: FromWorker): void {
    if (message.type === 'ready') return;
    if (message.id !== this.nextId) return;
    const pending = this.finish();
    if (message.type === 'result') pending?.resolve(message.value);
    else pending?.reject(new HandlerError(message.error));
  }

  private finish(): Pending | undefined {
    clearTimeout(this.timer);
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}

export class WorkerPool implements Invoker {
  private readonly idle: LambdaInstance[] = [];
  private readonly instances = new Set<LambdaInstance>();
  private readonly waiting: Array<{
    resolve: (instance: LambdaInstance) => void;
    reject: (error: Error) => void;
  }> = [];
  private readonly log: Logger;
  private stopping = false;
  /** Workers that died and were replaced since the pool started. */
  replacedWorkers = 0;

  private constructor(private readonly options: WorkerPoolOptions) {
    this.log = options.log ?? silentLogger;
  }

  /** Starts every worker and waits until each has loaded the handler (fails if one cannot). */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    const instances = Array.from({ length: Math.max(1, options.size) }, () => pool.spawn());
    const started = await Promise.allSettled(instances.map((instance) => instance.ready));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await pool.stop(0);
      throw failure.reason;
    }
    for (const instance of instances) pool.release(instance);
    return pool;
  }

  get size(): number {
    return this.instances.size;
  }

  async invoke(event: unknown): Promise<unknown> {
    const instance = await this.acquire();
    try {
      return await instance.run(event);
    } finally {
      this.release(instance);
    }
  }

  /** Lets running invocations finish for up to `graceMs`, then stops every worker. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const waiter of this.waiting.splice(0))
      waiter.reject(new WorkerCrashedError('the worker pool stopped'));
    const busy = [...this.instances].filter((instance) => instance.busy);
    if (busy.length > 0 && graceMs > 0) {
      const drained = Promise.all(busy.map((instance) => waitUntilIdle(instance)));
      await waitAtMost(drained, graceMs);
    }
    await Promise.all([...this.instances].map((instance) => instance.terminate()));
    this.instances.clear();
  }

  private acquire(): Promise<LambdaInstance> {
    if (this.stopping) return Promise.reject(new WorkerCrashedError('the worker pool is stopping'));
    const instance = this.idle.pop();
    if (instance) return Promise.resolve(instance);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(instance: LambdaInstance): void {
    if (!this.instances.has(instance) || !instance.alive || this.stopping) return;
    const next = this.waiting.shift();
    if (next) next.resolve(instance);
    else this.idle.push(instance);
  }

  private spawn(): LambdaInstance {
    const instance = new LambdaInstance(this.options);
    this.instances.add(instance);
    void instance.exited.then((code) => this.onExit(instance, code));
    return instance;
  }

  private onExit(instance: LambdaInstance, code: number): void {
    if (!this.instances.delete(instance) || this.stopping) return;
    const index = this.idle.indexOf(instance);
    if (index >= 0) this.idle.splice(index, 1);
    this.replacedWorkers += 1;
    if (instance.started) {
      this.log.warn(`${this.options.functionName} worker died; replacing it`, { exitCode: code });
    }
    // A worker that could not even load its handler is retried slowly, not in a hot loop.
    setTimeout(() => this.replace(), instance.started ? 0 : 1000).unref();
  }

  private replace(): void {
    if (this.stopping) return;
    const instance = this.spawn();
    instance.ready.then(
      () => this.release(instance),
      (error: unknown) => {
        this.log.error(`${this.options.functionName} worker failed to start`, describeError(error));
        void instance.terminate(); // its exit schedules the next attempt
      },
    );
  }
}

function waitUntilIdle(instance: LambdaInstance): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (instance.busy ? setTimeout(check, 20) : resolve());
    check();
  });
}
