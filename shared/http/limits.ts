/**
 * The bounds every request is held to, so that what a client sends is refused with a 4xx
 * here instead of failing later in DynamoDB or S3 with a 5xx. Each bound is what a store
 * downstream can hold, with room to spare:
 *
 * - DynamoDB items hold at most 400 KB. A job item holds the job's `input`, `config` and
 *   `outcome` (64 KB of JSON each at most) and, until the relay has published them, its
 *   events, whose job snapshots are bounded (domain/snapshot.ts). A workbook is one item
 *   with its sheets, fields and actions.
 * - DynamoDB nests attributes at most 32 levels deep, and a job's `input` may be stored
 *   five levels down, in an event waiting in the outbox (`outbox.<entry>.event.job.input`):
 *   a body nests at most 24.
 * - DynamoDB stores a number exactly or refuses it, and the SDK refuses a JS number it
 *   could not send exactly: a whole number within ±(2^53 − 1), or a fraction no closer to 0
 *   than 1e-130.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */

import { type FieldPath, PayloadTooLargeError } from '../domain/errors.js';
import { jsonBytes } from '../domain/snapshot.js';

/** Bytes of JSON (UTF-8, as JSON.stringify writes it) each of a job's `input`, `config` and `outcome` may hold. */
export const JOB_FIELD_JSON_BYTES = 64 * 1024;
/** Levels of nesting in a JSON body (an object or array is one level). */
export const MAX_JSON_DEPTH = 24;
/** Characters of a name: a file, a workbook, a sheet, a label. */
export const MAX_NAME_LENGTH = 255;
/** Characters of an id in a body or query (real ids have about 30). */
export const MAX_ID_LENGTH = 128;
/** Bytes of a workbook with its sheets, fields and actions: one DynamoDB item, with room for its keys. */
export const WORKBOOK_JSON_BYTES = 256 * 1024;
/** Characters of a list cursor (`next`). */
export const MAX_CURSOR_LENGTH = 1024;
/** Bytes of a JSON request body: the largest one that can fit (a workbook) with room for white space. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Characters of an `Idempotency-Key` header. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** DynamoDB's smallest non-zero magnitude. */
const SMALLEST_NUMBER = 1e-130;
/** A UTF-16 surrogate standing alone: with the `u` flag, a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** An RFC 6901 pointer from path segments (`~` and `/` escaped). */
export function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export interface JsonProblem {
  /** Where, as path segments from the body's root. */
  path: (string | number)[];
  detail: string;
}

/** Why a number cannot be stored as it is, or undefined when it can. */
export function numberProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) return 'is too large a number';
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER)
    return 'must be within ±9007199254740991 (larger numbers are not stored exactly; send them as strings)';
  if (value !== 0 && Math.abs(value) < SMALLEST_NUMBER)
    return 'is too close to 0 (the smallest magnitude stored is 1e-130)';
  return undefined;
}

/**
 * The first thing in a parsed JSON body that no store downstream can hold: nesting deeper
 * than MAX_JSON_DEPTH, a number DynamoDB would not store exactly, a string with a lone
 * surrogate (not Unicode: DynamoDB and HTTP headers take UTF-8), or an empty key (DynamoDB
 * names no attribute ""). The walk stops at MAX_JSON_DEPTH, so its recursion is bounded
 * however deep the body nests, and it keeps one path, however wide the body is.
 */
export function jsonProblem(root: unknown): JsonProblem | undefined {
  const path: (string | number)[] = [];
  const found = (detail: string): JsonProblem => ({ path: [...path], detail });
  const visit = (value: unknown): JsonProblem | undefined => {
    if (typeof value === 'number') {
      const detail = numberProblem(value);
      return detail ? found(detail) : undefined;
    }
    if (typeof value === 'string')
      return LONE_SURROGATE.test(value)
        ? found('holds a lone UTF-16 surrogate: it is not Unicode text')
        : undefined;
    if (value === null || typeof value !== 'object') return undefined;
    if (path.length >= MAX_JSON_DEPTH)
      return found(`nests deeper than ${MAX_JSON_DEPTH} levels, the most a body may`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const problem = visit(value[i]);
        path.pop();
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key === '') return found('has an empty key');
      if (LONE_SURROGATE.test(key)) return found('has a key with a lone UTF-16 surrogate');
      path.push(key);
      const problem = visit(item);
      path.pop();
      if (problem) return problem;
    }
    return undefined;
  };
  return visit(root);
}

/** 413 when `value` (where it lies: `['body', 'input']`, `['body']`…) takes more than `limit` bytes of JSON. */
export function ensureJsonSize(path: FieldPath, value: unknown, limit: number, what: string): void {
  const bytes = value === undefined ? 0 : jsonBytes(value);
  if (bytes <= limit) return;
  throw new PayloadTooLargeError(
    `${what} may hold at most ${limit} bytes of JSON; this one holds ${bytes}.`,
    {
      errors: [{ path, detail: `${bytes} bytes of JSON; the most is ${limit}` }],
    },
  );
}
