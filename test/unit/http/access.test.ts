import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { authorize, credentialOf } from '../../../shared/access/authorize.js';
import { signToken } from '../../../shared/access/token.js';
import type { Grant } from '../../../shared/domain/access.js';
import { RateLimitedError } from '../../../shared/domain/errors.js';
import { newId } from '../../../shared/domain/ids.js';
import { problemJson } from '../../../shared/http/problem.js';
import type { ApiEvent, ApiResult } from '../../../shared/http/request.js';
import { apiRouter } from '../../../shared/http/router.js';
import { apiEvent, lambdaContext } from '../../helpers/api-events.js';
import { memoryServices, newJob } from '../operations/memory-services.js';

/**
 * The API as a Lambda sees it after the authorizer: every route runs behind the one access
 * check (shared/access/policy.ts), and POST /tokens mints with the key's environment.
 */
const SECRET = new TextEncoder().encode('a-token-secret-of-at-least-thirty-two-bytes');
const job = newJob({ id: newId('job'), type: 'file', operation: 'extract', source: newId('file') });
const { services } = memoryServices(job);
const NOW = services.now();
const key: Grant = { credential: 'api-key', environmentId: job.environmentId };
const counted = new Map<string, number>();

const handler = middy<ApiEvent, ApiResult>()
  .use(problemJson())
  .handler(
    apiRouter(() => services, {
      tokenSecret: { key: async () => SECRET },
      rateLimiter: {
        // A limiter that remembers: each key's requests, refused past its limit.
        async consume(keyId, limit) {
          const used = (counted.get(keyId) ?? 0) + 1;
          counted.set(keyId, used);
          if (used > limit) throw new RateLimitedError(`${keyId} made ${limit} requests this minute`, 42);
        },
      },
    }),
  );

async function call(method: string, path: string, grant: Grant, body?: unknown) {
  const result = await handler(apiEvent({ method, path, grant, body }), lambdaContext());
  if (typeof result === 'string') throw new Error('a structured result was expected');
  return {
    status: result.statusCode,
    body: JSON.parse(result.body ?? 'null'),
    headers: result.headers ?? {},
  };
}

/** What the authorizer makes of a bearer credential, as functions/authorizer.ts asks it. */
async function grantOf(token: string): Promise<Grant> {
  const credential = credentialOf({
    method: 'GET',
    path: '/jobs',
    headers: { authorization: `Bearer ${token}` },
  });
  if (!credential) throw new Error('no credential');
  const grant = await authorize(credential, {
    findKey: async () => undefined,
    tokenSecret: { key: async () => SECRET },
  });
  if (!grant) throw new Error('the token was refused');
  return grant;
}

