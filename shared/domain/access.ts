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
  | { credential: 'api-key'; environmentId: string }
  | {
      credential: 'token';
      environmentId: string;
      scope: TokenScope;
      /** The one job a `watch` token may read. */
      jobId?: string;
      /** Seconds since the epoch (the token's `exp`): from then on, the token is refused. */
      expiresAt: number;
    };

/** Whether the grant has run out at `now`: a key never does, a token at its `exp` (RFC 7519 §4.1.4). */
export function isExpired(grant: Grant, now: Date): boolean {
  return grant.credential === 'token' && now.getTime() >= grant.expiresAt * 1000;
}
