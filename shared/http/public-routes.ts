/**
 * The routes that need no API key, in one place: the local gateway and the CDK construct
 * skip the authorizer for exactly these, and the OpenAPI document marks them `security: []`.
 */
export const PUBLIC_ROUTES = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/docs' },
  { method: 'GET', path: '/docs/renderer.js' },
] as const;

/**
 * The routes a browser opens with `EventSource`, which cannot send an `Authorization` header:
 * they also take a browser token (never an API key, which would end up in logs and
 * histories) as the `token` query parameter. A WebSocket `$connect` takes it the same way.
 */
export const TOKEN_QUERY_ROUTES = [{ method: 'GET', path: '/events/stream' }] as const;

/**
 * The local stack's own way to hand its page a token of the dev environment without a key
 * (infra/local/api-gateway.ts): served by the local gateway to loopback callers only, and
 * never deployed by the construct, where a team's own server mints tokens with its key.
 */
export const LOCAL_TOKEN_ROUTE = { method: 'POST', path: '/local/tokens' } as const;

/**
 * Where the admin routes live (shared/http/admin-router.ts): every path under it goes to
 * the admin function, never to the api function. IAM-authorized on AWS (infra/api.ts); the
 * local gateway takes the stack's admin key instead.
 */
export const ADMIN_PATH_PREFIX = '/admin/';

/**
 * The reference page's renderer: Redoc's standalone bundle, served by GET /docs/renderer.js.
 * Too large (1 MB) to belong in the API bundle every cold start loads: the construct copies
 * it next to the bundle (`file`), and the route reads it from there, or from node_modules
 * (`module`) when it runs from source (the local stack, tests), on the first request.
 */
export const DOCS_RENDERER = {
  module: 'redoc/bundles/redoc.standalone.js',
  file: 'redoc.standalone.js',
} as const;
