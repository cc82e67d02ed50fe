import type middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { type FieldError, PartwiseError } from '../domain/errors.js';
import { logger } from '../logger.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemResponse(problem: Problem): APIGatewayProxyResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(problem),
  };
}

export function zodErrors(error: ZodError, root: string): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: [root, ...issue.path.map(String)].join('.'),
    detail: issue.message,
  }));
}

/** Turns any error into RFC 9457 problem JSON; unexposed errors become a plain 500. */
export function toProblem(error: unknown): Problem {
  if (error instanceof PartwiseError && error.expose) {
    return {
      type: `urn:partwise:problem:${error.code}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
    };
  }
  if (error instanceof ZodError) {
    return {
      type: 'urn:partwise:problem:validation-failed',
      title: TITLES[400] ?? 'Bad Request',
      status: 400,
      detail: 'The request is not valid.',
      errors: zodErrors(error, 'body'),
    };
  }
  // http-errors from middy itself (e.g. 415 from a body parser) carry statusCode and expose.
  const http = error as { statusCode?: number; expose?: boolean; message?: string };
  if (typeof http.statusCode === 'number' && http.statusCode < 500 && http.expose) {
    return {
      type: 'about:blank',
      title: TITLES[http.statusCode] ?? 'Error',
      status: http.statusCode,
      detail: http.message ?? '',
    };
  }
  if (error instanceof PartwiseError && error.status === 503) {
    return {
      type: `urn:partwise:problem:${error.code}`,
      title: TITLES[503] ?? 'Service Unavailable',
      status: 503,
      detail: 'A dependency is unavailable; try again shortly.',
    };
  }
  return {
    type: 'about:blank',
    title: TITLES[500] ?? 'Internal Server Error',
    status: 500,
    detail: 'Something went wrong on our side; the error was logged.',
  };
}

/** middy middleware: errors meet HTTP only here. */
export function problemJson(): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      const problem = toProblem(request.error);
      if (problem.status >= 500) logger.error('request failed', { error: request.error as Error });
      else logger.info('request refused', { status: problem.status, detail: problem.detail });
      request.response = problemResponse(problem);
    },
  };
}
