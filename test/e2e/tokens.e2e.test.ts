import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_SECRET_FILE } from '../../infra/local/secrets-extension.js';
import { signToken } from '../../shared/access/token.js';
import { type ApiResponse, apiClient } from '../helpers/client.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Browser tokens over HTTP (docs/auth.md): a server mints them with its API key, and the
 * page calls the API with a token that may do what its scope says, in one environment,
 * until it expires. Against a deployment, set PARTWISE_OTHER_API_KEY to a key of a second
 * environment; the tests that sign with the stack's own secret run on the local stack only.
 */
const OTHER_KEY = process.env.PARTWISE_OTHER_API_KEY ?? 'pw_tokens-other-environment-key';
const t = useTarget({
  env: { PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_tokens_other' }) },
});
const hasOtherEnvironment = !remoteTarget || Boolean(process.env.PARTWISE_OTHER_API_KEY);

type Api = ReturnType<typeof apiClient>;
type Scope = 'read' | 'run' | 'watch';

/** A token minted by `minter` (the API key's client), and a client that sends it. */
async function tokenClient(minter: Api, scope: Scope, extra: { jobId?: string; ttlSeconds?: number } = {}) {
  const minted = await minter.call('POST', '/tokens', { scope, ...extra });
  expect(minted.status, JSON.stringify(minted.body)).toBe(200);
  const token: string = minted.body.data.token;
  return { token, data: minted.body.data, api: apiClient(t.target, token) };
}

function expectProblem(response: ApiResponse, status: number, type: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, type: `urn:partwise:problem:${type}` });
}

/** A READY job on a small file: created, planned, waiting for execute. */
async function readyJob(api: Api): Promise<string> {
  const file = await api.uploadFile('people.csv', 'name,age\nAda,36\nGrace,45\n');
  const created = await api.call('POST', '/jobs', { type: 'file', operation: 'extract', source: file.id });
  expect(created.status).toBe(201);
  await api.waitForJob(created.body.data.id, (job) => job.status === 'READY');
  return created.body.data.id;
}

describe('POST /tokens', () => {
  it('mints a token with the API key: its scope, environment and expiry, never cached', async () => {
    // Act
    const before = Date.now();
    const fresh = await t.api.call('POST', '/tokens', { scope: 'read' });
    const brief = await t.api.call('POST', '/tokens', { scope: 'run', ttlSeconds: 60 });

    // Assess
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('cache-control')).toBe('no-store');
    expect(fresh.body.data).toMatchObject({ tokenType: 'Bearer', scope: 'read', expiresIn: 900 });
    const expiresAt = Date.parse(fresh.body.data.expiresAt);
    expect(Math.abs(expiresAt - (before + 900_000))).toBeLessThan(60_000);
    expect(brief.body.data).toMatchObject({ scope: 'run', expiresIn: 60 });
    const environment = await apiClient(t.target, fresh.body.data.token).call('GET', '/jobs?limit=1');
    expect(environment.status).toBe(200);
  });

  it('refuses a lifetime out of bounds, a watch token without its job, and a token asking for a token', async () => {
    expectProblem(
      await t.api.call('POST', '/tokens', { scope: 'read', ttlSeconds: 7200 }),
      400,
      'validation-failed',
    );
    expectProblem(await t.api.call('POST', '/tokens', { scope: 'watch' }), 400, 'validation-failed');
    const { api } = await tokenClient(t.api, 'run');
    expectProblem(await api.call('POST', '/tokens', { scope: 'read' }), 403, 'insufficient-scope');
  });
});

describe('a token’s scope', () => {
  it('lets a read token read, and refuses it every write with 403', async () => {
    // Prepare
    const jobId = await readyJob(t.api);
    const { api } = await tokenClient(t.api, 'read');

    // Act, Assess
    expect((await api.call('GET', `/jobs/${jobId}`)).status).toBe(200);
    expect((await api.call('GET', '/files?limit=1')).status).toBe(200);
    const file = (await t.api.call('GET', `/jobs/${jobId}`)).body.data.source;
    expectProblem(
      await api.call('POST', '/jobs', { type: 'file', operation: 'extract', source: file }),
      403,
      'insufficient-scope',
    );
    expectProblem(await api.call('POST', '/files', { name: 'x.csv' }), 403, 'insufficient-scope');
    expectProblem(await api.call('POST', `/jobs/${jobId}/execute`), 403, 'insufficient-scope');
    expect((await t.api.call('GET', `/jobs/${jobId}`)).body.data.status).toBe('READY');
  });

  it('lets a run token upload a file and create and execute a job, but not delete it', async () => {
    // Prepare
    const { api } = await tokenClient(t.api, 'run');

    // Act
    const file = await api.uploadFile('run.csv', 'name\nAda\n');
    const created = await api.call('POST', '/jobs', { type: 'file', operation: 'extract', source: file.id });
    await api.waitForJob(created.body.data.id, (job) => job.status === 'READY');
    const executed = await api.call('POST', `/jobs/${created.body.data.id}/execute`);
    const done = await api.waitForJob(created.body.data.id, (job) => job.status === 'COMPLETED');

    // Assess
    expect([created.status, executed.status]).toEqual([201, 202]);
    expect(done.processed).toBe(done.parts);
    expectProblem(await api.call('DELETE', `/jobs/${done.id}`), 403, 'insufficient-scope');
    expectProblem(await api.call('DELETE', `/files/${file.id}`), 403, 'insufficient-scope');
  });

  it('limits a watch token to its job and its events', async () => {
    // Prepare
    const jobId = await readyJob(t.api);
    const otherJobId = await readyJob(t.api);
    const { api, data } = await tokenClient(t.api, 'watch', { jobId });

    // Act, Assess
    expect(data).toMatchObject({ scope: 'watch', jobId });
    for (const path of [
      `/jobs/${jobId}`,
      `/jobs/${jobId}/parts`,
      `/jobs/${jobId}/events`,
      `/events?jobId=${jobId}`,
    ]) {
      expect((await api.call('GET', path)).status, path).toBe(200);
    }
    for (const path of [`/jobs/${otherJobId}`, '/jobs', '/events', `/events?jobId=${otherJobId}`, '/files']) {
      expectProblem(await api.call('GET', path), 403, 'insufficient-scope');
    }
    expectProblem(await api.call('POST', `/jobs/${jobId}/cancel`), 403, 'insufficient-scope');
  });
});

