import { reviewPlan, revisePlan } from '../../engine/plan-review.js';
import type { Services } from '../../services.js';
import { ensureJsonSize, JOB_FIELD_JSON_BYTES } from '../limits.js';
import { type ApiEvent, environmentOf, idParam, jsonBody, ok } from '../request.js';
import { PlanChangeBody } from '../schemas.js';

/** A manual job's plan, reviewed and changed before execute (docs/plan.md). */
export function planRoutes(services: () => Services) {
  return [
    {
      method: 'GET' as const,
      path: '/jobs/{id}/plan',
      handler: async (event: ApiEvent) =>
        ok(await reviewPlan(services(), environmentOf(event), idParam(event, 'Job', 'job'))),
    },
    {
      method: 'PATCH' as const,
      path: '/jobs/{id}/plan',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Job', 'job');
        const body = jsonBody(event, PlanChangeBody);
        ensureJsonSize(['body'], body, JOB_FIELD_JSON_BYTES, 'A plan change');
        const job = await revisePlan(services(), environmentOf(event), id, body);
        // 202: planned again in the background; the plan to review is there once the job is READY.
        return {
          statusCode: 202,
          headers: { 'content-type': 'application/json', location: `/jobs/${id}/plan` },
          body: JSON.stringify({ data: job }),
        };
      },
    },
  ];
}
