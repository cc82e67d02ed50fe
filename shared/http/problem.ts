import type middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { type FieldError, MethodNotAllowedError, PartwiseError, RateLimitedError } from '../domain/errors.js';
import { logger } from '../logger.js';
import { segment } from '../operations/validation.js';
import { CORRELATION_HEADER, correlationOf } from './correlation.js';
import { jsonPointer } from './limits.js';
import type { ApiEvent, ApiResult, HttpEvent } from './request.js';

/**
 * Where a problem lies, as a client reads it: an RFC 6901 `pointer` into the JSON body
 * (`/config/partSizeBytes`; `""` is the whole body), or the name of a query or path
 * `parameter`, or of a `header`.
 */
export type PublicFieldError = { detail: string } & (
  | { pointer: string }
  | { parameter: string }
  | { header: string }
);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: PublicFieldError[];
  /** The request's id: the logs hold the details under it. */
  correlationId: string;
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The `type` of every problem partwise answers: one scheme, `urn:partwise:problem:<code>`. */
export function problemType(code: string): string {
  return `urn:partwise:problem:${code}`;
}

/** The code of a refusal that carries only its status (a gateway's, or http-errors from middy). */
const STATUS_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  500: 'internal-error',
  503: 'service-unavailable',
};

/** A problem known only by its status (a gateway's refusal, say), in the same scheme as every other. */
export function statusProblem(status: number, detail: string, correlationId: string): Problem {
  return {
    type: problemType(STATUS_CODES[status] ?? `http-${status}`),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    correlationId,
  };
}

export function problemResponse(problem: Problem): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', [CORRELATION_HEADER]: problem.correlationId },
    body: JSON.stringify(problem),
  };
}

/**
 * Field errors of a zod parse, each where it lies (`['body', 'config', 'partSizeBytes']`,
 * `['query', 'limit']`); a key that is not allowed is pointed at itself.
 */
export function zodErrors(error: ZodError, root: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = [root, ...issue.path.map(segment)];
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...at, key], detail: 'is not a known field' }));
    return [{ path: at, detail: issue.message }];
  });
}

/**
 * A field error as the client reads it: a place in the body becomes an RFC 6901 pointer
 * (each segment escaped, so a key holding `.`, `/` or `~` points at itself); a query or path
 * parameter and a header are named.
 */
export function publicFieldError(error: FieldError): PublicFieldError {
  const [where = 'body', ...path] = error.path;
  switch (where) {
    case 'query':
    case 'path':
      return { parameter: path.join('.'), detail: error.detail };
    case 'header':
      return { header: path.join('.'), detail: error.detail };
    default:
      return { pointer: jsonPointer(path), detail: error.detail };
  }
}

/** Turns any error into RFC 9457 problem JSON; what is not exposed says only where the logs hold it. */
export function toProblem(error: unknown, correlationId: string): Problem {
  if (error instanceof PartwiseError && error.expose) {
    return {
      type: problemType(error.code),
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      ...(error.errors ? { errors: error.errors.map(publicFieldError) } : {}),
      correlationId,
    };
  }
  if (error instanceof ZodError) {
    return {
      type: problemType('validation-failed'),
      title: TITLES[400] ?? 'Bad Request',
      status: 400,
      detail: 'The request is not valid.',
      errors: zodErrors(error, 'body').map(publicFieldError),
      correlationId,
    };
  }
  // http-errors from middy itself (its router, say) carry statusCode and expose.
  const http = error as { statusCode?: number; expose?: boolean; message?: string };
  if (typeof http.statusCode === 'number' && http.statusCode < 500 && http.expose) {
    return statusProblem(http.statusCode, http.message ?? '', correlationId);
  }
  if (error instanceof PartwiseError && error.status === 503) {
    return {
      type: problemType(error.code),
      title: TITLES[503] ?? 'Service Unavailable',
      status: 503,
      detail: `A service partwise depends on is unavailable; try again shortly (correlation id ${correlationId}).`,
      correlationId,
    };
  }
  return statusProblem(
    500,
    `Something went wrong on our side (correlation id ${correlationId}).`,
    correlationId,
  );
}

/** middy middleware: errors meet HTTP only here; the details of a 5xx go to the logs alone. */
export function problemJson<E extends HttpEvent = ApiEvent>(): middy.MiddlewareObj<E, ApiResult> {
  return {
    onError: async (request) => {
      const problem = toProblem(request.error, correlationOf(request.event));
      if (problem.status >= 500) logger.error('request failed', { error: request.error as Error });
      else logger.info('request refused', { status: problem.status, detail: problem.detail.slice(0, 500) });
      const response = problemResponse(problem);
      // A 405 lists the methods the path takes (RFC 9110 §15.5.6).
      if (request.error instanceof MethodNotAllowedError)
        response.headers = { ...response.headers, allow: request.error.allow.join(', ') };
      // A 429 says when the key's window has room again (RFC 6585 §4).
      if (request.error instanceof RateLimitedError)
        response.headers = { ...response.headers, 'retry-after': String(request.error.retryAfterSeconds) };
      request.response = response;
    },
  };
}