describe.runIf(hasOtherEnvironment)('a token of one environment against another', () => {
  let other: Api;
  let theirJobId: string;

  beforeAll(async () => {
    other = apiClient(t.target, OTHER_KEY);
    theirJobId = await readyJob(other);
  }, 120_000);

  it('gets 404 for the other environment’s job, as its API key does', async () => {
    const { api } = await tokenClient(t.api, 'read');
    for (const client of [api, t.api]) {
      expectProblem(await client.call('GET', `/jobs/${theirJobId}`), 404, 'job-not-found');
    }
    expect((await other.call('GET', `/jobs/${theirJobId}`)).status).toBe(200);
  });

  it('cannot even be minted to watch the other environment’s job', async () => {
    expectProblem(
      await t.api.call('POST', '/tokens', { scope: 'watch', jobId: theirJobId }),
      404,
      'job-not-found',
    );
    const theirs = await tokenClient(other, 'watch', { jobId: theirJobId });
    expect((await theirs.api.call('GET', `/jobs/${theirJobId}`)).status).toBe(200);
  });
});

describe('a token partwise did not sign as it is', () => {
  it('is refused with 401 when its signature was changed, or made with another secret', async () => {
    const { token } = await tokenClient(t.api, 'run');
    const [header, payload, signature = ''] = token.split('.');
    const middle = Math.floor(signature.length / 2);
    const flipped = `${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    const foreign = await signToken(randomBytes(32), {
      environmentId: 'env_dev',
      scope: 'run',
      ttlSeconds: 300,
    });
    for (const forged of [`${header}.${payload}.${flipped}`, foreign.token]) {
      const response = await apiClient(t.target, forged).call('GET', '/jobs');
      expect(response.status).toBe(401);
    }
  });
});

describe.runIf(!remoteTarget)('on the local stack', () => {
  /** The stack's own token secret, kept in its data dir. */
  async function stackSecret(): Promise<Uint8Array> {
    const dataDir = t.local?.dataDir;
    if (!dataDir) throw new Error('no local stack');
    return new TextEncoder().encode((await readFile(join(dataDir, TOKEN_SECRET_FILE), 'utf8')).trim());
  }

  it('refuses a token from its expiry on with 401 token-expired (minted an hour ago for a minute)', async () => {
    const secret = await stackSecret();
    const anHourAgo = new Date(Date.now() - 3600_000);
    const expired = await signToken(
      secret,
      { environmentId: 'env_dev', scope: 'read', ttlSeconds: 60 },
      anHourAgo,
    );
    const current = await signToken(secret, { environmentId: 'env_dev', scope: 'read', ttlSeconds: 60 });

    const refused = await apiClient(t.target, expired.token).call('GET', '/jobs');
    expectProblem(refused, 401, 'token-expired');
    expect(refused.body.detail).toMatch(/expired at .*POST \/tokens/);
    expect((await apiClient(t.target, current.token).call('GET', '/jobs')).status).toBe(200);
  });

  it('hands a page on this machine a dev-environment token without a key, and refuses another site', async () => {
    const keyless = apiClient(t.target, null);
    const minted = await keyless.call('POST', '/local/tokens', { scope: 'run', ttlSeconds: 300 });
    expect(minted.status).toBe(200);
    expect(minted.body.data).toMatchObject({ environmentId: 'env_dev', scope: 'run', expiresIn: 300 });
    expect((await apiClient(t.target, minted.body.data.token).call('GET', '/jobs?limit=1')).status).toBe(200);

    const crossSite = await keyless.call(
      'POST',
      '/local/tokens',
      { scope: 'run' },
      { origin: 'https://elsewhere.example' },
    );
    expectProblem(crossSite, 403, 'loopback-only');
  });

  it('streams a watch token, given as ?token=, the events of its job alone', async () => {
    // Prepare: a job to watch, READY; a token for it; the stream open.
    const jobId = await readyJob(t.api);
    const { token } = await tokenClient(t.api, 'watch', { jobId });
    const controller = new AbortController();
    const stream = await fetch(`${t.target.url}/events/stream?token=${token}`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');

    // Act: another job runs meanwhile, then the watched one.
    const file = await t.api.uploadFile('noise.csv', 'a\n1\n');
    await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      trigger: 'immediate',
    });
    await t.api.call('POST', `/jobs/${jobId}/execute`);

    // Assess: everything until the watched job completed is about that job.
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const jobIds = () => [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1] ?? '{}').jobId);
    await waitFor(
      `job:completed of ${jobId} on the stream`,
      async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return text;
      },
      (seen) => /event: job:completed/.test(seen),
    );
    controller.abort();
    expect(jobIds().length).toBeGreaterThan(0);
    expect(new Set(jobIds())).toEqual(new Set([jobId]));
  });

  it('never takes an API key from the query string', async () => {
    const response = await fetch(`${t.target.url}/events/stream?token=${t.target.apiKey}`);
    expect(response.status).toBe(401);
    await response.body?.cancel();
  });
});
