import { readdirSync, readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it, vi } from 'vitest';

// The router's table, as apiRouter hands it to middy: captured, not copied.
const table = vi.hoisted(() => ({ routes: [] as { method: string; path: string }[] }));
vi.mock('@middy/http-router', () => ({
  default: (options: { routes: { method: string; path: string }[] }) => {
    table.routes = options.routes;
    return () => undefined;
  },
}));

const { apiRouter } = await import('../../../shared/http/router.js');
const { DOCUMENTED_ROUTES, openApiDocument } = await import('../../../shared/http/openapi.js');
const { ADMIN_PATH_PREFIX, PUBLIC_ROUTES } = await import('../../../shared/http/public-routes.js');
const { adminRouter } = await import('../../../shared/http/admin-router.js');
const { PROBLEM_TYPES } = await import('../../../shared/http/problem-types.js');

type Doc = {
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
  'x-problem-types': { type: string; status: number }[];
};

function routerRoutes(): string[] {
  apiRouter(
    () => {
      throw new Error('no services in this test');
    },
    {
      tokenSecret: { key: () => Promise.reject(new Error('no token secret in this test')) },
      rateLimiter: { consume: () => Promise.reject(new Error('no rate limiter in this test')) },
    },
  );
  return table.routes.map((route) => `${route.method} ${route.path}`);
}

function adminRouterRoutes(): string[] {
  adminRouter(() => {
    throw new Error('no key store in this test');
  });
  return table.routes.map((route) => `${route.method} ${route.path}`);
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as unknown as Doc;

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('compiles: every $ref resolves and every schema is JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    formats.default(ajv);
    ajv.addSchema(doc, 'openapi.json');
    for (const id of Object.keys(doc.components.schemas)) {
      expect(() => ajv.getSchema(`openapi.json#/components/schemas/${id}`), id).not.toThrow();
    }
  });

  it('describes every route of the router, with the method it takes', () => {
    const routes = routerRoutes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) expect(DOCUMENTED_ROUTES, route).toContain(route);
    for (const route of routes) {
      const [method = '', path = ''] = route.split(' ');
      expect(doc.paths[path]?.[method.toLowerCase()], route).toBeDefined();
    }
  });

  it('documents no route the routers lack, but the gateway-served event stream and local tokens', () => {
    const routes = new Set([...routerRoutes(), ...adminRouterRoutes()]);
    expect(DOCUMENTED_ROUTES.filter((route) => !routes.has(route))).toEqual([
      'GET /events/stream',
      'POST /local/tokens',
    ]);
  });

  it('describes every admin route, under /admin/, with the admin credential and no 429', () => {
    const routes = adminRouterRoutes();
    expect(routes).toEqual([
      'POST /admin/keys',
      'GET /admin/keys',
      'GET /admin/keys/{id}',
      'POST /admin/keys/{id}/rotate',
      'POST /admin/keys/{id}/revoke',
    ]);
    for (const route of routes) {
      const [method = '', path = ''] = route.split(' ');
      expect(path.startsWith(ADMIN_PATH_PREFIX)).toBe(true);
      const operation = doc.paths[path]?.[method.toLowerCase()];
      expect(operation?.security, route).toEqual([{ adminIam: [] }, { localAdminKey: [] }]);
      expect(operation?.responses['401'], route).toBeDefined();
      expect(operation?.responses['429'], route).toBeUndefined();
    }
    // No route of the api function lies under /admin/: API Gateway sends those to the admin function.
    expect(routerRoutes().filter((route) => route.split(' ')[1]?.startsWith(ADMIN_PATH_PREFIX))).toEqual([]);
  });

  it('answers 429 with Retry-After on the routes an API key calls', () => {
    const limited = doc.paths['/jobs']?.get?.responses['429'] as { headers?: Record<string, unknown> };
    expect(limited?.headers?.['Retry-After']).toBeDefined();
  });

  it('asks for the API key or a token everywhere but /health, /openapi.json, the /docs page and local tokens', () => {
    const open = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.security?.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(open.sort()).toEqual([
      'GET /docs',
      'GET /docs/renderer.js',
      'GET /health',
      'GET /openapi.json',
      'POST /local/tokens',
    ]);
    expect(PUBLIC_ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      open.filter((route) => route !== 'POST /local/tokens'),
    );
    expect(doc.paths['/jobs']?.get?.security).toBeUndefined();
    expect(doc.paths['/jobs']?.get?.responses['401']).toBeDefined();
  });

  it('describes an event by the published schema of each topic', async () => {
    const { JOB_EVENT_SCHEMAS } = await import('../../../shared/events/schemas.js');
    const jobEvent = doc.components.schemas.JobEvent as { anyOf: { $ref: string }[] };
    expect(jobEvent.anyOf).toHaveLength(Object.keys(JOB_EVENT_SCHEMAS).length);
    expect(JSON.stringify(doc.components.schemas)).not.toMatch(/schema\.json/);
  });

  it('lists every problem type thrown in shared/, with its status', () => {
    const listed = new Map(doc['x-problem-types'].map((p) => [p.type, p.status]));
    expect(listed.get('urn:partwise:problem:job-not-found')).toBe(404);
    expect(listed.get('urn:partwise:problem:validation-failed')).toBe(400);
    for (const code of thrownCodes())
      expect([...listed.keys()], code).toContain(`urn:partwise:problem:${code}`);
  });

  it('explains every problem type in docs/errors.md', () => {
    const page = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const { code } of PROBLEM_TYPES) expect(page, code).toContain(`urn:partwise:problem:${code}`);
  });
});

/** The codes the error classes and `new ConflictError(…, 'code')` throw, read from the source. */
function thrownCodes(): string[] {
  const shared = new URL('../../../shared/', import.meta.url);
  const source = readdirSync(shared, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(new URL(file, shared), 'utf8'))
    .join('\n');
  const codes = new Set<string>();
  // super(message, status, 'code' …) in the error classes; new PartwiseError(…, status, 'code').
  for (const match of source.matchAll(/,\s*(?:4\d\d|503),\s*'([a-z-]+)'/g)) if (match[1]) codes.add(match[1]);
  // new ConflictError(message, 'code'): the second argument, however the message is written.
  for (const match of source.matchAll(/new ConflictError\(\s*[\s\S]{0,400}?,\s*'([a-z-]+)',?\s*[){]/g))
    if (match[1]) codes.add(match[1]);
  for (const kind of ['Job', 'File', 'Workbook', 'Sheet']) codes.add(`${kind.toLowerCase()}-not-found`);
  return [...codes];
}
