import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyResultV2,
} from 'aws-lambda';
import type { z } from 'zod';
import type { Grant } from '../domain/access.js';
import { NotFoundError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../domain/errors.js';
import { type IdKind, isId } from '../domain/ids.js';
import { jsonProblem, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_JSON_BODY_BYTES } from './limits.js';
import { zodErrors } from './problem.js';

/** What the authorizer put in its answer (functions/authorizer.ts): the caller's grant. */
export type AuthorizerContext = Grant;
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyResultV2;
/** An admin route's request: IAM-authorized on AWS, the local gateway's admin key locally (docs/auth.md). */
export type AdminEvent = APIGatewayProxyEventV2WithIAMAuthorizer;
/** Either kind of request: what the helpers below and the middlewares read of one. */
export type HttpEvent = ApiEvent | AdminEvent;

/** The environment the caller's API key or token belongs to, as the authorizer resolved it. */
export function environmentOf(event: ApiEvent): string {
  const environmentId = event.requestContext.authorizer?.lambda?.environmentId;
  if (!environmentId) throw new UnauthorizedError();
  return environmentId;
}

/** A path parameter, percent-decoded; one that is not valid percent-encoding is a 400. */
export function pathParam(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(`Missing path parameter ${name}.`);
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ValidationError(`The path parameter ${name} is not valid percent-encoding.`, {
      errors: [{ path: ['path', name], detail: 'malformed percent-encoding' }],
    });
  }
}

/** How an id that cannot exist is shown in a 404: short, and printable. */
function shown(id: string): string {
  const printable = id.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 64 ? `${printable.slice(0, 64)}…` : printable;
}

/**
 * The `{id}` of a path that names a resource of one of `kinds`. An id of another shape
 * cannot name one: a 404 at once, with no lookup (and no DynamoDB key of any length).
 */
export function idParam(event: ApiEvent, what: string, ...kinds: IdKind[]): string {
  const id = pathParam(event, 'id');
  if (!kinds.some((kind) => isId(kind, id))) throw new NotFoundError(what, shown(id));
  return id;
}

/** The raw request body as bytes. */
export function rawBody(event: HttpEvent): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/**
 * Parses and validates a JSON body. Malformed JSON, a body no store could hold (too deep,
 * numbers DynamoDB does not store exactly, text that is not Unicode) and schema mismatches
 * are 400s that say where; a body larger than any this API takes is a 413.
 */
export function jsonBody<T extends z.ZodType>(event: HttpEvent, schema: T): z.infer<T> {
  const bytes = rawBody(event);
  ensureSize(bytes.length, MAX_JSON_BODY_BYTES);
  // A UTF-8 byte order mark is no part of the JSON text (RFC 8259 §8.1 lets a parser skip it).
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new ValidationError('The request needs a JSON body.', {
      errors: [{ path: ['body'], detail: 'empty' }],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`The request body is not valid JSON: ${(error as Error).message}.`, {
      errors: [{ path: ['body'], detail: 'malformed JSON' }],
    });
  }
  const problem = jsonProblem(value);
  if (problem) {
    const where = problem.path.length ? problem.path.join('.') : 'the body';
    throw new ValidationError(`The request body is not valid: ${where} ${problem.detail}.`, {
      errors: [{ path: ['body', ...problem.path], detail: problem.detail }],
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
export function optionalJson<T extends z.ZodType>(event: HttpEvent, schema: T): z.infer<T> {
  if (rawBody(event).toString('utf8').trim() === '')
    return jsonBody({ ...event, body: '{}', isBase64Encoded: false }, schema);
  return jsonBody(event, schema);
}

export function queryParams<T extends z.ZodType>(event: HttpEvent, schema: T): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new ValidationError(`The query is not valid: ${describe(parsed.error.issues)}.`, {
      errors: zodErrors(parsed.error, 'query'),
    });
  }
  return parsed.data;
}

/** The `Idempotency-Key` header, if any: printable ASCII, at most 255 characters. */
export function idempotencyKey(event: ApiEvent): string | undefined {
  const key = event.headers['idempotency-key'];
  if (!key) return undefined;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    throw new ValidationError(
      `The Idempotency-Key header must be printable ASCII of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      { errors: [{ path: ['header', 'idempotency-key'], detail: 'printable ASCII, 1 to 255 characters' }] },
    );
  }
  return key;
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

export function ok(data: unknown, statusCode = 200, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ data }),
  };
}

/** 201 Created, with the path of the resource created in `Location` (RFC 9110 §15.3.2). */
export function created(data: unknown, location: string, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', location, ...headers },
    body: JSON.stringify({ data }),
  };
}

export function list(data: unknown[], next?: string, extra: Record<string, unknown> = {}): ApiResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data, next: next ?? null, ...extra }),
  };
}
