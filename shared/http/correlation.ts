import { randomUUID } from 'node:crypto';
import type middy from '@middy/core';
import { logger } from '../logger.js';
import { addJobKeys } from '../observability.js';
import type { ApiEvent, ApiResult, HttpEvent } from './request.js';

/** The response header that names the request, for a caller to quote when asking what went wrong. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** An event without a request id (a direct invoke) gets one of its own, the same for the whole request. */
const minted = new WeakMap<HttpEvent, string>();

/** The request's correlation id: the id API Gateway gave the request. */
export function correlationOf(event: HttpEvent): string {
  const requestId = event.requestContext?.requestId;
  if (requestId) return requestId;
  const id = minted.get(event) ?? randomUUID();
  minted.set(event, id);
  return id;
}

function withHeader(response: ApiResult | null, correlationId: string): ApiResult | null {
  if (response === null || response === undefined || typeof response === 'string') return response;
  return { ...response, headers: { ...response.headers, [CORRELATION_HEADER]: correlationId } };
}

/** The job a request names in its path (`/jobs/:id…`), for its log lines. */
function jobIdOf(event: HttpEvent): string | undefined {
  return /^\/jobs\/([^/]+)/.exec(event.rawPath ?? '')?.[1];
}

/** The caller's environment, which the API key authorizer grants (the admin routes' IAM callers have none). */
function environmentOf(event: HttpEvent): string | undefined {
  const authorizer = event.requestContext?.authorizer;
  return authorizer && 'lambda' in authorizer ? authorizer.lambda?.environmentId : undefined;
}

/**
 * middy middleware: every log line of the request carries its correlation id
 * (`correlation_id`), its environment and the job it names (`environmentId`, `jobId`), and
 * every response carries the correlation id, as the `x-correlation-id` header.
 */
export function correlation<E extends HttpEvent = ApiEvent>(): middy.MiddlewareObj<E, ApiResult> {
  const tag = (request: middy.Request<E, ApiResult>) => {
    request.response = withHeader(request.response, correlationOf(request.event));
  };
  return {
    before: (request) => {
      logger.setCorrelationId(correlationOf(request.event));
      addJobKeys({
        environmentId: environmentOf(request.event),
        jobId: jobIdOf(request.event),
      });
    },
    after: tag,
    onError: tag,
  };
}
