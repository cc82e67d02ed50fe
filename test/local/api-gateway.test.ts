import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiGatewayOptions } from '../../infra/local/api-gateway.js';
import { startFixtureGateway } from './fixtures/gateway.js';

let gateway: Awaited<ReturnType<typeof startFixtureGateway>> | undefined;

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function start(options: Partial<ApiGatewayOptions> = {}) {
  gateway = await startFixtureGateway(options);
  return gateway;
}

describe('the local API Gateway', () => {
  it('turns an HTTP request into a payload 2.0 event with the authorizer context', async () => {
    const { url, apiEvents, authorizerEvents } = await start();

    const response = await fetch(`${url}/jobs?status=READY&status=FAILED&limit=5`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer key-a',
        'Content-Type': 'application/json',
        'User-Agent': 'story/1.0',
      },
      body: '{"type":"file"}',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const event = apiEvents[0];
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/jobs',
      rawQueryString: 'status=READY&status=FAILED&limit=5',
      queryStringParameters: { status: 'READY,FAILED', limit: '5' },
      body: '{"type":"file"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/jobs', sourceIp: '127.0.0.1', userAgent: 'story/1.0' },
        stage: '$default',
        authorizer: { lambda: { environmentId: 'env_a' } },
      },
    });
    expect(event?.headers['content-type']).toBe('application/json');
    expect(event?.headers.authorization).toBe('Bearer key-a');
    expect(event?.requestContext.requestId).toMatch(/.+/);
    expect(Math.abs((event?.requestContext.timeEpoch ?? 0) - Date.now())).toBeLessThan(5000);
    expect(authorizerEvents[0]).toMatchObject({
      type: 'REQUEST',
      identitySource: ['Bearer key-a'],
      rawPath: '/jobs',
    });
  });

  it('passes a binary body as base64 and decodes a base64 response', async () => {
    const { url, apiEvents, answerWith } = await start();
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    answerWith(
      (event): APIGatewayProxyStructuredResultV2 => ({
        statusCode: 201,
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from(event.body ?? '', 'base64')
          .reverse()
          .toString('base64'),
        isBase64Encoded: true,
      }),
    );

    const response = await fetch(`${url}/files/f/content`, {
      method: 'PUT',
      headers: { authorization: 'Bearer key-a', 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    expect(apiEvents[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    expect(response.status).toBe(201);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(bytes).reverse());
  });

  it('keeps CSV and NDJSON bodies as text', async () => {
    const { url, apiEvents } = await start();

    for (const type of ['text/csv', 'application/x-ndjson']) {
      await fetch(`${url}/files`, {
        method: 'PUT',
        headers: { authorization: 'Bearer key-a', 'content-type': type },
        body: 'a,b\n1,2\n',
      });
    }

    expect(apiEvents.map((event) => [event.body, event.isBase64Encoded])).toEqual([
      ['a,b\n1,2\n', false],
      ['a,b\n1,2\n', false],
    ]);
  });

  it('answers 401 problem JSON without an Authorization header or with a key the authorizer denies', async () => {
    const { url, apiEvents, authorizerEvents } = await start();

    const missing = await fetch(`${url}/jobs`);
    const denied = await fetch(`${url}/jobs`, { headers: { authorization: 'Bearer nope' } });

    for (const response of [missing, denied]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({
        type: 'urn:partwise:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: expect.stringMatching(/API key/),
        correlationId: response.headers.get('apigw-requestid'),
      });
    }
    expect(authorizerEvents).toHaveLength(1); // no header: API Gateway does not even call the authorizer
    expect(apiEvents).toHaveLength(0);
  });

  it('serves GET /health without the authorizer', async () => {
    const { url, apiEvents, authorizerEvents } = await start();

    const response = await fetch(`${url}/health`);

    expect(response.status).toBe(200);
    expect(authorizerEvents).toHaveLength(0);
    expect(apiEvents[0]?.requestContext.authorizer).toBeUndefined();
  });

  it('caches an allowed authorizer result per Authorization header until the TTL passes', async () => {
    const { url, apiEvents, authorizerEvents } = await start({ authorizerCacheSeconds: 0.5 });
    const get = (key: string) => fetch(`${url}/jobs`, { headers: { authorization: key } });

    await get('Bearer key-a');
    await get('Bearer key-a');
    await get('Bearer key-b');
    const cached = authorizerEvents.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    await get('Bearer key-a');

    expect(cached).toBe(2);
    expect(authorizerEvents).toHaveLength(3);
    expect(apiEvents.map((event) => event.requestContext.authorizer.lambda.environmentId)).toEqual([
      'env_a',
      'env_a',
      'env_b',
      'env_a',
    ]);
  });

  it('answers 413 problem JSON for a body over 10 MB, without invoking the API', async () => {
    const { url, apiEvents } = await start();

    const response = await fetch(`${url}/files/f/content`, {
      method: 'PUT',
      headers: { authorization: 'Bearer key-a', 'content-type': 'text/csv' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      type: 'urn:partwise:problem:payload-too-large',
      status: 413,
      title: 'Content Too Large',
      detail: expect.stringMatching(/10 MB/),
    });
    expect(apiEvents).toHaveLength(0);
  });

  it('answers 500 problem JSON without internals when the API function throws', async () => {
    const { url, answerWith } = await start();
    answerWith(() => {
      throw new Error('secret stack detail');
    });

    const response = await fetch(`${url}/jobs`, { headers: { authorization: 'Bearer key-a' } });

    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ status: 500 });
    expect(text).not.toContain('secret');
  });
  it('names every request: the same id in the event, in the apigw-requestid header and in its own problems', async () => {
    const { url, apiEvents } = await start();

    const served = await fetch(`${url}/jobs`, { headers: { authorization: 'Bearer key-a' } });
    const denied = await fetch(`${url}/jobs`, { headers: { authorization: 'Bearer nope' } });
    const tooLarge = await fetch(`${url}/files/f/content`, {
      method: 'PUT',
      headers: { authorization: 'Bearer key-a' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });

    expect(served.headers.get('apigw-requestid')).toBe(apiEvents[0]?.requestContext.requestId);
    for (const refused of [denied, tooLarge]) {
      const id = refused.headers.get('apigw-requestid');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(refused.headers.get('x-correlation-id')).toBe(id);
      expect(await refused.json()).toMatchObject({ correlationId: id });
    }
    expect(served.headers.get('apigw-requestid')).not.toBe(denied.headers.get('apigw-requestid'));
  });
});
