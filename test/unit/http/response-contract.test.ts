import { describe, expect, it } from 'vitest';
import { checkResponse } from '../../helpers/response-contract.js';

const json = (status: number, body: unknown, contentType = 'application/json') => ({
  status,
  contentType,
  text: JSON.stringify(body),
  body,
});

const job = {
  id: 'job_01jd0000000000000000000000',
  environmentId: 'env_1',
  type: 'file',
  operation: 'extract',
  source: 'file_1',
  config: {},
  trigger: 'manual',
  mode: 'background',
  status: 'READY',
  parts: 2,
  processed: 0,
  failed: 0,
  progress: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const problem = (status: number, code: string) => ({
  type: `urn:partwise:problem:${code}`,
  title: 'x',
  status,
  detail: 'x',
  correlationId: 'c',
});

describe('the response contract the e2e suites hold the API to', () => {
  it('takes a response the document describes for its route, method and status', () => {
    expect(() => checkResponse('GET', `/jobs/${job.id}?x=1`, json(200, { data: job }))).not.toThrow();
    expect(() =>
      checkResponse(
        'GET',
        '/jobs/job_x',
        json(404, problem(404, 'job-not-found'), 'application/problem+json'),
      ),
    ).not.toThrow();
  });

  it('refuses a body that breaks the schema, saying where', () => {
    const { status: _, ...withoutStatus } = job;
    expect(() => checkResponse('GET', `/jobs/${job.id}`, json(200, { data: withoutStatus }))).toThrow(
      /GET \/jobs\/\{id\} 200[\s\S]*\/data must have required property 'status'/,
    );
  });

  it('refuses a status the document does not list for the route', () => {
    expect(() => checkResponse('GET', `/jobs/${job.id}`, json(418, problem(418, 'teapot')))).toThrow(
      /does not list status 418/,
    );
  });

  it('refuses a media type the document does not give', () => {
    expect(() => checkResponse('GET', `/jobs/${job.id}`, json(200, { data: job }, 'text/plain'))).toThrow(
      /documented as application\/json/,
    );
  });

  it('refuses a route the document lacks, unless the API said it has no such route', () => {
    expect(() => checkResponse('GET', '/nowhere', json(200, { data: {} }))).toThrow(
      /no path of the document/,
    );
    expect(() => checkResponse('PUT', '/jobs', json(200, { data: {} }))).toThrow(/has no PUT for \/jobs/);
    expect(() =>
      checkResponse(
        'GET',
        '/nowhere',
        json(404, problem(404, 'route-not-found'), 'application/problem+json'),
      ),
    ).not.toThrow();
  });
});