describe('POST /tokens', () => {
  it('mints a token with the API key, for the key’s environment, that the authorizer then grants', async () => {
    // Act
    const minted = await call('POST', '/tokens', key, { scope: 'read', ttlSeconds: 120 });

    // Assess
    expect(minted.status).toBe(200);
    expect(minted.headers['cache-control']).toBe('no-store');
    expect(minted.body.data).toEqual({
      token: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      environmentId: job.environmentId,
      scope: 'read',
      expiresAt: new Date(NOW.getTime() + 120_000).toISOString(),
      expiresIn: 120,
    });
    expect(await grantOf(minted.body.data.token)).toEqual({
      credential: 'token',
      environmentId: job.environmentId,
      scope: 'read',
      expiresAt: NOW.getTime() / 1000 + 120,
    });
  });

  it('mints a watch token for a job of the key’s environment, and none for a job it cannot see', async () => {
    const watch = await call('POST', '/tokens', key, { scope: 'watch', jobId: job.id });
    expect(watch.body.data).toMatchObject({ scope: 'watch', jobId: job.id, expiresIn: 900 });

    const elsewhere = await call(
      'POST',
      '/tokens',
      { credential: 'api-key', environmentId: 'env_other' },
      { scope: 'watch', jobId: job.id },
    );
    const missing = await call('POST', '/tokens', key, { scope: 'watch', jobId: newId('job') });
    for (const refused of [elsewhere, missing]) {
      expect(refused.status).toBe(404);
      expect(refused.body.type).toBe('urn:partwise:problem:job-not-found');
    }
  });

  it('refuses bodies out of bounds, each where it lies', async () => {
    const cases: [unknown, string][] = [
      [{}, '/scope'],
      [{ scope: 'admin' }, '/scope'],
      [{ scope: 'watch' }, '/jobId'],
      [{ scope: 'read', jobId: job.id }, '/jobId'],
      [{ scope: 'watch', jobId: 'file_x' }, '/jobId'],
      [{ scope: 'read', ttlSeconds: 59 }, '/ttlSeconds'],
      [{ scope: 'read', ttlSeconds: 3601 }, '/ttlSeconds'],
      [{ scope: 'read', ttlSeconds: 90.5 }, '/ttlSeconds'],
      [{ scope: 'read', audience: 'x' }, '/audience'],
    ];
    for (const [body, pointer] of cases) {
      const answer = await call('POST', '/tokens', key, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(
        answer.body.errors.map((e: { pointer: string }) => e.pointer),
        JSON.stringify(body),
      ).toContain(pointer);
    }
  });

  it('is refused to a token: only the API key mints', async () => {
    const token = (await call('POST', '/tokens', key, { scope: 'run' })).body.data.token;
    const again = await call('POST', '/tokens', await grantOf(token), { scope: 'run' });
    expect(again.status).toBe(403);
    expect(again.body.type).toBe('urn:partwise:problem:insufficient-scope');
  });
});

describe('a token on the other routes', () => {
  const mint = async (scope: 'read' | 'run' | 'watch', now = NOW, ttlSeconds = 900) =>
    grantOf(
      (
        await signToken(
          SECRET,
          {
            environmentId: job.environmentId,
            scope,
            ttlSeconds,
            ...(scope === 'watch' ? { jobId: job.id } : {}),
          },
          now,
        )
      ).token,
    );

  it('reads with a read token, and is refused a write with 403 before the route runs', async () => {
    const read = await mint('read');
    expect((await call('GET', `/jobs/${job.id}`, read)).status).toBe(200);
    // The memory job store has no update: a route that ran would fail with a 500, not a 403.
    const cancel = await call('POST', `/jobs/${job.id}/cancel`, read);
    expect(cancel.status).toBe(403);
    expect(cancel.body).toMatchObject({
      type: 'urn:partwise:problem:insufficient-scope',
      title: 'Forbidden',
    });
  });

  it('watches its job only', async () => {
    const watch = await mint('watch');
    expect((await call('GET', `/jobs/${job.id}`, watch)).status).toBe(200);
    expect((await call('GET', `/jobs/${newId('job')}`, watch)).status).toBe(403);
    expect((await call('GET', '/files', watch)).status).toBe(403);
  });

  it('is refused from its expiry on with 401 token-expired, however long an authorizer answer is cached', async () => {
    const expired = await mint('read', new Date(NOW.getTime() - 61_000), 60);
    const answer = await call('GET', `/jobs/${job.id}`, expired);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      type: 'urn:partwise:problem:token-expired',
      detail: expect.stringMatching(/expired at .*POST \/tokens/),
    });
  });

  it('is a 404 on a job of another environment, as for an API key of that environment', async () => {
    const other = { ...(await mint('read')), environmentId: 'env_other' };
    const answer = await call('GET', `/jobs/${job.id}`, other);
    expect(answer.status).toBe(404);
    expect(answer.body.type).toBe('urn:partwise:problem:job-not-found');
  });

  it('holds no grant when the authorizer’s context is not one: 401, never a key’s rights', async () => {
    const event = apiEvent({ method: 'GET', path: `/jobs/${job.id}`, grant: key });
    const { credential: _, ...withoutCredential } = key;
    Object.assign(event.requestContext.authorizer, { lambda: withoutCredential });
    const result = await handler(event, lambdaContext());
    expect(typeof result !== 'string' && result.statusCode).toBe(401);
  });
});

describe('an API key of the lifecycle on the routes', () => {
  const keyOfId = (keyId: string, extra: { expiresAt?: number } = {}): Grant => ({
    credential: 'api-key',
    environmentId: job.environmentId,
    keyId,
    rateLimitPerMinute: 2,
    ...extra,
  });

  it('counts each request against its key, and answers the one past the limit 429 with Retry-After', async () => {
    const grant = keyOfId('key_ratelimited00001');
    expect((await call('GET', `/jobs/${job.id}`, grant)).status).toBe(200);
    expect((await call('GET', `/jobs/${job.id}`, grant)).status).toBe(200);
    const refused = await call('GET', `/jobs/${job.id}`, grant);

    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('42');
    expect(refused.body).toMatchObject({ type: 'urn:partwise:problem:rate-limited', status: 429 });
    // Another key of the same environment has its own count.
    expect((await call('GET', `/jobs/${job.id}`, keyOfId('key_ratelimited00002'))).status).toBe(200);
  });

  it('leaves a key from before the lifecycle (no id) to the stage throttle', async () => {
    for (let i = 0; i < 5; i++) expect((await call('GET', `/jobs/${job.id}`, key)).status).toBe(200);
    expect(counted.size).toBeGreaterThan(0);
    expect([...counted.keys()].every((id) => id.startsWith('key_'))).toBe(true);
  });

  it('is refused from its expiry on with 401 key-expired, however long an authorizer answer is cached', async () => {
    const expired = keyOfId('key_expired000000001', { expiresAt: Math.floor(NOW.getTime() / 1000) - 1 });
    const answer = await call('GET', `/jobs/${job.id}`, expired);

    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      type: 'urn:partwise:problem:key-expired',
      detail: expect.stringMatching(/key_expired000000001 expired at/),
    });
    expect(counted.has('key_expired000000001')).toBe(false);
  });

  it('takes the key’s id, expiry and limit as an authorizer context carries them: numbers or digits', async () => {
    const event = apiEvent({ method: 'GET', path: `/jobs/${job.id}`, grant: key });
    Object.assign(event.requestContext.authorizer, {
      lambda: {
        ...keyOfId('key_fromcontext00001'),
        rateLimitPerMinute: '1',
        expiresAt: String(Math.floor(NOW.getTime() / 1000) + 60),
      },
    });
    const first = await handler(event, lambdaContext());
    const second = await handler(event, lambdaContext());
    expect(typeof first !== 'string' && first.statusCode).toBe(200);
    expect(typeof second !== 'string' && second.statusCode).toBe(429);
  });
});
