import { randomUUID } from 'node:crypto';
import type middy from '@middy/core';
import { logger } from '../logger.js';
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

/**
 * middy middleware: every log line of the request carries its correlation id
 * (`correlation_id`), and so does every response, as the `x-correlation-id` header.
 */
export function correlation<E extends HttpEvent = ApiEvent>(): middy.MiddlewareObj<E, ApiResult> {
  const tag = (request: middy.Request<E, ApiResult>) => {
    request.response = withHeader(request.response, correlationOf(request.event));
  };
  return {
    before: (request) => {
      logger.setCorrelationId(correlationOf(request.event));
    },
    after: tag,
    onError: tag,
  };
}
