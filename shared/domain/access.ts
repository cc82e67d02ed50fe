/**
 * Who a request acts for (DESIGN §10, docs/auth.md): an environment's API key, which may do
 * everything in its environment and lives on a server, or a browser token minted with it,
 * which may do what its scope says, in that one environment, until it expires.
 */

/**
 * - `read`: every GET of the environment;
 * - `run`: what `read` may, and upload files and create, execute, cancel and retry jobs;
 * - `watch`: GETs of one job (`jobId`) and of its events, nothing else.
 */
export const TOKEN_SCOPES = ['read', 'run', 'watch'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * How long a token lives, in seconds: 15 minutes unless the minting call asks otherwise,
 * from one minute to one hour. A page that stays open mints a new one before `expiresAt`.
 */
export const TOKEN_TTL_SECONDS = { default: 900, min: 60, max: 3600 } as const;

/** The longest environment id a token carries (the key store names environments freely: `env_dev`, `env_production`). */
export const MAX_ENVIRONMENT_ID_LENGTH = 256;

export type Grant =
  | {
      credential: 'api-key';
      environmentId: string;
      /** The key's id; a key from before the lifecycle has none (and no rate limit of its own). */
      keyId?: string;
      /** Seconds since the epoch: the key's expiry, or the end of a rotation's overlap. */
      expiresAt?: number;
      /** Requests a minute this key may make (docs/auth.md, "Rate limit"). */
      rateLimitPerMinute?: number;
    }
  | {
      credential: 'token';
      environmentId: string;
      scope: TokenScope;
      /** The one job a `watch` token may read. */
      jobId?: string;
      /** Seconds since the epoch (the token's `exp`): from then on, the token is refused. */
      expiresAt: number;
    };

/** Whether the grant has run out at `now`: a token at its `exp` (RFC 7519 §4.1.4), a key at its `expiresAt` if it has one. */
export function isExpired(grant: Grant, now: Date): boolean {
  return grant.expiresAt !== undefined && now.getTime() >= grant.expiresAt * 1000;
}
