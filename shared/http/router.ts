import httpRouterHandler, { type Route } from '@middy/http-router';
import { checkAccess, grantOfContext } from '../access/policy.js';
import { MethodNotAllowedError, PartwiseError } from '../domain/errors.js';
import type { TokenSecret } from '../ports.js';
import type { Services } from '../services.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { type ApiEvent, type ApiResult, pathParam } from './request.js';
import { eventRoutes } from './routes/events.js';
import { fileRoutes } from './routes/files.js';
import { jobRoutes } from './routes/jobs.js';
import { metaRoutes } from './routes/meta.js';
import { planRoutes } from './routes/plans.js';
import { tokenRoutes } from './routes/tokens.js';
import { workbookRoutes } from './routes/workbooks.js';

/** A route as partwise writes them: its handler takes the event alone. */
type ApiRoute = Pick<Route<ApiEvent, ApiResult>, 'method' | 'path'> & {
  handler: (event: ApiEvent) => Promise<ApiResult>;
};

/**
 * Every route but the public ones runs only once the caller's grant allows it
 * (shared/access/policy.ts): the one place a token's scope and expiry are enforced.
 */
function guarded(route: ApiRoute, services: () => Services): ApiRoute {
  const open = PUBLIC_ROUTES.some((p) => p.method === route.method && p.path === route.path);
  if (open) return route;
  return {
    ...route,
    handler: (event) => {
      const grant = grantOfContext(event.requestContext.authorizer?.lambda);
      const id = route.path.includes('{id}') ? pathParam(event, 'id') : undefined;
      checkAccess(
        grant,
        {
          method: route.method,
          route: route.path,
          ...(id === undefined ? {} : { id }),
          query: event.queryStringParameters ?? {},
        },
        services().now(),
      );
      return route.handler(event);
    },
  };
}

/** Every route of the HTTP API, in one table. */
export function apiRouter(services: () => Services, tokenSecret: TokenSecret) {
  const routes: ApiRoute[] = [
    ...jobRoutes(services),
    ...planRoutes(services),
    ...fileRoutes(services),
    ...workbookRoutes(services),
    ...eventRoutes(services),
    ...tokenRoutes(services, tokenSecret),
    ...metaRoutes(),
  ].map((route) => guarded(route, services));
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
