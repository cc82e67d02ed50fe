import httpRouterHandler, { type Route } from '@middy/http-router';
import { MethodNotAllowedError, PartwiseError } from '../domain/errors.js';
import type { Services } from '../services.js';
import type { ApiEvent, ApiResult } from './request.js';
import { eventRoutes } from './routes/events.js';
import { fileRoutes } from './routes/files.js';
import { jobRoutes } from './routes/jobs.js';
import { metaRoutes } from './routes/meta.js';
import { planRoutes } from './routes/plans.js';
import { workbookRoutes } from './routes/workbooks.js';

/** Every route of the HTTP API, in one table. */
export function apiRouter(services: () => Services) {
  const routes: Route<ApiEvent, ApiResult>[] = [
    ...jobRoutes(services),
    ...planRoutes(services),
    ...fileRoutes(services),
    ...workbookRoutes(services),
    ...eventRoutes(services),
    ...metaRoutes(),
  ];
  return httpRouterHandler<ApiEvent, ApiResult>({
    routes,
    notFoundResponse: ({ method, path }) => {
      const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
      const allow = allowedMethods(routes, path);
      // OPTIONS is CORS preflight, answered before the API (by API Gateway or the local gateway).
      if (allow.length > 0 && method !== 'OPTIONS') throw new MethodNotAllowedError(method, shown, allow);
      throw new PartwiseError(`There is no route ${method} ${shown}.`, 404, 'route-not-found');
    },
  });
}

/** A route's path as a pattern, matched as the router matches it: `{name}` is one segment, `{proxy+}` the rest, a trailing `/` optional. */
function pathPattern(path: string): RegExp {
  const pattern = path
    .replace(/\/$/, '')
    .replace(/[.*?^$()|[\]\\]/g, '\\$&')
    .replace(/\/\{proxy\+\}$/, '/?.*')
    .replace(/\/\{[^/]+\}/g, '/[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/** The methods the routes take at `path`, in a stable order; none when no route has that path. */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set(routes.filter((route) => pathPattern(route.path).test(path)).map((r) => r.method));
  return [...methods].sort();
}
