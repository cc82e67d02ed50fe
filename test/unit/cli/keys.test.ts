import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, regionOf } from '../../../shared/cli/keys.js';
import { UsageError } from '../../../shared/cli/output.js';

describe('the region partwise keys signs for', () => {
  it('is the one of an execute-api URL, else AWS_REGION, else AWS_DEFAULT_REGION', () => {
    expect(regionOf('https://abc123.execute-api.eu-west-1.amazonaws.com/', {})).toBe('eu-west-1');
    expect(regionOf('https://jobs.example.com', { AWS_REGION: 'us-east-2' })).toBe('us-east-2');
    expect(regionOf('https://jobs.example.com', { AWS_DEFAULT_REGION: 'ap-south-1' })).toBe('ap-south-1');
  });

  it('cannot be told for a custom domain without AWS_REGION: a usage error that says so', () => {
    expect(() => regionOf('https://jobs.example.com', {})).toThrow(UsageError);
    expect(() => regionOf('https://jobs.example.com', {})).toThrow(/AWS_REGION/);
  });
});

describe('an admin request without an admin key', () => {
  let seen: { headers: IncomingHttpHeaders; url?: string } | undefined;
  const server = createServer((req, res) => {
    seen = { headers: req.headers, ...(req.url ? { url: req.url } : {}) };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: [], next: null }));
  });
  let url = '';
  const saved = { ...process.env };

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example' });
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  it('is signed with SigV4 for execute-api in the region, with the shell’s AWS credentials, and carries no bearer', async () => {
    const client = await adminClient({ url, from: 'test' }, { AWS_REGION: 'eu-central-1' });
    const answer = await client.api.GET('/admin/keys', {
      params: { query: { environmentId: 'env_a', limit: 5 } },
    });

    expect(answer.response.status).toBe(200);
    expect(seen?.url).toBe('/admin/keys?environmentId=env_a&limit=5');
    expect(seen?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(seen?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });
});
