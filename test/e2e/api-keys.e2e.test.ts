import { describe, expect, it } from 'vitest';
import { bodyOf, problemIn, problemOf, rawRequest, testClient } from '../helpers/client.js';
import { type LocalStack, remoteTarget, useTarget } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

/**
 * API keys with a lifecycle, over HTTP (docs/auth.md): an administrator creates a key (shown
 * once), the key works in its environment, rotates with an overlap, is revoked within the
 * authorizer cache TTL, expires, and is limited per minute (429 with Retry-After). The admin
 * routes are IAM-authorized on AWS; on the local stack they take the admin key, so these
 * tests run there only. The gateway's authorizer cache is 1 s here, so that a revocation
 * shows without waiting the default 30 s.
 */
const CACHE_SECONDS = 1;
const t = useTarget({ env: { PARTWISE_LOCAL_AUTHORIZER_CACHE_SECONDS: String(CACHE_SECONDS) } });

const ENVIRONMENT = 'env_keys_e2e';
const admin = () => testClient(t.target, (t.local as LocalStack).adminKey);
const byId = (id: string) => ({ params: { path: { id } } });

async function createKey(body: { name: string; expiresAt?: string; rateLimitPerMinute?: number }) {
  return bodyOf(await admin().api.POST('/admin/keys', { body: { environmentId: ENVIRONMENT, ...body } }), 201)
    .data;
}

/** The status of GET /jobs with `key`, as a client sees it. */
async function statusWith(key: string): Promise<number> {
  return (await rawRequest(t.target, key)('GET', '/jobs')).status;
}

