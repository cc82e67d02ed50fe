/**
 * The admin routes (`/admin/…`, docs/auth.md): API keys of every environment. On AWS they
 * are IAM-authorized routes of the HTTP API with their own function (infra/api.ts), which
 * alone may write key items; on the local stack the gateway takes the admin key instead and
 * hands the function the same IAM-shaped context (infra/local/api-gateway.ts).
 */
import httpRouterHandler from '@middy/http-router';
import type { KeyAdmin } from '../access/key-admin.js';
import { UnauthorizedError } from '../domain/errors.js';
import type { AdminEvent, ApiResult } from './request.js';
import { routeNotFound } from './route-match.js';
import { adminKeyRoutes } from './routes/admin-keys.js';

interface AdminRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: (event: AdminEvent) => Promise<ApiResult>;
}

/**
 * A request that reached the function without an IAM caller came by a route that should
 * not exist (an integration added by hand, say): refused rather than trusted.
 */
function iamOnly(route: AdminRoute): AdminRoute {
  return {
    ...route,
    handler: (event) => {
      if (!event.requestContext.authorizer?.iam?.userArn) {
        throw new UnauthorizedError('The admin routes take an IAM-signed request (SigV4): docs/auth.md.');
      }
      return route.handler(event);
    },
  };
}

export function adminRoutes(admin: () => KeyAdmin): AdminRoute[] {
  return adminKeyRoutes(admin).map(iamOnly);
}

export function adminRouter(admin: () => KeyAdmin) {
  const routes = adminRoutes(admin);
  return httpRouterHandler<AdminEvent, ApiResult>({
    routes,
    notFoundResponse: routeNotFound(routes),
  });
}
