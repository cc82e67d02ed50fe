import type { Services } from '../../services.js';
import { type ApiEvent, environmentOf, list, queryParams } from '../request.js';
import { EventsQuery } from '../schemas.js';

export function eventRoutes(services: () => Services) {
  return [
    {
      method: 'GET' as const,
      path: '/events',
      handler: async (event: ApiEvent) => {
        const query = queryParams(event, EventsQuery);
        const page = await services().events.listForEnvironment(environmentOf(event), {
          limit: query.limit,
          ...(query.since ? { since: query.since } : {}),
          ...(query.jobId ? { jobId: query.jobId } : {}),
          ...(query.topic ? { topic: query.topic } : {}),
        });
        return list(page.events, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/health',
      handler: async () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { status: 'ok' } }),
      }),
    },
  ];
}
