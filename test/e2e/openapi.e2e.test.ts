import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/client.js';
import { memberAt } from '../helpers/json-members.js';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();

/** The API describes itself to anyone, without a key (README "API reference"): raw requests, with no key. */
describe('the API reference', () => {
  it('serves its OpenAPI 3.1 document at /openapi.json without an API key', async () => {
    const { status, headers, body } = await rawRequest(t.target, null)('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toMatchObject({ openapi: '3.1.0' });
    expect(memberAt(body, 'paths', '/jobs/{id}')).toBeDefined();
  });

  it('serves a reference page at /docs that loads its renderer from this API, not a CDN', async () => {
    const anonymous = rawRequest(t.target, null);
    const page = await anonymous('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('spec-url="openapi.json"');
    expect(page.body).toContain('src="docs/renderer.js"');
    expect(page.body).not.toMatch(/https?:\/\//);
    const renderer = await anonymous('GET', '/docs/renderer.js');
    expect(renderer.status).toBe(200);
    expect(renderer.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(String(renderer.body).length).toBeGreaterThan(100_000);
  });

  it('still asks for a key everywhere else', async () => {
    const response = await rawRequest(t.target, null)('GET', '/jobs');
    expect(response).toMatchObject({ status: 401, body: { status: 401 } });
  });
});
