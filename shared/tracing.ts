import type { Tracer } from '@aws-lambda-powertools/tracer';
import type middy from '@middy/core';
import { config } from './config.js';

/**
 * X-Ray tracing through Powertools Tracer, loaded only where it records anything: inside
 * Lambda with tracing on (config.tracing). Tracer brings aws-xray-sdk-core, whose load
 * would otherwise be part of every function's module init; elsewhere (the local stack,
 * tests, the bench) it is never loaded, and in Lambda it loads with the first invocation,
 * beside the SDK clients it wraps (docs/operations.md, "Init").
 */
let loading: Promise<Tracer | undefined> | undefined;
let loaded: Tracer | undefined;
/** The SDK clients of the process, captured when the Tracer arrives (or at once, after). */
const clients: object[] = [];

export function tracer(): Promise<Tracer | undefined> {
  loading ??= config.tracing
    ? import('@aws-lambda-powertools/tracer').then(({ Tracer }) => {
        loaded = new Tracer();
        for (const client of clients) loaded.captureAWSv3Client(client);
        return loaded;
      })
    : Promise.resolve(undefined);
  return loading;
}

/**
 * An AWS SDK v3 client whose calls become X-Ray subsegments once tracing is on: the Tracer
 * adds its middleware to the client's stack in place, so a client made at import is
 * captured when the first invocation loads the Tracer. Elsewhere the client is untouched.
 */
export function traced<Client extends object>(client: Client): Client {
  if (!config.tracing) return client;
  // Only clients made before the Tracer arrived wait in the list (a client made per
  // invocation is captured at once: the handler's middleware loaded the Tracer first).
  if (loaded) return loaded.captureAWSv3Client(client);
  clients.push(client);
  return client;
}

/**
 * middy middleware: the invocation as a `## handler` subsegment with the ColdStart and
 * Service annotations and any error (Powertools' captureLambdaHandler). Responses stay out
 * of the trace: they hold tenants' data, and an export's can be large.
 */
export function traceHandler<Event, Result>(): middy.MiddlewareObj<Event, Result> {
  let inner: Promise<middy.MiddlewareObj<Event, Result> | undefined> | undefined;
  const middleware = () => {
    inner ??= tracer().then(async (active) => {
      if (!active) return undefined;
      const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
      return captureLambdaHandler(active, { captureResponse: false });
    });
    return inner;
  };
  return {
    before: async (request) => {
      await (await middleware())?.before?.(request);
    },
    after: async (request) => {
      await (await middleware())?.after?.(request);
    },
    onError: async (request) => {
      await (await middleware())?.onError?.(request);
    },
  };
}
