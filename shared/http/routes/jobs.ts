import { createJob, deleteJob, executeJob, jobOf } from '../../engine/lifecycle.js';
import { ackJob, cancelJob, completeJob, failJobByExecutor } from '../../engine/outside.js';
import { retryJob } from '../../engine/retry.js';
import type { Services } from '../../services.js';
import { ensureJsonSize, JOB_FIELD_JSON_BYTES } from '../limits.js';
import {
  type ApiEvent,
  created as createdAt,
  environmentOf,
  idempotencyKey,
  idParam,
  jsonBody,
  list,
  ok,
  optionalJson,
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

/** An executor's final report (complete or fail), its `outcome` within bounds. */
function withinBounds<T extends { outcome?: Record<string, unknown> }>(report: T): T {
  ensureJsonSize(['body', 'outcome'], report.outcome, JOB_FIELD_JSON_BYTES, "A job's outcome");
  return report;
}

export function jobRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/jobs',
      handler: async (event: ApiEvent) => {
        const body = jsonBody(event, CreateJobBody);
        const key = idempotencyKey(event);
        ensureJsonSize(['body', 'input'], body.input, JOB_FIELD_JSON_BYTES, "A job's input");
        ensureJsonSize(['body', 'config'], body.config, JOB_FIELD_JSON_BYTES, "A job's config");
        const { job, created } = await createJob(services(), environmentOf(event), body, key);
        return created ? createdAt(job, `/jobs/${job.id}`) : ok(job);
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
        ok((await jobOf(services(), environmentOf(event), idParam(event, 'Job', 'job'))).job),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/execute',
      handler: async (event: ApiEvent) =>
        ok(await executeJob(services(), environmentOf(event), idParam(event, 'Job', 'job')), 202),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/retry',
      handler: async (event: ApiEvent) =>
        ok(await retryJob(services(), environmentOf(event), idParam(event, 'Job', 'job')), 202),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/cancel',
      handler: async (event: ApiEvent) =>
        ok(await cancelJob(services(), environmentOf(event), idParam(event, 'Job', 'job'))),
    },
    {
      method: 'POST' as const,
      path: '/jobs/{id}/ack',
      handler: async (event: ApiEvent) =>
        ok(
          await ackJob(
            services(),
            environmentOf(event),
            idParam(event, 'Job', 'job'),
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
            idParam(event, 'Job', 'job'),
            withinBounds(optionalJson(event, CompleteBody)),
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
            idParam(event, 'Job', 'job'),
            withinBounds(optionalJson(event, FailBody)),
          ),
        ),
    },
    {
      method: 'DELETE' as const,
      path: '/jobs/{id}',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Job', 'job');
        if ((await deleteJob(services(), environmentOf(event), id)) === 'deleted')
          return ok({ id, deleted: true });
        return ok(
          {
            id,
            deleted: false,
            deleting: true,
            message: `Job ${id} was waiting for a retry: what it kept for one is being removed, and the job is deleted once that is done.`,
          },
          202,
        );
      },
    },
    {
      method: 'GET' as const,
      path: '/jobs/{id}/parts',
      handler: async (event: ApiEvent) => {
        const { offset, limit } = queryParams(event, PageQuery);
        const record = await jobOf(services(), environmentOf(event), idParam(event, 'Job', 'job'));
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
        const record = await jobOf(services(), environmentOf(event), idParam(event, 'Job', 'job'));
        const page = await services().events.listForJob(record.job.id, limit, next);
        return list(page.events, page.next);
      },
    },
  ];
}
