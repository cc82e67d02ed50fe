import { describe, expect, it } from 'vitest';
import { allowedMethods } from '../../../shared/http/route-match.js';

const routes = [
  { method: 'GET', path: '/jobs' },
  { method: 'POST', path: '/jobs' },
  { method: 'GET', path: '/jobs/{id}' },
  { method: 'DELETE', path: '/jobs/{id}' },
  { method: 'POST', path: '/jobs/{id}/execute' },
  { method: 'GET', path: '/openapi.json' },
];

describe('allowed methods of a path', () => {
  it('lists every method a path takes, whatever its parameters hold', () => {
    expect(allowedMethods(routes, '/jobs')).toEqual(['GET', 'POST']);
    expect(allowedMethods(routes, '/jobs/')).toEqual(['GET', 'POST']);
    expect(allowedMethods(routes, '/jobs/job_1')).toEqual(['DELETE', 'GET']);
    expect(allowedMethods(routes, '/jobs/job_1/execute')).toEqual(['POST']);
  });

  it('lists none for a path no route has, and takes a dot in a route literally', () => {
    expect(allowedMethods(routes, '/jobs/job_1/nothing')).toEqual([]);
    expect(allowedMethods(routes, '/nothing')).toEqual([]);
    expect(allowedMethods(routes, '/openapiXjson')).toEqual([]);
    expect(allowedMethods(routes, '/openapi.json')).toEqual(['GET']);
  });
});
