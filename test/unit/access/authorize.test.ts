import { describe, expect, it } from 'vitest';
import { type Authorities, authorize, credentialOf } from '../../../shared/access/authorize.js';
import { signToken } from '../../../shared/access/token.js';
import { newId } from '../../../shared/domain/ids.js';

const SECRET = new TextEncoder().encode('a-token-secret-of-at-least-thirty-two-bytes');
const NOW = new Date('2026-11-28T10:00:00Z');

/** One API key (`pw_key-a` of env_a), the secret, and how often each was consulted. */
function authorities() {
  const asked = { keys: 0, secret: 0 };
  const given: Authorities = {
    findKey: async (key) => {
      asked.keys++;
      return key === 'pw_key-a' ? { environmentId: 'env_a' } : undefined;
    },
    tokenSecret: {
      key: async () => {
        asked.secret++;
        return SECRET;
      },
    },
  };
  return { given, asked };
}

const tokenOf = async (scope: 'read' | 'watch', now = NOW, ttlSeconds = 900) =>
  (
    await signToken(
      SECRET,
      { environmentId: 'env_a', scope, ttlSeconds, ...(scope === 'watch' ? { jobId: newId('job') } : {}) },
      now,
    )
  ).token;

describe('the credential of a request', () => {
  it('is the bearer of the Authorization header: a token by its shape, else an API key', async () => {
    const token = await tokenOf('read');
    const on = (authorization: string) =>
      credentialOf({ method: 'GET', path: '/jobs', headers: { authorization } });
    expect(on(`Bearer ${token}`)).toEqual({ kind: 'token', value: token });
    expect(on('bearer pw_key-a')).toEqual({ kind: 'api-key', value: 'pw_key-a' });
    expect(on('Basic YTpi')).toBeUndefined();
    expect(on('Bearer')).toBeUndefined();
    expect(
      credentialOf({ method: 'GET', path: '/jobs', headers: { Authorization: 'Bearer pw_key-a' } }),
    ).toEqual({
      kind: 'api-key',
      value: 'pw_key-a',
    });
  });

  it('is a token in ?token= on the event stream only, and never an API key there', async () => {
    const token = await tokenOf('read');
    expect(credentialOf({ method: 'GET', path: '/events/stream', query: { token } })).toEqual({
      kind: 'token',
      value: token,
    });
    expect(credentialOf({ method: 'GET', path: '/events', query: { token } })).toBeUndefined();
    expect(credentialOf({ method: 'POST', path: '/events/stream', query: { token } })).toBeUndefined();
    expect(
      credentialOf({ method: 'GET', path: '/events/stream', query: { token: 'pw_key-a' } }),
    ).toBeUndefined();
  });
});

describe('the authorizer’s decision', () => {
  it('grants an API key its environment, without reading the token secret', async () => {
    const { given, asked } = authorities();
    expect(await authorize({ kind: 'api-key', value: 'pw_key-a' }, given)).toEqual({
      credential: 'api-key',
      environmentId: 'env_a',
    });
    expect(await authorize({ kind: 'api-key', value: 'pw_unknown' }, given)).toBeUndefined();
    expect(asked).toEqual({ keys: 2, secret: 0 });
  });

  it('grants a token what it was minted for, without looking up a key', async () => {
    const { given, asked } = authorities();
    const grant = await authorize({ kind: 'token', value: await tokenOf('watch') }, given);
    expect(grant).toMatchObject({
      credential: 'token',
      environmentId: 'env_a',
      scope: 'watch',
      jobId: expect.stringMatching(/^job_/),
      expiresAt: NOW.getTime() / 1000 + 900,
    });
    expect(asked.keys).toBe(0);
  });

  it('passes an expired but genuine token on with its expiry, for the API to answer token-expired', async () => {
    const { given } = authorities();
    const old = await tokenOf('read', new Date('2020-01-01T00:00:00Z'), 60);
    expect(await authorize({ kind: 'token', value: old }, given)).toMatchObject({
      scope: 'read',
      expiresAt: new Date('2020-01-01T00:01:00Z').getTime() / 1000,
    });
  });

  it('refuses a token whose signature was tampered with', async () => {
    const { given } = authorities();
    const token = await tokenOf('read');
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(32, 1).toString('base64url')}`;
    expect(await authorize({ kind: 'token', value: forged }, given)).toBeUndefined();
  });
});
