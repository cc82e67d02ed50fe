/**
 * What the Lambda runtime gives a handler, reproduced for the local stack: the loaded
 * `handler` export, a `Context` and an invocation deadline. Used both in the main thread
 * (API, authorizer, relay, sweeper) and inside the worker threads (processor, dead letter).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Anything that runs a function for an event: a handler in this thread or a worker pool. */
export interface Invoker {
  invoke(event: unknown): Promise<unknown>;
}

export interface FunctionOptions {
  /** Shown as `context.functionName` and in log lines. */
  functionName: string;
  /** Module exporting `handler`: an absolute path or a URL. */
  handlerModule: string | URL;
  /** Lambda's function timeout, reported by `context.getRemainingTimeInMillis()`. */
  timeoutSeconds: number;
}

export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return module.startsWith('file:') ? module : pathToFileURL(module).href;
}

export async function loadHandler(module: string | URL): Promise<LambdaHandler> {
  const loaded: { handler?: unknown } = await import(moduleUrl(module));
  if (typeof loaded.handler !== 'function') {
    throw new TypeError(`${moduleUrl(module)} does not export a handler function`);
  }
  return loaded.handler as LambdaHandler;
}

export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('Callback-style context methods are not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** A function that runs in this thread, one module instance, concurrent invocations allowed. */
export async function inProcessFunction(options: FunctionOptions): Promise<Invoker> {
  const handler = await loadHandler(options.handlerModule);
  return {
    invoke: (event) => handler(event, lambdaContext(options.functionName, options.timeoutSeconds)),
  };
}
