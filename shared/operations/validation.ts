import type * as z from 'zod';
import { type FieldPath, placeOf, ValidationError } from '../domain/errors.js';

/** Parses an operation's config; every problem is reported where it lies (`['body', 'config', …]`). */
export function parseConfig<T extends z.ZodType>(schema: T, config: unknown, operation: string): z.infer<T> {
  const parsed = schema.safeParse(config);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => ({
    path: ['body', 'config', ...issue.path.map(segment)],
    detail: issue.message,
  }));
  throw new ValidationError(
    `The ${operation} config is not valid: ${errors.map((e) => `${placeOf(e.path)} ${e.detail}`).join('; ')}.`,
    { errors },
  );
}

/** A 400 about one place of the request. */
export function invalid(path: FieldPath, message: string, detail = message): ValidationError {
  return new ValidationError(message, { errors: [{ path, detail }] });
}

/** A zod issue's path segment as a place in JSON: a key, or an array index (a symbol key never occurs in JSON). */
export function segment(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}
