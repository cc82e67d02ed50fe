import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccessRequest,
  checkAccess,
  grantOfContext,
  RUN_WRITES,
} from '../../../shared/access/policy.js';
import { type Grant, TOKEN_TTL_SECONDS, type TokenScope } from '../../../shared/domain/access.js';
import {
  InsufficientScopeError,
  TokenExpiredError,
  UnauthorizedError,
} from '../../../shared/domain/errors.js';
import { newId } from '../../../shared/domain/ids.js';
import { DOCUMENTED_ROUTES } from '../../../shared/http/openapi.js';

const NOW = new Date('2026-11-28T10:00:00Z');
const LATER = NOW.getTime() / 1000 + 900;
const JOB = newId('job');
const OTHER_JOB = newId('job');

const token = (scope: TokenScope, extra: Partial<Grant> = {}): Grant => ({
  credential: 'token',
  environmentId: 'env_a',
  scope,
  ...(scope === 'watch' ? { jobId: JOB } : {}),
  expiresAt: LATER,
  ...extra,
});
const key: Grant = { credential: 'api-key', environmentId: 'env_a' };

/** Every route the API documents, as a request naming `id` where the route has one. */
function requests(id = JOB): AccessRequest[] {
  return DOCUMENTED_ROUTES.map((route) => {
    const [method = '', path = ''] = route.split(' ');
    return { method, route: path, ...(path.includes('{id}') ? { id } : {}), query: {} };
  });
}

/** `METHOD /route` of each request the grant may make. */
function allowed(grant: Grant, list: AccessRequest[]): string[] {
  return list
    .filter((request) => {
      try {
        checkAccess(grant, request, NOW);
        return true;
      } catch (error) {
        if (!(error instanceof InsufficientScopeError)) throw error;
        return false;
      }
    })
    .map((request) => `${request.method} ${request.route}`);
}

const documentedReads = DOCUMENTED_ROUTES.filter((route) => route.startsWith('GET '));

