import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from 'partwise/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_SECRET_FILE } from '../../infra/local/secrets-extension.js';
import { signToken } from '../../shared/access/token.js';
import {
  bodyOf,
  contractCheckedFetch,
  problemIn,
  problemOf,
  rawRequest,
  type TestClient,
  testClient,
} from '../helpers/client.js';
import { memberAt, stringAt } from '../helpers/json-members.js';
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

type Scope = 'read' | 'run' | 'watch';
/** A typed answer of any route, for checks run over several. */
type Answer = { data?: unknown; error?: Problem; response: Response };

/**
 * A token's lifetime when none is asked for. The typed body of POST /tokens requires
 * `ttlSeconds` (openapi-typescript makes a member with a default required), so the typed
 * calls name it; the default itself is tested through a raw request.
 */
const DEFAULT_TTL = 900;
const byId = (id: string) => ({ params: { path: { id } } });

/** A token minted by `minter` (an API key's client), and a client that sends it. */
async function tokenClient(minter: TestClient, scope: Scope, extra: { jobId?: string } = {}) {
  const minted = await minter.api.POST('/tokens', { body: { scope, ttlSeconds: DEFAULT_TTL, ...extra } });
  const data = bodyOf(minted, 200).data;
  return { token: data.token, data, client: testClient(t.target, data.token) };
}

/** A problem of this type (problemOf / problemIn checked its status and media type). */
function expectProblem(problem: Problem, type: string) {
  expect(problem.type).toBe(`urn:partwise:problem:${type}`);
}

/** A READY job on a small file: created, planned, waiting for execute. */
async function readyJob(client: TestClient): Promise<string> {
  const file = await client.uploadFile('people.csv', 'name,age\nAda,36\nGrace,45\n');
  const created = await client.api.POST('/jobs', {
    body: { type: 'file', operation: 'extract', source: file.id },
  });
  const job = bodyOf(created, 201).data;
  await client.pollJob(job.id, (j) => j.status === 'READY');
  return job.id;
}

describe('POST /tokens', () => {
  it('mints a token with the API key: its scope, environment and expiry, never cached', async () => {
    // Act: `fresh` leaves ttlSeconds out (the typed body cannot), to get the default.
    const before = Date.now();
    const fresh = await t.raw('POST', '/tokens', { scope: 'read' });
    const brief = await t.client.api.POST('/tokens', { body: { scope: 'run', ttlSeconds: 60 } });

    // Assess
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(fresh.headers.get('cache-control')).toBe('no-store');
    expect(fresh.body).toMatchObject({ data: { tokenType: 'Bearer', scope: 'read', expiresIn: 900 } });
    const expiresAt = Date.parse(stringAt(fresh.body, 'data', 'expiresAt'));
    expect(Math.abs(expiresAt - (before + 900_000))).toBeLessThan(60_000);
    expect(bodyOf(brief, 200).data).toMatchObject({ scope: 'run', expiresIn: 60 });
    const environment = testClient(t.target, stringAt(fresh.body, 'data', 'token'));
    bodyOf(await environment.api.GET('/jobs', { params: { query: { limit: 1 } } }), 200);
  });

  it('refuses a lifetime out of bounds, a watch token without its job, and a token asking for a token', async () => {
    const { api } = t.client;
    expectProblem(
      problemOf(await api.POST('/tokens', { body: { scope: 'read', ttlSeconds: 7200 } }), 400),
      'validation-failed',
    );
    expectProblem(problemIn(await t.raw('POST', '/tokens', { scope: 'watch' }), 400), 'validation-failed');
    const { client } = await tokenClient(t.client, 'run');
    expectProblem(
      problemOf(await client.api.POST('/tokens', { body: { scope: 'read', ttlSeconds: DEFAULT_TTL } }), 403),
      'insufficient-scope',
    );
  });
});

