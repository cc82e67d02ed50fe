import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/client.js';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();

/** The API describes itself to anyone, without a key (README "API reference"). */
describe('the API reference', () => {
  it('serves its OpenAPI 3.1 document at /openapi.json without an API key', async () => {
    const { status, headers, body } = await apiClient(t.target, null).call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/jobs/{id}');
  });

  it('serves a reference page at /docs that loads its renderer from this API, not a CDN', async () => {
    const anonymous = apiClient(t.target, null);
    const page = await anonymous.call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('spec-url="openapi.json"');
    expect(page.body).toContain('src="docs/renderer.js"');
    expect(page.body).not.toMatch(/https?:\/\//);
    const renderer = await anonymous.call('GET', '/docs/renderer.js');
    expect(renderer.status).toBe(200);
    expect(renderer.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(String(renderer.body).length).toBeGreaterThan(100_000);
  });

  it('still asks for a key everywhere else', async () => {
    const { status, body } = await apiClient(t.target, null).call('GET', '/jobs');
    expect(status).toBe(401);
    expect(body.status).toBe(401);
  });
});
