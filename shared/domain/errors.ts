/**
 * One error hierarchy for the whole service. Every error carries the HTTP status it
 * maps to at the edge and whether its message may be shown to a caller (`expose`,
 * true below 500). Anything unexposed becomes a plain 500 with no internals.
 *
 * Apart from that, whether work that met the error is worth trying again (`permanent`):
 * showing a message to a caller and giving up on a part are two decisions. A file that is
 * not what it says is permanent; an object not found yet (a read that raced a write), a
 * write that lost a race (409) or a dependency that failed (503) are not, though the first
 * two are exposed. The engine retries what is not permanent, up to the queue's redrive.
 */
/**
 * Where in the request, as segments: `['body', 'config', 'partSizeBytes']`, `['query',
 * 'limit']`, `['path', 'id']`, `['header', 'idempotency-key']`. It stays a list of segments
 * until the problem is rendered (as an RFC 6901 pointer), so that a key holding `.`, `/` or
 * `~` (a CSV column `e.mail`, say) points at itself.
 */
export type FieldPath = readonly (string | number)[];

export interface FieldError {
  path: FieldPath;
  detail: string;
}

/** A place as a sentence names it, without its root: `config.partSizeBytes`, or `body` for the whole body. */
export function placeOf(path: FieldPath): string {
  return path.length > 1 ? path.slice(1).join('.') : String(path[0] ?? 'body');
}

export class PartwiseError extends Error {
  readonly status: number;
  readonly expose: boolean;
  /** A short, stable machine-readable code, e.g. `job-not-found`. */
  readonly code: string;
  readonly errors?: FieldError[];
  /** Trying again cannot help: the work's input is at fault. Only the kinds below that say so. */
  readonly permanent: boolean;

  constructor(
    message: string,
    status: number,
    code: string,
    options?: ErrorOptions & { errors?: FieldError[]; permanent?: boolean },
  ) {
    super(message, options);
    this.name = 'PartwiseError';
    this.status = status;
    this.expose = status < 500;
    this.code = code;
    this.permanent = options?.permanent ?? false;
    if (options?.errors) this.errors = options.errors;
  }
}

/**
 * What a tenant may read of an error: an exposed error's own message, else a plain sentence
 * with the correlation id under which the details were logged (S3 keys, table names and SDK
 * errors stay in the logs).
 */
export function publicMessage(error: unknown, correlationId: string): string {
  if (error instanceof PartwiseError && error.expose) return error.message;
  return `an internal error (logged under correlation id ${correlationId})`;
}

/** Whether work that threw `error` should stop rather than be tried again (see `permanent`). */
export function isPermanent(error: unknown): error is PartwiseError {
  return error instanceof PartwiseError && error.permanent;
}

export class ValidationError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions & { errors?: FieldError[] }) {
    super(message, 400, 'validation-failed', { ...options, permanent: true });
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends PartwiseError {
  constructor(message = 'A valid API key is required: send "Authorization: Bearer <api key>".') {
    super(message, 401, 'unauthorized');
    this.name = 'UnauthorizedError';
  }
}

/** A browser token past its `exp`: its holder mints a new one (docs/auth.md). */
export class TokenExpiredError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 401, 'token-expired', options);
    this.name = 'TokenExpiredError';
  }
}

/** A browser token whose scope does not cover the request (a read-only token asked to write, say). */
export class InsufficientScopeError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 403, 'insufficient-scope', options);
    this.name = 'InsufficientScopeError';
  }
}

export class NotFoundError extends PartwiseError {
  constructor(kind: string, id: string, options?: ErrorOptions) {
    super(
      `${kind} ${id} was not found in this environment.`,
      404,
      `${kind.toLowerCase()}-not-found`,
      options,
    );
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends PartwiseError {
  constructor(message: string, code = 'conflict', options?: ErrorOptions) {
    super(message, 409, code, options);
    this.name = 'ConflictError';
  }
}

/** An optimistic-concurrency check failed: somebody else changed the item first. Retry. */
export class StaleWriteError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 409, 'stale-write', options);
    this.name = 'StaleWriteError';
  }
}

/** A known path asked with a method it does not take; `allow` lists those it does (RFC 9110 §15.5.6). */
export class MethodNotAllowedError extends PartwiseError {
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[], options?: ErrorOptions) {
    super(
      `${path} does not take ${method}; it takes ${allow.join(', ')}.`,
      405,
      'method-not-allowed',
      options,
    );
    this.name = 'MethodNotAllowedError';
    this.allow = allow;
  }
}

/** An If-Match that no longer matches: somebody changed the resource first. */
export class PreconditionFailedError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 412, 'precondition-failed', options);
    this.name = 'PreconditionFailedError';
  }
}

/** An Idempotency-Key sent again with another request than the one it was first sent with. */
export class IdempotencyKeyReusedError extends PartwiseError {
  constructor(jobId: string, options?: ErrorOptions) {
    super(
      `This Idempotency-Key was first sent with a different request, which created job ${jobId}; send a new key for a new request (or the first request again to read that job).`,
      422,
      'idempotency-key-reused',
      options,
    );
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class PayloadTooLargeError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions & { errors?: FieldError[] }) {
    super(message, 413, 'payload-too-large', options);
    this.name = 'PayloadTooLargeError';
  }
}

/** A dependency (DynamoDB, S3, SQS, EventBridge) failed in a way the caller cannot fix. */
export class DependencyError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 503, 'dependency-failed', options);
    this.name = 'DependencyError';
  }
}

/** The content of a resource cannot be processed (a malformed file, say): fails the job, never retried. */
export class UnprocessableError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 422, 'unprocessable', { ...options, permanent: true });
    this.name = 'UnprocessableError';
  }
}

/** A file's content changed after a job planned its work on it (its ETag is not the one planned): never retried. */
export class ContentChangedError extends PartwiseError {
  constructor(message = 'the file changed after the job was planned', options?: ErrorOptions) {
    super(message, 412, 'content-changed', { ...options, permanent: true });
    this.name = 'ContentChangedError';
  }
}

/** An API key past its `expiresAt` (its own expiry, or the end of a rotation's overlap). */
export class KeyExpiredError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 401, 'key-expired', options);
    this.name = 'KeyExpiredError';
  }
}

/** A key's requests of this window are spent (docs/auth.md, "Rate limit"): 429 with `Retry-After`. */
export class RateLimitedError extends PartwiseError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super(message, 429, 'rate-limited', options);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No API key with this id (admin routes: keys of every environment). */
export class KeyNotFoundError extends PartwiseError {
  constructor(id: string, options?: ErrorOptions) {
    super(`There is no API key ${id}.`, 404, 'key-not-found', options);
    this.name = 'KeyNotFoundError';
  }
}
