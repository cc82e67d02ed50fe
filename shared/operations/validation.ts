import type * as z from 'zod';
import { ValidationError } from '../domain/errors.js';

/** Parses an operation's config; every problem is reported with its pointer (`body.config.…`). */
export function parseConfig<T extends z.ZodType>(schema: T, config: unknown, operation: string): z.infer<T> {
  const parsed = schema.safeParse(config);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => ({
    pointer: ['body', 'config', ...issue.path].join('.'),
    detail: issue.message,
  }));
  throw new ValidationError(
    `The ${operation} config is not valid: ${errors.map((e) => `${e.pointer.slice(5)} ${e.detail}`).join('; ')}.`,
    { errors },
  );
}

/** A 400 about one place of the request. */
export function invalid(pointer: string, message: string, detail = message): ValidationError {
  return new ValidationError(message, { errors: [{ pointer, detail }] });
}