describe('a token’s scope', () => {
  it('lets a read token read, and refuses it every write with 403', async () => {
    // Prepare
    const jobId = await readyJob(t.client);
    const { client } = await tokenClient(t.client, 'read');
    const { api } = client;

    // Act, Assess
    bodyOf(await api.GET('/jobs/{id}', byId(jobId)), 200);
    bodyOf(await api.GET('/files', { params: { query: { limit: 1 } } }), 200);
    const file = (await t.client.getJob(jobId)).source;
    expectProblem(
      problemOf(await api.POST('/jobs', { body: { type: 'file', operation: 'extract', source: file } }), 403),
      'insufficient-scope',
    );
    expectProblem(
      problemOf(await api.POST('/files', { body: { name: 'x.csv' } }), 403),
      'insufficient-scope',
    );
    expectProblem(problemOf(await api.POST('/jobs/{id}/execute', byId(jobId)), 403), 'insufficient-scope');
    expect((await t.client.getJob(jobId)).status).toBe('READY');
  });

  it('lets a run token upload a file and create and execute a job, but not delete it', async () => {
    // Prepare
    const { client } = await tokenClient(t.client, 'run');
    const { api } = client;

    // Act
    const file = await client.uploadFile('run.csv', 'name\nAda\n');
    const created = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id },
    });
    const jobId = bodyOf(created, 201).data.id;
    await client.pollJob(jobId, (job) => job.status === 'READY');
    const executed = await api.POST('/jobs/{id}/execute', byId(jobId));
    const done = await client.pollJob(jobId, (job) => job.status === 'COMPLETED');

    // Assess
    expect([created.response.status, executed.response.status]).toEqual([201, 202]);
    bodyOf(executed, 202);
    expect(done.processed).toBe(done.parts);
    expectProblem(problemOf(await api.DELETE('/jobs/{id}', byId(done.id)), 403), 'insufficient-scope');
    expectProblem(problemOf(await api.DELETE('/files/{id}', byId(file.id)), 403), 'insufficient-scope');
  });

  it('limits a watch token to its job and its events', async () => {
    // Prepare
    const jobId = await readyJob(t.client);
    const otherJobId = await readyJob(t.client);
    const { client, data } = await tokenClient(t.client, 'watch', { jobId });
    const { api } = client;
    const events = (query: { jobId?: string }) => api.GET('/events', { params: { query } });

    // Act, Assess
    expect(data).toMatchObject({ scope: 'watch', jobId });
    // bodyOf names the URL of an answer that is not 200.
    const allowed: (() => Promise<Answer>)[] = [
      () => api.GET('/jobs/{id}', byId(jobId)),
      () => api.GET('/jobs/{id}/parts', byId(jobId)),
      () => api.GET('/jobs/{id}/events', byId(jobId)),
      () => events({ jobId }),
    ];
    for (const send of allowed) bodyOf(await send(), 200);
    const refused: [path: string, send: () => Promise<Answer>][] = [
      [`/jobs/${otherJobId}`, () => api.GET('/jobs/{id}', byId(otherJobId))],
      ['/jobs', () => api.GET('/jobs')],
      ['/events', () => events({})],
      [`/events?jobId=${otherJobId}`, () => events({ jobId: otherJobId })],
      ['/files', () => api.GET('/files')],
    ];
    for (const [path, send] of refused) {
      const problem = problemOf(await send(), 403);
      expect(problem.type, path).toBe('urn:partwise:problem:insufficient-scope');
    }
    expectProblem(problemOf(await api.POST('/jobs/{id}/cancel', byId(jobId)), 403), 'insufficient-scope');
  });
});

