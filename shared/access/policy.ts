/**
 * What a grant may do (check.ts, re-exported here), and the grant an authorizer's answer
 * carries to the function behind it.
 */
import * as z from 'zod';
import { type Grant, MAX_ENVIRONMENT_ID_LENGTH, TOKEN_SCOPES } from '../domain/access.js';
import { UnauthorizedError } from '../domain/errors.js';

export { type AccessRequest, checkAccess, MINT_ROUTE, RUN_WRITES } from './check.js';

/** A whole number, as the authorizer's context carries it: a number, or its digits in a string. */
const wholeNumber = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);

/**
 * The grant as the authorizer put it in its answer's context (`requestContext.authorizer.lambda`).
 * Whatever else arrives is no grant: the request is refused, never let through as a key's.
 */
const GrantContext = z.discriminatedUnion('credential', [
  z.object({
    credential: z.literal('api-key'),
    environmentId: z.string().min(1),
    keyId: z.string().min(1).optional(),
    expiresAt: wholeNumber.optional(),
    rateLimitPerMinute: wholeNumber.optional(),
  }),
  z.object({
    credential: z.literal('token'),
    environmentId: z.string().min(1).max(MAX_ENVIRONMENT_ID_LENGTH),
    scope: z.enum(TOKEN_SCOPES),
    jobId: z.string().min(1).optional(),
    expiresAt: wholeNumber,
  }),
]);

/** The grant of an authorizer context; a 401 for a context that holds none. */
export function grantOfContext(context: unknown): Grant {
  const parsed = GrantContext.safeParse(context);
  if (!parsed.success) throw new UnauthorizedError();
  return parsed.data;
}