describe('what a grant may do', () => {
  it('lets an API key do everything in its environment, minting tokens included', () => {
    expect(allowed(key, requests())).toEqual(DOCUMENTED_ROUTES);
  });

  it('lets a read token make every GET and nothing else', () => {
    expect(allowed(token('read'), requests())).toEqual(documentedReads);
  });

  it('lets a run token read, upload files and create, execute, cancel and retry jobs, and nothing else', () => {
    expect(allowed(token('run'), requests()).sort()).toEqual([...documentedReads, ...RUN_WRITES].sort());
    for (const write of RUN_WRITES) expect(DOCUMENTED_ROUTES, 'a route that exists').toContain(write);
    expect(RUN_WRITES).not.toContain('DELETE /jobs/{id}');
  });

  it('lets a watch token read its own job, what lies below it, its events and the stream, and nothing else', () => {
    const own = allowed(token('watch'), requests(JOB));
    expect(own.sort()).toEqual(
      [
        'GET /jobs/{id}',
        'GET /jobs/{id}/events',
        'GET /jobs/{id}/parts',
        'GET /jobs/{id}/plan',
        'GET /events/stream',
      ].sort(),
    );
    expect(allowed(token('watch'), requests(OTHER_JOB))).toEqual(['GET /events/stream']);
  });

  it('lets a watch token read the events feed of its job only', () => {
    const feed = (jobId?: string): AccessRequest => ({
      method: 'GET',
      route: '/events',
      query: jobId === undefined ? {} : { jobId },
    });
    expect(allowed(token('watch'), [feed(JOB)])).toHaveLength(1);
    expect(allowed(token('watch'), [feed(), feed(OTHER_JOB), feed(`${JOB},${OTHER_JOB}`)])).toEqual([]);
    expect(allowed(token('read'), [feed(), feed(OTHER_JOB)])).toHaveLength(2);
  });

  it('refuses every token POST /tokens, saying the API key mints them', () => {
    for (const scope of ['read', 'run', 'watch'] as const) {
      expect(() => checkAccess(token(scope), { method: 'POST', route: '/tokens', query: {} }, NOW)).toThrow(
        /cannot mint tokens[\s\S]*API key/,
      );
    }
  });

  it('says in the refusal what the token may do instead', () => {
    const refusal = (grant: Grant, request: AccessRequest) => {
      try {
        checkAccess(grant, request, NOW);
      } catch (error) {
        return error;
      }
    };
    expect(refusal(token('read'), { method: 'POST', route: '/jobs', query: {} })).toMatchObject({
      status: 403,
      code: 'insufficient-scope',
      message: expect.stringMatching(/read-only[\s\S]*POST \/jobs/),
    });
    expect(
      refusal(token('run'), { method: 'DELETE', route: '/jobs/{id}', id: JOB, query: {} }),
    ).toMatchObject({
      message: expect.stringMatching(/DELETE \/jobs\/\{id\} needs the API key/),
    });
    expect(refusal(token('watch'), { method: 'GET', route: '/jobs', query: {} })).toMatchObject({
      message: expect.stringContaining(`watches job ${JOB} only`),
    });
  });

  it('refuses a token from its expiry on, with token-expired, whatever it would allow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TokenScope>('read', 'run', 'watch'),
        fc.integer({ min: -7200, max: 7200 }),
        (scope, offsetSeconds) => {
          const grant = token(scope, { expiresAt: NOW.getTime() / 1000 + offsetSeconds });
          const read: AccessRequest = { method: 'GET', route: '/jobs/{id}', id: JOB, query: {} };
          if (offsetSeconds <= 0) {
            expect(() => checkAccess(grant, read, NOW)).toThrow(TokenExpiredError);
          } else {
            expect(() => checkAccess(grant, read, NOW)).not.toThrow();
          }
        },
      ),
    );
  });

  it('never lets a read token write, whatever the route', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
        fc.stringMatching(/^\/[a-z{}/]{0,30}$/),
        (method, route) => {
          expect(() => checkAccess(token('read'), { method, route, query: {} }, NOW)).toThrow(
            InsufficientScopeError,
          );
        },
      ),
    );
  });
});

describe('the grant of an authorizer context', () => {
  it('reads a key’s and a token’s grant, the expiry as a number or a string of digits', () => {
    expect(grantOfContext({ credential: 'api-key', environmentId: 'env_a' })).toEqual(key);
    expect(
      grantOfContext({
        credential: 'token',
        environmentId: 'env_a',
        scope: 'watch',
        jobId: JOB,
        expiresAt: String(LATER),
      }),
    ).toEqual(token('watch'));
  });

  it('refuses anything else with a 401, never taking it for a key', () => {
    for (const context of [
      undefined,
      {},
      { environmentId: 'env_a' },
      { credential: 'api-key' },
      { credential: 'api-key', environmentId: '' },
      { credential: 'token', environmentId: 'env_a', scope: 'admin', expiresAt: LATER },
      { credential: 'token', environmentId: 'env_a', scope: 'read' },
      { credential: 'token', environmentId: 'env_a', scope: 'read', expiresAt: 'soon' },
      { credential: 'session', environmentId: 'env_a' },
    ]) {
      expect(() => grantOfContext(context), JSON.stringify(context)).toThrow(UnauthorizedError);
    }
  });
});

describe('docs/auth.md', () => {
  it('lists every write a run token may make, and the lifetimes', () => {
    const page = readFileSync(new URL('../../../docs/auth.md', import.meta.url), 'utf8');
    for (const route of RUN_WRITES) expect(page, route).toContain(`\`${route.replace('{id}', ':id')}\``);
    const { min, max, default: fallback } = TOKEN_TTL_SECONDS;
    expect(page).toContain(`\`ttlSeconds\` is ${min} to ${max}, ${fallback} when left out`);
  });
});
