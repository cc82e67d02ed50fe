/**
 * The authorizer's decision (functions/authorizer.ts): which environment a request acts for,
 * and with what grant. An API key is looked up by its hash; a browser token is verified
 * with the token secret. What the grant then allows is shared/access/policy.ts's to say.
 */
import type { Grant } from '../domain/access.js';
import { TOKEN_QUERY_ROUTES } from '../http/public-routes.js';
import type { TokenSecret } from '../ports.js';
import { grantOfClaims, looksLikeToken, verifyToken } from './token.js';

export interface CredentialSource {
  method: string;
  path: string;
  headers?: Readonly<Record<string, string | undefined>>;
  query?: Readonly<Record<string, string | undefined>>;
}

export type Credential = { kind: 'api-key' | 'token'; value: string };

/**
 * The credential a request carries: the bearer of its `Authorization` header (a token when
 * it has a JWT's shape, else an API key), or, on the routes a browser opens with
 * EventSource, a token in the `token` query parameter.
 */
export function credentialOf(request: CredentialSource): Credential | undefined {
  const header = request.headers?.authorization ?? request.headers?.Authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  if (bearer) return { kind: looksLikeToken(bearer) ? 'token' : 'api-key', value: bearer };
  const queryToken = request.query?.token;
  const takesQueryToken = TOKEN_QUERY_ROUTES.some(
    (route) => route.method === request.method && route.path === request.path,
  );
  if (takesQueryToken && queryToken && looksLikeToken(queryToken))
    return { kind: 'token', value: queryToken };
  return undefined;
}

/** What an API key is granted: its environment, and its id, expiry and rate limit when it has them. */
export type KeyGrant = Omit<Extract<Grant, { credential: 'api-key' }>, 'credential'>;

export interface Authorities {
  /** The grant of an API key, if it is one that works (shared/access/keys.ts). */
  findKey(apiKey: string): Promise<KeyGrant | undefined>;
  tokenSecret: TokenSecret;
}

/**
 * The grant of a credential, or undefined when it is none of ours. A token past its `exp`
 * still gets its grant: the API refuses it with a `token-expired` problem, which tells the
 * page to mint a new one, where a refusal here would only say "unauthorized".
 */
export async function authorize(
  credential: Credential,
  authorities: Authorities,
): Promise<Grant | undefined> {
  if (credential.kind === 'token') {
    const claims = await verifyToken(await authorities.tokenSecret.key(), credential.value);
    return claims && grantOfClaims(claims);
  }
  const key = await authorities.findKey(credential.value);
  return key && { credential: 'api-key', ...key };
}
