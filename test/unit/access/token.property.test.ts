import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeToken, signToken, verifyToken } from '../../../shared/access/token.js';
import { TOKEN_SCOPES, TOKEN_TTL_SECONDS, type TokenScope } from '../../../shared/domain/access.js';
import { newId } from '../../../shared/domain/ids.js';

const SECRET = new TextEncoder().encode('a-token-secret-of-at-least-thirty-two-bytes');

const request: fc.Arbitrary<Given> = fc.record({
  environmentId: fc.stringMatching(/^env_[A-Za-z0-9_]{1,40}$/),
  scope: fc.constantFrom<TokenScope>(...TOKEN_SCOPES),
  ttlSeconds: fc.integer({ min: TOKEN_TTL_SECONDS.min, max: TOKEN_TTL_SECONDS.max }),
  // 2001 to 2286, in whole milliseconds.
  now: fc.integer({ min: 1e12, max: 1e13 }).map((ms) => new Date(ms)),
});

interface Given {
  environmentId: string;
  scope: TokenScope;
  ttlSeconds: number;
  now: Date;
}

/** A token for `given`; a watch token for a job of its own. */
async function mint({ now, ...rest }: Given) {
  const jobId = rest.scope === 'watch' ? newId('job') : undefined;
  return signToken(SECRET, { ...rest, ...(jobId ? { jobId } : {}) }, now);
}

describe('browser tokens, for any environment, scope, lifetime and clock', () => {
  it('verify to exactly the claims they were minted with, expiring ttlSeconds after they were issued', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (given) => {
        const { token, claims } = await mint(given);
        expect(await verifyToken(SECRET, token)).toEqual(claims);
        expect(claims.exp - claims.iat).toBe(given.ttlSeconds);
        expect(claims.iat).toBe(Math.floor(given.now.getTime() / 1000));
        expect(claims.sub).toBe(given.environmentId);
        expect(looksLikeToken(token)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('altered anywhere, either fail to verify or still say exactly what was signed', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(request, fc.nat(), fc.nat(), async (given, at, by) => {
        const { token, claims } = await mint(given);
        const index = at % token.length;
        const replacement = alphabet[by % alphabet.length] ?? 'A';
        const altered = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
        const verified = await verifyToken(SECRET, altered);
        // A base64url segment's last character carries spare bits: changing only those is no change.
        if (verified !== undefined) expect(verified).toEqual(claims);
      }),
      { numRuns: 300 },
    );
  });
});
