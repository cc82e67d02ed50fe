import { describe, expect, it } from 'vitest';
import { signToken } from '../../../shared/access/token.js';
import { TokenExpiredError, UnauthorizedError } from '../../../shared/domain/errors.js';
import { newId } from '../../../shared/domain/ids.js';
import type { TokenSecret } from '../../../shared/ports.js';
import { admitPushToken } from '../../../shared/push/admit.js';
import { closeConnection, openConnection, pushScopeOfContext } from '../../../shared/push/connections.js';
import { memoryConnectionStore } from '../../helpers/push.js';

const SECRET = new TextEncoder().encode('a-token-secret-of-at-least-thirty-two-bytes');
const OTHER_SECRET = new TextEncoder().encode('another-secret-of-at-least-thirty-two-bytes');
const NOW = new Date('2026-11-28T10:00:00Z');
const secret: TokenSecret = { key: async () => SECRET };

const mint = async (
  scope: 'read' | 'run' | 'watch',
  options: { issuedAt?: Date; ttlSeconds?: number; key?: Uint8Array; jobId?: string } = {},
) =>
  signToken(
    options.key ?? SECRET,
    {
      environmentId: 'env_a',
      scope,
      ttlSeconds: options.ttlSeconds ?? 900,
      ...(scope === 'watch' ? { jobId: options.jobId ?? newId('job') } : {}),
    },
    options.issuedAt ?? NOW,
  );

describe('admitting a push socket ($connect authorizer)', () => {
  it('admits a browser token of every scope, with its grant', async () => {
    for (const scope of ['read', 'run', 'watch'] as const) {
      const { token, claims } = await mint(scope);
      const admission = await admitPushToken(token, secret, NOW);
      expect(admission).toEqual({
        admitted: true,
        grant: {
          credential: 'token',
          environmentId: 'env_a',
          scope,
          ...(claims.job ? { jobId: claims.job } : {}),
          expiresAt: claims.exp,
        },
      });
    }
  });

  it('refuses no token, and an API key, without reading the secret', async () => {
    let reads = 0;
    const counting: TokenSecret = {
      key: async () => {
        reads++;
        return SECRET;
      },
    };
    for (const token of [undefined, '', 'pw_an-api-key-is-never-taken-from-a-url']) {
      const admission = await admitPushToken(token, counting, NOW);
      expect(admission.admitted).toBe(false);
      expect(admission).toMatchObject({ reason: expect.stringMatching(/no browser token/) });
    }
    expect(reads).toBe(0);
  });

  it('refuses a token another secret signed, or one whose signature was changed', async () => {
    const foreign = (await mint('read', { key: OTHER_SECRET })).token;
    const { token } = await mint('read');
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const candidate of [foreign, tampered]) {
      expect(await admitPushToken(candidate, secret, NOW)).toEqual({
        admitted: false,
        reason: 'not a token partwise signed',
      });
    }
  });

  it('refuses a token at and after its expiry, and admits it a second before', async () => {
    const { token, claims } = await mint('read', { ttlSeconds: 60 });
    const at = new Date(claims.exp * 1000);
    expect((await admitPushToken(token, secret, new Date(at.getTime() - 1000))).admitted).toBe(true);
    const refused = await admitPushToken(token, secret, at);
    expect(refused).toMatchObject({ admitted: false, reason: expect.stringMatching(/expired/) });
  });
});

describe('opening a push connection ($connect route)', () => {
  /** The authorizer's context as the route receives it: flattened, every value a string. */
  const contextOf = (grant: Record<string, unknown>) => ({
    principalId: 'env_a',
    integrationLatency: '12',
    ...Object.fromEntries(Object.entries(grant).map(([k, v]) => [k, String(v)])),
  });

  it("keeps the connection with its token's environment, job and expiry (the table's TTL)", async () => {
    // Prepare
    const jobId = newId('job');
    const { token } = await mint('watch', { jobId });
    const admission = await admitPushToken(token, secret, NOW);
    if (!admission.admitted) throw new Error('not admitted');
    const { store, items } = memoryConnectionStore();

    // Act
    const opened = await openConnection(store, 'L0SM9cOFvHcCIhw=', contextOf(admission.grant), NOW);

    // Assess
    expect(opened).toEqual({
      connectionId: 'L0SM9cOFvHcCIhw=',
      environmentId: 'env_a',
      jobId,
      expiresAt: admission.grant.expiresAt,
      connectedAt: NOW.toISOString(),
    });
    expect(items.get('L0SM9cOFvHcCIhw=')).toEqual(opened);
  });

  it('opens nothing for a context that holds no token grant', async () => {
    const { store, items } = memoryConnectionStore();
    for (const context of [
      undefined,
      { principalId: 'env_a' },
      { credential: 'api-key', environmentId: 'env_a' },
      { credential: 'token', environmentId: 'env_a', scope: 'admin', expiresAt: '1900000000' },
    ]) {
      await expect(openConnection(store, 'c1', context, NOW)).rejects.toBeInstanceOf(UnauthorizedError);
    }
    expect(items.size).toBe(0);
  });

  it('opens nothing for a token that expired between the authorizer and the route', () => {
    const context = contextOf({
      credential: 'token',
      environmentId: 'env_a',
      scope: 'read',
      expiresAt: NOW.getTime() / 1000,
    });
    expect(() => pushScopeOfContext(context, NOW)).toThrow(TokenExpiredError);
  });

  it('forgets a connection that closed', async () => {
    const { store, items } = memoryConnectionStore();
    const { token } = await mint('read');
    const admission = await admitPushToken(token, secret, NOW);
    if (!admission.admitted) throw new Error('not admitted');
    await openConnection(store, 'c1', contextOf(admission.grant), NOW);

    await closeConnection(store, 'c1');
    await closeConnection(store, 'c1');

    expect(items.size).toBe(0);
  });
});
