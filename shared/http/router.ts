import httpRouterHandler, { type Route } from '@middy/http-router';
import { checkAccess, grantOfContext } from '../access/policy.js';
import type { RateLimiter, TokenSecret } from '../ports.js';
import type { Services } from '../services.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { type ApiEvent, type ApiResult, pathParam } from './request.js';
import { routeNotFound } from './route-match.js';
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
 * (shared/access/policy.ts): the one place a token's scope and expiry are enforced. Then a
 * key's request counts against its rate limit: here, because an HTTP API authorizer can
 * only allow or deny (a 401 or 403), never answer 429, and its answers are cached.
 */
function guarded(route: ApiRoute, services: () => Services, rateLimiter: RateLimiter): ApiRoute {
  const open = PUBLIC_ROUTES.some((p) => p.method === route.method && p.path === route.path);
  if (open) return route;
  return {
    ...route,
    handler: async (event) => {
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
      if (
        grant.credential === 'api-key' &&
        grant.keyId !== undefined &&
        grant.rateLimitPerMinute !== undefined
      )
        await rateLimiter.consume(grant.keyId, grant.rateLimitPerMinute, services().now());
      return route.handler(event);
    },
  };
}

export interface ApiAuthorities {
  tokenSecret: TokenSecret;
  rateLimiter: RateLimiter;
}

/** Every route of the HTTP API, in one table. */
export function apiRouter(services: () => Services, { tokenSecret, rateLimiter }: ApiAuthorities) {
  const routes: ApiRoute[] = [
    ...jobRoutes(services),
    ...planRoutes(services),
    ...fileRoutes(services),
    ...workbookRoutes(services),
    ...eventRoutes(services),
    ...tokenRoutes(services, tokenSecret),
    ...metaRoutes(),
  ].map((route) => guarded(route, services, rateLimiter));
  return httpRouterHandler<ApiEvent, ApiResult>({
    routes,
    notFoundResponse: routeNotFound(routes),
  });
}
