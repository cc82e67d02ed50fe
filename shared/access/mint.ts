import type { TokenScope } from '../domain/access.js';
import { jobOf } from '../engine/lifecycle.js';
import type { TokenSecret } from '../ports.js';
import type { Services } from '../services.js';
import { signToken } from './token.js';

export interface MintRequest {
  scope: TokenScope;
  jobId?: string;
  ttlSeconds: number;
}

/** What POST /tokens answers: the token, and what it allows until when. */
export interface MintedTokenView {
  token: string;
  tokenType: 'Bearer';
  environmentId: string;
  scope: TokenScope;
  jobId?: string;
  expiresAt: string;
  expiresIn: number;
}

/**
 * A browser token for `environmentId` (the API key's: a token never mints one). A watch
 * token's job must be one of that environment's, as any route naming a job would see it.
 */
export async function mintToken(
  services: Services,
  tokenSecret: TokenSecret,
  environmentId: string,
  request: MintRequest,
): Promise<MintedTokenView> {
  if (request.jobId !== undefined) await jobOf(services, environmentId, request.jobId);
  const { token, claims } = await signToken(
    await tokenSecret.key(),
    { environmentId, ...request },
    services.now(),
  );
  return {
    token,
    tokenType: 'Bearer',
    environmentId,
    scope: claims.scope,
    ...(claims.job === undefined ? {} : { jobId: claims.job }),
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    expiresIn: claims.exp - claims.iat,
  };
}
