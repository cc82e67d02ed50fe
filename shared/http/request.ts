import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { PayloadTooLargeError, UnauthorizedError, ValidationError } from '../domain/errors.js';
import { zodErrors } from './problem.js';

export interface AuthorizerContext {
  environmentId: string;
}
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyResultV2;

/** The environment the caller's API key belongs to, as the authorizer resolved it. */
export function environmentOf(event: ApiEvent): string {
  const environmentId = event.requestContext.authorizer?.lambda?.environmentId;
  if (!environmentId) throw new UnauthorizedError();
  return environmentId;
}

export function pathParam(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(`Missing path parameter ${name}.`);
  return decodeURIComponent(value);
}

/** The raw request body as bytes. */
export function rawBody(event: ApiEvent): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Parses and validates a JSON body; malformed JSON and schema mismatches are 400s that say where. */
export function jsonBody<T extends z.ZodType>(event: ApiEvent, schema: T): z.infer<T> {
  const text = rawBody(event).toString('utf8');
  if (text.trim() === '') {
    throw new ValidationError('The request needs a JSON body.', {
      errors: [{ pointer: 'body', detail: 'empty' }],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`The request body is not valid JSON: ${(error as Error).message}.`, {
      errors: [{ pointer: 'body', detail: 'malformed JSON' }],
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(`The request body is not valid: ${describe(parsed.error.issues)}.`, {
      errors: zodErrors(parsed.error, 'body'),
    });
  }
  return parsed.data;
}

/** Like jsonBody, for endpoints whose body may be left out entirely (it then reads as `{}`). */
export function optionalJson<T extends z.ZodType>(event: ApiEvent, schema: T): z.infer<T> {
  if (rawBody(event).toString('utf8').trim() === '')
    return jsonBody({ ...event, body: '{}', isBase64Encoded: false }, schema);
  return jsonBody(event, schema);
}

export function queryParams<T extends z.ZodType>(event: ApiEvent, schema: T): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new ValidationError(`The query is not valid: ${describe(parsed.error.issues)}.`, {
      errors: zodErrors(parsed.error, 'query'),
    });
  }
  return parsed.data;
}

function describe(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function ensureSize(bytes: number, limit: number): void {
  if (bytes > limit)
    throw new PayloadTooLargeError(`The body is ${bytes} bytes; the limit here is ${limit}.`);
}

export function ok(data: unknown, statusCode = 200): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data }) };
}

export function list(data: unknown[], next?: string, extra: Record<string, unknown> = {}): ApiResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data, next: next ?? null, ...extra }),
  };
}