describe.runIf(!remoteTarget)('API keys on the local stack', () => {
  it('creates a key that works in its environment at once, and shows it only in the answer that created it', async () => {
    const created = await createKey({ name: 'e2e create' });
    expect(created.key).toMatch(/^pw_live_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      environmentId: ENVIRONMENT,
      status: 'active',
      prefix: created.key.slice(0, 24),
    });

    // Use: the key sees its own environment only.
    const client = testClient(t.target, created.key);
    const file = bodyOf(await client.api.POST('/files', { body: { name: 'a.csv' } }), 201).data;
    expect(file.environmentId).toBe(ENVIRONMENT);
    problemOf(await testClient(t.target).api.GET('/files/{id}', byId(file.id)), 404);

    // Shown once: the list and the key's page carry its prefix, never the key.
    const listed = await admin().api.GET('/admin/keys', {
      params: { query: { environmentId: ENVIRONMENT } },
    });
    const page = bodyOf(listed, 200);
    const mine = page.data.find((key) => key.id === created.id);
    expect(mine).toMatchObject({ prefix: created.prefix, name: 'e2e create' });
    expect(JSON.stringify(page)).not.toContain(created.key);
    const one = bodyOf(await admin().api.GET('/admin/keys/{id}', byId(created.id)), 200).data;
    expect(JSON.stringify(one)).not.toContain(created.key);
    expect(listed.response.headers.get('cache-control')).toBeNull();
  });

  it('refuses the admin routes without the admin key: an API key, or nothing at all', async () => {
    const created = await createKey({ name: 'e2e not admin' });
    for (const key of [created.key, t.target.apiKey, null]) {
      const answer = await rawRequest(t.target, key)('GET', `/admin/keys?environmentId=${ENVIRONMENT}`);
      problemIn(answer, 401);
    }
  });

  it('answers every bad admin request with a 4xx that says what is wrong', async () => {
    const send = rawRequest(t.target, (t.local as LocalStack).adminKey);
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/admin/keys', { name: 'x' }, 400, 'validation-failed'],
      ['POST', '/admin/keys', { environmentId: 'prod', name: 'x' }, 400, 'validation-failed'],
      [
        'POST',
        '/admin/keys',
        { environmentId: ENVIRONMENT, name: 'x', expiresAt: '2001-01-01T00:00:00Z' },
        400,
        'validation-failed',
      ],
      [
        'POST',
        '/admin/keys',
        { environmentId: ENVIRONMENT, name: 'x', rateLimitPerMinute: 0 },
        400,
        'validation-failed',
      ],
      [
        'POST',
        '/admin/keys',
        { environmentId: ENVIRONMENT, name: 'x', key: 'mine' },
        400,
        'validation-failed',
      ],
      ['GET', '/admin/keys', undefined, 400, 'validation-failed'],
      ['GET', '/admin/keys?environmentId=env_x&next=nonsense', undefined, 400, 'validation-failed'],
      ['GET', '/admin/keys/key_0000000000000000', undefined, 404, 'key-not-found'],
      ['GET', '/admin/keys/nothing-like-a-key', undefined, 404, 'key-not-found'],
      ['POST', '/admin/keys/key_0000000000000000/revoke', undefined, 404, 'key-not-found'],
      ['POST', '/admin/keys/key_0000000000000000/rotate', { overlapSeconds: -1 }, 400, 'validation-failed'],
      ['DELETE', '/admin/keys', undefined, 405, 'method-not-allowed'],
      ['GET', '/admin/nothing', undefined, 404, 'route-not-found'],
    ];
    for (const [method, path, body, status, type] of cases) {
      const problem = problemIn(await send(method, path, body), status);
      expect(problem.type, `${method} ${path} ${JSON.stringify(body)}`).toBe(`urn:partwise:problem:${type}`);
    }
  });

  it('rotates a key: both work during the overlap, then the old one answers key-expired', async () => {
    const old = await createKey({ name: 'e2e rotate' });
    const rotated = bodyOf(
      await admin().api.POST('/admin/keys/{id}/rotate', { ...byId(old.id), body: { overlapSeconds: 3 } }),
      201,
    ).data;

    expect(rotated.key.replaces).toBe(old.id);
    expect(rotated.previous).toMatchObject({ id: old.id, replacedBy: rotated.key.id, status: 'active' });
    expect(await statusWith(old.key)).toBe(200);
    expect(await statusWith(rotated.key.key)).toBe(200);
    problemIn(
      await rawRequest(t.target, (t.local as LocalStack).adminKey)('POST', `/admin/keys/${old.id}/rotate`),
      409,
    );

    // The overlap's end is checked on every request, however long the authorizer's answer is cached.
    const expired = await waitFor(
      'the old key to expire',
      () => rawRequest(t.target, old.key)('GET', '/jobs'),
      (a) => a.status !== 200,
      {
        timeoutMs: 10_000,
        intervalMs: 250,
      },
    );
    expect(problemIn(expired, 401).type).toBe('urn:partwise:problem:key-expired');
    expect(await statusWith(rotated.key.key)).toBe(200);
    const listed = bodyOf(await admin().api.GET('/admin/keys/{id}', byId(old.id)), 200).data;
    expect(listed.status).toBe('expired');
  });

  it('revokes a key: refused once the authorizer cache TTL has passed', async () => {
    const created = await createKey({ name: 'e2e revoke' });
    expect(await statusWith(created.key)).toBe(200);
    const revoked = bodyOf(await admin().api.POST('/admin/keys/{id}/revoke', byId(created.id)), 200).data;
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });

    const started = Date.now();
    await waitFor(
      'the revoked key to be refused',
      () => statusWith(created.key),
      (status) => status === 401,
      {
        timeoutMs: 10_000,
        intervalMs: 100,
      },
    );
    expect(Date.now() - started).toBeLessThan((CACHE_SECONDS + 3) * 1000);
    // Revoking again changes nothing.
    const again = bodyOf(await admin().api.POST('/admin/keys/{id}/revoke', byId(created.id)), 200).data;
    expect(again.revokedAt).toBe(revoked.revokedAt);
  });

  it('expires a key at its expiresAt', async () => {
    const created = await createKey({
      name: 'e2e expire',
      expiresAt: new Date(Date.now() + 2000).toISOString(),
    });
    expect(await statusWith(created.key)).toBe(200);
    const expired = await waitFor(
      'the key to expire',
      () => rawRequest(t.target, created.key)('GET', '/jobs'),
      (a) => a.status !== 200,
      {
        timeoutMs: 10_000,
        intervalMs: 250,
      },
    );
    expect(problemIn(expired, 401).type).toBe('urn:partwise:problem:key-expired');
  });

  it('limits a key per minute: the request past the limit is a 429 with Retry-After, other keys go on', async () => {
    const limited = await createKey({ name: 'e2e limit', rateLimitPerMinute: 3 });
    // Fixed one-minute windows: 10 requests in a few seconds meet at most two windows (3 + 3).
    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<ReturnType<typeof rawRequest>>> | undefined;
    for (let i = 0; i < 10 && !refusal; i++) {
      const answer = await rawRequest(t.target, limited.key)('GET', '/jobs');
      statuses.push(answer.status);
      if (answer.status === 429) refusal = answer;
    }
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3);
    expect(refusal).toBeDefined();
    if (!refusal) return;
    expect(problemIn(refusal, 429).type).toBe('urn:partwise:problem:rate-limited');
    const retryAfter = Number(refusal.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await statusWith(t.target.apiKey)).toBe(200);
  });
});
