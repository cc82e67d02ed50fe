import { randomBytes } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { looksLikeToken, MIN_SECRET_BYTES, signToken, verifyToken } from '../../../shared/access/token.js';
import { newApiKey } from '../../../shared/domain/api-keys.js';
import { newId } from '../../../shared/domain/ids.js';

const SECRET = new TextEncoder().encode('a-token-secret-of-at-least-thirty-two-bytes');
const NOW = new Date('2026-11-28T10:00:00Z');

/** A JWS of `payload` under `header`, signed with the secret: what a forger holding the secret, or a bug, would make. */
async function signed(payload: object, header: Record<string, unknown> = { alg: 'HS256' }) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'HS256', ...header })
    .sign(SECRET);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('browser tokens', () => {
  it('carry the environment, scope, job and lifetime they were minted for', async () => {
    // Prepare
    const jobId = newId('job');

    // Act
    const { token, claims } = await signToken(
      SECRET,
      { environmentId: 'env_dev', scope: 'watch', jobId, ttlSeconds: 900 },
      NOW,
    );

    // Assess
    expect(claims).toMatchObject({
      iss: 'partwise',
      aud: 'partwise',
      sub: 'env_dev',
      scope: 'watch',
      job: jobId,
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 900,
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await verifyToken(SECRET, token)).toEqual(claims);
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
  });

  it('are refused under another secret', async () => {
    const { token } = await signToken(
      SECRET,
      { environmentId: 'env_dev', scope: 'read', ttlSeconds: 60 },
      NOW,
    );
    expect(await verifyToken(randomBytes(32), token)).toBeUndefined();
  });

  it('are refused unsigned (alg none) or signed with another algorithm', async () => {
    const { token, claims } = await signToken(
      SECRET,
      { environmentId: 'env_dev', scope: 'run', ttlSeconds: 60 },
      NOW,
    );
    const [, payload] = token.split('.');
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const hs512 = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new Uint8Array(64).fill(7));

    expect(await verifyToken(SECRET, unsigned)).toBeUndefined();
    expect(await verifyToken(SECRET, `${base64url({ alg: 'none' })}.${payload}.x`)).toBeUndefined();
    expect(await verifyToken(new Uint8Array(64).fill(7), hs512)).toBeUndefined();
  });

  it('are refused, even well signed, when their claims are not the ones partwise mints', async () => {
    const { claims } = await signToken(
      SECRET,
      { environmentId: 'env_dev', scope: 'read', ttlSeconds: 60 },
      NOW,
    );
    const variants: Record<string, Record<string, unknown>> = {
      'another issuer': { ...claims, iss: 'someone' },
      'another audience': { ...claims, aud: 'another-api' },
      'an unknown scope': { ...claims, scope: 'admin' },
      'a claim partwise does not sign': { ...claims, admin: true },
      'no jti': { ...claims, jti: undefined },
      'no expiry': { ...claims, exp: undefined },
      'an expiry before its issue': { ...claims, exp: claims.iat },
      'a watch token without its job': { ...claims, scope: 'watch' },
      'a read token naming a job': { ...claims, job: newId('job') },
      'a job that is no job id': { ...claims, scope: 'watch', job: 'job_../../x' },
      'no environment': { ...claims, sub: '' },
    };
    for (const [what, payload] of Object.entries(variants)) {
      expect(await verifyToken(SECRET, await signed(payload)), what).toBeUndefined();
    }
    expect(await verifyToken(SECRET, await signed(claims))).toEqual(claims);
  });

  it('are refused when the payload is not JSON, or the token is not three segments', async () => {
    const notJson = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(SECRET);
    expect(await verifyToken(SECRET, notJson)).toBeUndefined();
    for (const garbage of ['', 'a.b', 'a.b.c.d', 'pw_key', 'ey.ey.ey', `${'a'.repeat(6000)}.b.c`]) {
      expect(await verifyToken(SECRET, garbage), garbage.slice(0, 20)).toBeUndefined();
    }
  });

  it('are neither signed nor verified with a secret shorter than the hash (RFC 7518 §3.2)', async () => {
    const short = new Uint8Array(MIN_SECRET_BYTES - 1);
    await expect(
      signToken(short, { environmentId: 'env_dev', scope: 'read', ttlSeconds: 60 }, NOW),
    ).rejects.toThrow(/at least 32 bytes/);
    await expect(verifyToken(short, 'a.b.c')).rejects.toThrow(/at least 32 bytes/);
  });

  it('are told from API keys by their shape alone', () => {
    expect(looksLikeToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')).toBe(true);
    expect(looksLikeToken(newApiKey().key)).toBe(false);
    expect(looksLikeToken('pw_tenancy-other-environment-key')).toBe(false);
    expect(looksLikeToken('a.b.c d')).toBe(false);
  });
});
