import httpRouterHandler, { type Route } from '@middy/http-router';
import { PartwiseError } from '../domain/errors.js';
import type { Services } from '../services.js';
import type { ApiEvent, ApiResult } from './request.js';
import { eventRoutes } from './routes/events.js';
import { jobRoutes } from './routes/jobs.js';
import { resourceRoutes } from './routes/resources.js';

/** Every route of the HTTP API, in one table. */
export function apiRouter(services: () => Services) {
  const routes = [...jobRoutes(services), ...resourceRoutes(services), ...eventRoutes(services)];
  return httpRouterHandler<ApiEvent, ApiResult>({
    routes: routes as unknown as Route<ApiEvent, ApiResult>[],
    notFoundResponse: ({ method, path }) => {
      throw new PartwiseError(`There is no route ${method} ${path}.`, 404, 'route-not-found');
    },
  });
}
