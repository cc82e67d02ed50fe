import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { processMetrics } from './adapters/cloudwatch/emf-metrics.js';
import { logger } from './logger.js';
import { traceHandler } from './tracing.js';

/** What ties a log line to its job: the keys every line about a job or a part carries. */
export interface JobLogKeys {
  jobId: string;
  part?: number;
  environmentId?: string;
}

const JOB_LOG_KEYS: (keyof JobLogKeys)[] = ['jobId', 'part', 'environmentId'];

/**
 * The cross-cutting work of every function, as middy middlewares, outermost first: the
 * invocation's logger context (function name, request id, cold start; keys reset after
 * each invocation), its correlation id, X-Ray (tracing.ts) and the metrics flush (EMF lines,
 * written after the handler returns or throws).
 *
 * `correlation: 'invocation'` takes Lambda's request id as the correlation id: the id a
 * job's public error quotes (functions/processor.ts). The HTTP API sets its own from API
 * Gateway's request id (shared/http/correlation.ts), and passes `'request'`.
 */
export function observed<Event, Result>(
  options: { correlation: 'invocation' | 'request' } = { correlation: 'invocation' },
): middy.MiddlewareObj<Event, Result, Error, Context>[] {
  const flush = () => processMetrics().flush();
  return [
    injectLambdaContext(logger, { resetKeys: true }),
    {
      before: (request) => {
        if (options.correlation === 'invocation') logger.setCorrelationId(request.context.awsRequestId);
      },
    },
    traceHandler<Event, Result>(),
    { after: flush, onError: flush },
  ];
}

/**
 * Runs work with the job's keys on every log line, and takes them off after: a batch's
 * records are handled one after another, each under its own job and part.
 */
export async function withJobKeys<T>(keys: JobLogKeys, work: () => Promise<T>): Promise<T> {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
  logger.appendKeys(defined);
  try {
    return await work();
  } finally {
    logger.removeKeys(JOB_LOG_KEYS);
  }
}

/** Adds a key found on the way (the job's environment, once the job is read) to the current lines. */
export function addJobKeys(keys: Partial<JobLogKeys>): void {
  logger.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined)));
}
