import httpRouterHandler, { type Route } from '@middy/http-router';
import { PartwiseError } from '../domain/errors.js';
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
      throw new PartwiseError(`There is no route ${method} ${shown}.`, 404, 'route-not-found');
    },
  });
}