describe.runIf(hasOtherEnvironment)('a token of one environment against another', () => {
  let other: TestClient;
  let theirJobId: string;

  beforeAll(async () => {
    other = testClient(t.target, OTHER_KEY);
    theirJobId = await readyJob(other);
  }, 120_000);

  it('gets 404 for the other environment’s job, as its API key does', async () => {
    const { client } = await tokenClient(t.client, 'read');
    for (const caller of [client, t.client]) {
      expectProblem(problemOf(await caller.api.GET('/jobs/{id}', byId(theirJobId)), 404), 'job-not-found');
    }
    bodyOf(await other.api.GET('/jobs/{id}', byId(theirJobId)), 200);
  });

  it('cannot even be minted to watch the other environment’s job', async () => {
    const minted = await t.client.api.POST('/tokens', {
      body: { scope: 'watch', jobId: theirJobId, ttlSeconds: DEFAULT_TTL },
    });
    expectProblem(problemOf(minted, 404), 'job-not-found');
    const theirs = await tokenClient(other, 'watch', { jobId: theirJobId });
    bodyOf(await theirs.client.api.GET('/jobs/{id}', byId(theirJobId)), 200);
  });
});

describe('a token partwise did not sign as it is', () => {
  it('is refused with 401 when its signature was changed, or made with another secret', async () => {
    const { token } = await tokenClient(t.client, 'run');
    const [header, payload, signature = ''] = token.split('.');
    const middle = Math.floor(signature.length / 2);
    const flipped = `${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    const foreign = await signToken(randomBytes(32), {
      environmentId: 'env_dev',
      scope: 'run',
      ttlSeconds: 300,
    });
    for (const forged of [`${header}.${payload}.${flipped}`, foreign.token]) {
      problemOf(await testClient(t.target, forged).api.GET('/jobs'), 401);
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

    const refused = problemOf(await testClient(t.target, expired.token).api.GET('/jobs'), 401);
    expectProblem(refused, 'token-expired');
    expect(refused.detail).toMatch(/expired at .*POST \/tokens/);
    bodyOf(await testClient(t.target, current.token).api.GET('/jobs'), 200);
  });

  it('hands a page on this machine a dev-environment token without a key, and refuses another site', async () => {
    // No key at all: a request the typed client (which always sends one) cannot make.
    const keyless = rawRequest(t.target, null);
    const minted = await keyless('POST', '/local/tokens', { scope: 'run', ttlSeconds: 300 });
    expect(minted.status, JSON.stringify(minted.body)).toBe(200);
    expect(minted.body).toMatchObject({ data: { environmentId: 'env_dev', scope: 'run', expiresIn: 300 } });
    const local = testClient(t.target, stringAt(minted.body, 'data', 'token'));
    bodyOf(await local.api.GET('/jobs', { params: { query: { limit: 1 } } }), 200);

    const crossSite = await keyless(
      'POST',
      '/local/tokens',
      { scope: 'run' },
      { origin: 'https://elsewhere.example' },
    );
    expectProblem(problemIn(crossSite, 403), 'loopback-only');
  });

  it('streams a watch token, given as ?token=, the events of its job alone', async () => {
    // Prepare: a job to watch, READY; a token for it; the stream open.
    const { api } = t.client;
    const jobId = await readyJob(t.client);
    const { token } = await tokenClient(t.client, 'watch', { jobId });
    const controller = new AbortController();
    const stream = await contractCheckedFetch(t.target.url)(`${t.target.url}/events/stream?token=${token}`, {
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    if (!stream.body) throw new Error('the event stream has no body');

    // Act: another job runs meanwhile, then the watched one.
    const file = await t.client.uploadFile('noise.csv', 'a\n1\n');
    const noise = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate' },
    });
    bodyOf(noise, 201);
    bodyOf(await api.POST('/jobs/{id}/execute', byId(jobId)), 202);

    // Assess: everything until the watched job completed is about that job.
    const reader = stream.body.getReader();
    let text = '';
    const jobIds = () =>
      [...text.matchAll(/^data: (.+)$/gm)].map((m) => memberAt(JSON.parse(m[1] ?? '{}'), 'jobId'));
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
    const url = `${t.target.url}/events/stream?token=${t.target.apiKey}`;
    const response = await contractCheckedFetch(t.target.url)(url);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    await response.body?.cancel();
  });
});
