import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type BusEvent, LocalEventBus } from '../../infra/local/event-bus.js';
import { loopbackRefusal } from '../../infra/local/local-tokens.js';
import type { Grant } from '../../shared/domain/access.js';
import { startFixtureGateway } from './fixtures/gateway.js';

let gateway: Awaited<ReturnType<typeof startFixtureGateway>> | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await gateway?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  gateway = undefined;
  dataDir = undefined;
});

const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe('POST /local/tokens', () => {
  it('is POST /tokens for the dev environment, as its server would call it with the key: no authorizer, no key', async () => {
    gateway = await startFixtureGateway({ localTokens: { environmentId: 'env_dev' } });

    const response = await fetch(`${gateway.url}/local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"scope":"run"}',
    });

    expect(response.status).toBe(200);
    expect(gateway.authorizerEvents).toHaveLength(0);
    expect(gateway.apiEvents[0]).toMatchObject({
      rawPath: '/tokens',
      body: '{"scope":"run"}',
      requestContext: {
        http: { method: 'POST', path: '/tokens' },
        authorizer: { lambda: { credential: 'api-key', environmentId: 'env_dev' } },
      },
    });
  });

  it('refuses a page of another site with 403 loopback-only, before anything is minted', async () => {
    gateway = await startFixtureGateway({ localTokens: { environmentId: 'env_dev' } });

    const response = await fetch(`${gateway.url}/local/tokens`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{"scope":"run"}',
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      type: 'urn:partwise:problem:loopback-only',
      detail: expect.stringContaining('https://evil.example'),
    });
    expect(gateway.apiEvents).toHaveLength(0);
  });

  it('refuses a request to another host name: a site whose name was rebound to 127.0.0.1', async () => {
    gateway = await startFixtureGateway({ localTokens: { environmentId: 'env_dev' } });
    const { port } = new URL(gateway.url);

    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/local/tokens', method: 'POST', headers: { host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('{"scope":"read"}');
    });

    expect(status).toBe(403);
    expect(gateway.apiEvents).toHaveLength(0);
  });

  it('is no route of its own when the gateway is not asked to serve it', async () => {
    gateway = await startFixtureGateway();
    const response = await fetch(`${gateway.url}/local/tokens`, { method: 'POST', body: '{"scope":"run"}' });
    expect(response.status).toBe(401);
  });
});

describe('who may have a dev token', () => {
  it('is a caller on this machine, asking a loopback name, from no page or a page of that very origin', () => {
    const allowed = [
      { remoteAddress: '127.0.0.1', host: 'localhost:3000' },
      { remoteAddress: '::1', host: '[::1]:3000', origin: 'http://[::1]:3000' },
      { remoteAddress: '::ffff:127.0.0.1', host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' },
    ];
    const refused = [
      { remoteAddress: '10.0.0.7', host: 'localhost:3000' },
      { remoteAddress: '192.168.1.2', host: '192.168.1.1:3000' },
      { remoteAddress: '127.0.0.1', host: 'evil.example:3000' },
      { remoteAddress: '127.0.0.1', host: 'localhost.evil.example' },
      { remoteAddress: '127.0.0.1', host: 'localhost:3000', origin: 'http://localhost:4000' },
      { remoteAddress: '127.0.0.1', host: 'localhost:3000', origin: 'null' },
      { remoteAddress: '127.0.0.1', host: '' },
    ];
    expect(allowed.map(loopbackRefusal)).toEqual(allowed.map(() => undefined));
    for (const caller of refused)
      expect(loopbackRefusal(caller), JSON.stringify(caller)).toMatch(/local\/tokens/);
  });
});

describe('GET /events/stream with a browser token', () => {
  /** An authorizer that grants each `Bearer`/`?token=` value what `grants` says. */
  async function start(grants: Record<string, Grant>) {
    dataDir = await mkdtemp(join(tmpdir(), 'partwise-token-stream-'));
    const bus = new LocalEventBus(join(dataDir, 'events.jsonl'));
    const authorized: string[] = [];
    gateway = await startFixtureGateway({
      bus,
      authorizer: {
        invoke: async (event) => {
          const identity = (event as APIGatewayRequestAuthorizerEventV2).identitySource[0] ?? '';
          authorized.push(identity);
          const grant = grants[identity.replace(/^Bearer /, '')];
          return grant ? { isAuthorized: true, context: grant } : { isAuthorized: false };
        },
      },
    });
    return { bus, authorized, url: gateway.url };
  }

  const busEvent = (id: string, jobId: string, environmentId = 'env_a'): BusEvent => ({
    version: '0',
    id: `eb-${id}`,
    'detail-type': 'job:updated',
    source: 'partwise',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { id, environmentId, jobId },
  });

  /** The `id:` lines a stream sends until it ends or `count` arrived. */
  async function ids(response: Response, count: number): Promise<string[]> {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const found = () => [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1] ?? '');
    while (found().length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    return found();
  }

  it('takes the token as ?token= and streams a watch token its job’s events only', async () => {
    const watch: Grant = {
      credential: 'token',
      environmentId: 'env_a',
      scope: 'watch',
      jobId: 'job_1',
      expiresAt: inSeconds(60),
    };
    const { bus, authorized, url } = await start({ 'tok.en.watch': watch });

    const response = await fetch(`${url}/events/stream?token=tok.en.watch`);
    expect(response.status).toBe(200);
    await bus.publish([busEvent('e1', 'job_2'), busEvent('e2', 'job_1', 'env_b'), busEvent('e3', 'job_1')]);

    expect(await ids(response, 1)).toEqual(['e3']);
    expect(authorized).toEqual(['tok.en.watch']);
  });

  it('takes ?token= on the stream alone, not on the API routes', async () => {
    const { url } = await start({
      'tok.en.read': { credential: 'token', environmentId: 'env_a', scope: 'read', expiresAt: inSeconds(60) },
    });
    expect((await fetch(`${url}/jobs?token=tok.en.read`)).status).toBe(401);
  });

  it('refuses an expired token with token-expired, and ends a token’s stream when the token expires', async () => {
    const { url } = await start({
      'tok.en.old': { credential: 'token', environmentId: 'env_a', scope: 'read', expiresAt: inSeconds(-1) },
      'tok.en.brief': { credential: 'token', environmentId: 'env_a', scope: 'read', expiresAt: inSeconds(1) },
    });

    const old = await fetch(`${url}/events/stream`, { headers: { authorization: 'Bearer tok.en.old' } });
    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ type: 'urn:partwise:problem:token-expired' });

    const brief = await fetch(`${url}/events/stream?token=tok.en.brief`);
    expect(brief.status).toBe(200);
    // The stream ends by itself (within the second left), with nothing sent.
    expect(await ids(brief, 1)).toEqual([]);
  });
});
