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
 * The reference page's renderer: Redoc's standalone bundle, served by GET /docs/renderer.js.
 * Too large (1 MB) to belong in the API bundle every cold start loads: the construct copies
 * it next to the bundle (`file`), and the route reads it from there, or from node_modules
 * (`module`) when it runs from source (the local stack, tests), on the first request.
 */
export const DOCS_RENDERER = {
  module: 'redoc/bundles/redoc.standalone.js',
  file: 'redoc.standalone.js',
} as const;
