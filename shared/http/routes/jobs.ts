import { createJob, deleteJob, executeJob, jobOf } from '../../engine/lifecycle.js';
import { ackJob, cancelJob, completeJob, failJobByExecutor } from '../../engine/outside.js';
import type { Services } from '../../services.js';
import {
  type ApiEvent,
  environmentOf,
  jsonBody,
  list,
  ok,
  optionalJson,
  pathParam,
  queryParams,
} from '../request.js';
import {
  AckBody,
  CompleteBody,
  CreateJobBody,
  CursorQuery,
  FailBody,
  ListJobsQuery,
  PageQuery,
} from '../schemas.js';

export function jobRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/jobs',
      handler: async (event: ApiEvent) => {
        const body = jsonBody(event, CreateJobBody);
        const key = event.headers['idempotency-key'];
        const { job, created } = await createJob(services(), environmentOf(event), body, key || undefined);
        return ok(job, created ? 201 : 200);
      },
    },
    {
      method: 'GET' as const,
      path: '/jobs',
      handler: async (event: ApiEvent) => {
        const { limit, next, ...filter } = queryParams(event, ListJobsQuery);
        const page = await services().jobs.list(environmentOf(event), filter, limit, next);
        return list(page.jobs, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/jobs/{id}',
      handler: async (event: ApiEvent) =>
        ok((await jobOf(services(), environmentOf(event), pathParam(event, 'id'))).job),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/execute',
      handler: async (event: ApiEvent) =>
        ok(await executeJob(services(), environmentOf(event), pathParam(event, 'id')), 202),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/cancel',
      handler: async (event: ApiEvent) =>
        ok(await cancelJob(services(), environmentOf(event), pathParam(event, 'id'))),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/ack',
      handler: async (event: ApiEvent) =>
        ok(
          await ackJob(
            services(),
            environmentOf(event),
            pathParam(event, 'id'),
            optionalJson(event, AckBody),
          ),
        ),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/complete',
      handler: async (event: ApiEvent) =>
        ok(
          await completeJob(
            services(),
            environmentOf(event),
            pathParam(event, 'id'),
            optionalJson(event, CompleteBody),
          ),
        ),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/fail',
      handler: async (event: ApiEvent) =>
        ok(
          await failJobByExecutor(
            services(),
            environmentOf(event),
            pathParam(event, 'id'),
            optionalJson(event, FailBody),
          ),
        ),
    },
    {
      method: 'DELETE' as const,
      path: '/jobs/{id}',
      handler: async (event: ApiEvent) => {
        const id = pathParam(event, 'id');
        await deleteJob(services(), environmentOf(event), id);
        return ok({ id, deleted: true });
      },
    },
    {
      method: 'GET' as const,
      path: '/jobs/{id}/parts',
      handler: async (event: ApiEvent) => {
        const { offset, limit } = queryParams(event, PageQuery);
        const record = await jobOf(services(), environmentOf(event), pathParam(event, 'id'));
        const parts = await services().jobs.listParts(record, offset, limit);
        const next = offset + limit < record.job.parts ? String(offset + limit) : undefined;
        return list(parts, next, { total: record.job.parts });
      },
    },
    {
      method: 'GET' as const,
      path: '/jobs/{id}/events',
      handler: async (event: ApiEvent) => {
        const { limit, next } = queryParams(event, CursorQuery);
        const record = await jobOf(services(), environmentOf(event), pathParam(event, 'id'));
        const page = await services().events.listForJob(record.job.id, limit, next);
        return list(page.events, page.next);
      },
    },
  ];
}
