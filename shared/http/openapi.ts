/**
 * The OpenAPI 3.1 document of the HTTP API, built from the zod schemas that validate
 * requests (schemas.ts), the response schemas (responses.ts), the published job event
 * schemas (shared/events/schemas/*.json) and the problem types (problem-types.ts). Served
 * at GET /openapi.json (routes/meta.ts); the e2e suites check every response against it.
 */
import * as z from 'zod';
// The JSON files themselves, not shared/events/schemas.ts: that one brings Ajv into the API bundle.
import jobCanceled from '../events/schemas/job-canceled.schema.json' with { type: 'json' };
import jobCompleted from '../events/schemas/job-completed.schema.json' with { type: 'json' };
import jobDeleted from '../events/schemas/job-deleted.schema.json' with { type: 'json' };
import jobEvent from '../events/schemas/job-event.schema.json' with { type: 'json' };
import jobFailed from '../events/schemas/job-failed.schema.json' with { type: 'json' };
import jobSnapshot from '../events/schemas/job-snapshot.schema.json' with { type: 'json' };
import jobStarted from '../events/schemas/job-started.schema.json' with { type: 'json' };
import jobUpdated from '../events/schemas/job-updated.schema.json' with { type: 'json' };
import jobWaiting from '../events/schemas/job-waiting.schema.json' with { type: 'json' };
import { PROBLEM_TYPE_PREFIX, PROBLEM_TYPES } from './problem-types.js';
import { LOCAL_TOKEN_ROUTE, PUBLIC_ROUTES } from './public-routes.js';
import * as responses from './responses.js';
import * as requests from './schemas.js';

type JsonSchema = Record<string, unknown>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const ref = (id: string): JsonSchema => ({ $ref: `#/components/schemas/${id}` });

/** A response of an operation: a JSON schema for `application/json`, or its own media type. */
interface ResponseSpec {
  description: string;
  schema?: JsonSchema;
  mediaType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

interface OperationSpec {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodObject;
  /** The id of a request body schema registered below, or a media type of raw content. */
  body?: { schema: string; optional?: boolean } | { mediaType: string };
  responses: Record<number, ResponseSpec>;
  /** Statuses answered with problem JSON, besides 401, 403, 500 and 503 of every keyed route. */
  problems?: number[];
  /** The credentials it takes, when not the document's (an API key or a browser token); `[]` for none. */
  security?: JsonSchema[];
  extensions?: Record<string, unknown>;
}

const data = (schema: JsonSchema, description: string): ResponseSpec => ({
  description,
  schema: { type: 'object', required: ['data'], properties: { data: schema } },
});

/** A workbook with the `ETag` of its revision, which `If-Match` on PATCH names. */
const workbook = (description: string): ResponseSpec => ({
  ...data(ref('Workbook'), description),
  headers: {
    ETag: {
      description: 'The workbook\'s revision (`"r<revision>"`): send it back in `If-Match` on PATCH.',
      schema: { type: 'string' },
    },
  },
});

/**
 * `{ data, next }`. `next` is null on the last page. Cursor lists take it back as the
 * `next` query parameter; offset lists (parts, records) return it as a number in a string
 * for the `offset` query parameter, with `total`.
 */
const page = (item: JsonSchema, description: string, withTotal = false): ResponseSpec => ({
  description,
  schema: {
    type: 'object',
    required: ['data', 'next', ...(withTotal ? ['total'] : [])],
    properties: {
      data: { type: 'array', items: item },
      next: {
        type: ['string', 'null'],
        description: withTotal
          ? 'The `offset` of the next page, or null after the last.'
          : 'The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last.',
      },
      ...(withTotal ? { total: { type: 'integer', minimum: 0 } } : {}),
    },
  },
});

const JOB_ID = 'Job id (`job_…`).';
const KEY_ID = 'API key id (`key_…`).';
const job = (description: string) => data(ref('Job'), description);
const events = page(ref('JobEvent'), 'A page of job events, oldest first.');

/** The admin routes' credential: IAM (SigV4) on AWS, the admin key on the local stack (docs/auth.md). */
const ADMIN_SECURITY: JsonSchema[] = [{ adminIam: [] }, { localAdminKey: [] }];
const ADMIN_EXTENSIONS = {
  'x-partwise-admin':
    'An administrator’s route, for keys of every environment: IAM-authorized on AWS (sign the request with SigV4, service execute-api), the admin key on the local stack (.partwise/admin-key). An API key or token is never taken here.',
};

const ADMIN_OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/admin/keys',
    summary: 'Create an API key of an environment (shown once)',
    tag: 'admin',
    body: { schema: 'CreateApiKeyBody' },
    security: ADMIN_SECURITY,
    responses: { 201: data(ref('CreatedApiKey'), 'The key, with the key itself: it is never shown again.') },
    problems: [400, 413],
    extensions: ADMIN_EXTENSIONS,
  },
  {
    method: 'get',
    path: '/admin/keys',
    summary: "List an environment's API keys: prefix and metadata, never a key",
    tag: 'admin',
    query: requests.ListApiKeysQuery,
    security: ADMIN_SECURITY,
    responses: { 200: page(ref('ApiKey'), 'A page of keys, oldest first.') },
    problems: [400],
    extensions: ADMIN_EXTENSIONS,
  },
  {
    method: 'get',
    path: '/admin/keys/{id}',
    summary: 'Get an API key: prefix and metadata',
    tag: 'admin',
    security: ADMIN_SECURITY,
    responses: { 200: data(ref('ApiKey'), 'The key (without the key).') },
    problems: [404],
    extensions: ADMIN_EXTENSIONS,
  },
  {
    method: 'post',
    path: '/admin/keys/{id}/rotate',
    summary: 'Rotate an API key: a new key, the old one working until the overlap ends',
    tag: 'admin',
    body: { schema: 'RotateApiKeyBody', optional: true },
    security: ADMIN_SECURITY,
    responses: {
      201: data(ref('RotatedApiKey'), 'The new key (shown once) and the old one, with its new expiresAt.'),
    },
    problems: [400, 404, 409, 413],
    extensions: ADMIN_EXTENSIONS,
  },
  {
    method: 'post',
    path: '/admin/keys/{id}/revoke',
    summary: 'Revoke an API key (refused within the authorizer cache TTL)',
    tag: 'admin',
    security: ADMIN_SECURITY,
    responses: { 200: data(ref('ApiKey'), 'The key, revoked (revoking again keeps the first revokedAt).') },
    problems: [404],
    extensions: ADMIN_EXTENSIONS,
  },
];

const OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/jobs',
    summary: 'Create a job',
    tag: 'jobs',
    body: { schema: 'CreateJobBody' },
    responses: {
      201: job('The job, created.'),
      200: job('The job an earlier POST with the same `Idempotency-Key` created.'),
    },
    problems: [400, 404, 409, 413, 422],
    extensions: {
      'x-idempotency':
        'The Idempotency-Key header makes a repeated POST of the same request return the first job; the key with a different request is a 422 (`idempotency-key-reused`).',
    },
  },
  {
    method: 'get',
    path: '/jobs',
    summary: 'List jobs, newest first',
    tag: 'jobs',
    query: requests.ListJobsQuery,
    responses: { 200: page(ref('Job'), 'A page of jobs.') },
    problems: [400],
  },
  {
    method: 'get',
    path: '/jobs/{id}',
    summary: 'Get a job',
    tag: 'jobs',
    responses: { 200: job('The job.') },
    problems: [404],
  },
  {
    method: 'delete',
    path: '/jobs/{id}',
    summary: 'Delete a job that is not executing',
    tag: 'jobs',
    responses: {
      200: data(ref('Deleted'), 'Deleted.'),
      202: data(ref('Deleted'), 'What the job kept for a retry is being removed; the job is deleted after.'),
    },
    problems: [404, 409],
  },
  {
    method: 'post',
    path: '/jobs/{id}/execute',
    summary: 'Execute a READY (or PLANNING) job',
    tag: 'jobs',
    responses: { 202: job('Executing (or about to, once planned).') },
    problems: [404, 409],
  },
  {
    method: 'post',
    path: '/jobs/{id}/retry',
    summary: 'Run the parts that did not finish again',
    tag: 'jobs',
    responses: { 202: job('The job, in its next attempt.') },
    problems: [404, 409],
  },
  {
    method: 'post',
    path: '/jobs/{id}/cancel',
    summary: 'Cancel a job',
    tag: 'jobs',
    responses: { 200: job('The job, CANCELED.') },
    problems: [404, 409],
  },
  {
    method: 'post',
    path: '/jobs/{id}/ack',
    summary: "An outside executor's progress report",
    tag: 'executors',
    body: { schema: 'AckBody', optional: true },
    responses: { 200: job('The job.') },
    problems: [400, 404, 409, 413],
  },
  {
    method: 'post',
    path: '/jobs/{id}/complete',
    summary: "An outside executor's success",
    tag: 'executors',
    body: { schema: 'CompleteBody', optional: true },
    responses: { 200: job('The job, COMPLETED.') },
    problems: [400, 404, 409, 413],
  },
  {
    method: 'post',
    path: '/jobs/{id}/fail',
    summary: "An outside executor's failure",
    tag: 'executors',
    body: { schema: 'FailBody', optional: true },
    responses: { 200: job('The job, FAILED.') },
    problems: [400, 404, 409, 413],
  },
  {
    method: 'get',
    path: '/jobs/{id}/parts',
    summary: "A job's parts, by offset",
    tag: 'jobs',
    query: requests.PageQuery,
    responses: { 200: page(ref('Part'), 'Parts [offset, offset + limit).', true) },
    problems: [400, 404],
  },
  {
    method: 'get',
    path: '/jobs/{id}/events',
    summary: "A job's events",
    tag: 'events',
    query: requests.CursorQuery,
    responses: { 200: events },
    problems: [400, 404],
  },
  {
    method: 'get',
    path: '/jobs/{id}/plan',
    summary: "Review a READY job's plan",
    tag: 'plans',
    responses: { 200: data(ref('PlanReview'), 'The plan (docs/plan.md).') },
    problems: [404, 409],
  },
  {
    method: 'patch',
    path: '/jobs/{id}/plan',
    summary: "Change a READY job's plan",
    tag: 'plans',
    body: { schema: 'PlanChangeBody' },
    responses: {
      202: {
        ...job('The job, PLANNING again; its new plan is there once it is READY.'),
        headers: { location: { description: 'The plan to review.', schema: { type: 'string' } } },
      },
    },
    problems: [400, 404, 409, 413],
  },
  {
    method: 'post',
    path: '/files',
    summary: 'Create a file record and its upload URL',
    tag: 'files',
    body: { schema: 'CreateFileBody' },
    responses: { 201: data(ref('CreatedFile'), 'The file, pending its upload.') },
    problems: [400, 413],
  },
  {
    method: 'get',
    path: '/files',
    summary: 'List files',
    tag: 'files',
    query: requests.CursorQuery,
    responses: { 200: page(ref('DataFile'), 'A page of files.') },
    problems: [400],
  },
  {
    method: 'get',
    path: '/files/{id}',
    summary: 'Get a file',
    tag: 'files',
    responses: { 200: data(ref('DataFile'), 'The file.') },
    problems: [404],
  },
  {
    method: 'delete',
    path: '/files/{id}',
    summary: 'Delete a file no running job uses',
    tag: 'files',
    responses: { 200: data(ref('Deleted'), 'Deleted.') },
    problems: [404, 409],
  },
  {
    method: 'put',
    path: '/files/{id}/content',
    summary: 'Upload small content directly (up to 10 MB)',
    tag: 'files',
    body: { mediaType: 'application/octet-stream' },
    responses: { 200: data(ref('DataFile'), 'The file, available.') },
    problems: [400, 404, 409, 413],
  },
  {
    method: 'get',
    path: '/files/{id}/content',
    summary: 'Download the content (a redirect to a presigned URL)',
    tag: 'files',
    responses: {
      303: {
        description: 'See the presigned download URL.',
        headers: { location: { description: 'The download URL.', schema: { type: 'string' } } },
      },
    },
    problems: [400, 404],
  },
  {
    method: 'post',
    path: '/workbooks',
    summary: 'Create a workbook with its sheets',
    tag: 'workbooks',
    body: { schema: 'CreateWorkbookBody' },
    responses: { 201: workbook('The workbook.') },
    problems: [400, 413],
  },
  {
    method: 'get',
    path: '/workbooks',
    summary: 'List workbooks',
    tag: 'workbooks',
    query: requests.CursorQuery,
    responses: { 200: page(ref('Workbook'), 'A page of workbooks.') },
    problems: [400],
  },
  {
    method: 'get',
    path: '/workbooks/{id}',
    summary: 'Get a workbook',
    tag: 'workbooks',
    responses: { 200: workbook('The workbook.') },
    problems: [404],
  },
  {
    method: 'patch',
    path: '/workbooks/{id}',
    summary: "Rename a workbook or change its and its sheets' actions",
    tag: 'workbooks',
    body: { schema: 'PatchWorkbookBody' },
    responses: { 200: workbook('The workbook.') },
    problems: [400, 404, 412, 413],
  },
  {
    method: 'delete',
    path: '/workbooks/{id}',
    summary: 'Delete a workbook no running job uses',
    tag: 'workbooks',
    responses: { 200: data(ref('Deleted'), 'Deleted.') },
    problems: [404, 409],
  },
  {
    method: 'get',
    path: '/sheets/{id}',
    summary: 'Get a sheet with its record counts',
    tag: 'workbooks',
    responses: { 200: data(ref('SheetWithCounts'), 'The sheet.') },
    problems: [404],
  },
  {
    method: 'get',
    path: '/sheets/{id}/records',
    summary: "A sheet's records, by offset",
    tag: 'workbooks',
    query: requests.RecordsQuery,
    responses: { 200: page(ref('SheetRecord'), 'Records [offset, offset + limit), in order.', true) },
    problems: [400, 404],
  },
  {
    method: 'get',
    path: '/events',
    summary: "The environment's events feed, for pollers",
    tag: 'events',
    query: requests.EventsQuery,
    responses: { 200: events },
    problems: [400],
  },
  {
    method: 'get',
    path: '/events/stream',
    summary: 'Server-sent events of the environment (local stack only)',
    tag: 'events',
    responses: {
      200: {
        description: 'One `data:` line per job event (a JobEvent as JSON), as they are published.',
        mediaType: 'text/event-stream',
        schema: { type: 'string' },
      },
    },
    security: [{ apiKey: [] }, { browserToken: [] }, { browserTokenQuery: [] }],
    extensions: {
      'x-partwise-local-only':
        'Served by the local stack from its event bus; on AWS, subscribe to EventBridge rules instead. A watch token streams its job’s events only.',
    },
  },
  {
    method: 'post',
    path: '/tokens',
    summary: 'Mint a short-lived browser token (with the API key)',
    tag: 'tokens',
    body: { schema: 'CreateTokenBody' },
    security: [{ apiKey: [] }],
    responses: { 200: data(ref('Token'), 'The token (docs/auth.md).') },
    problems: [400, 404, 413],
    extensions: {
      'x-partwise-credentials':
        'The API key only: a token asking for a token is a 403 (`insufficient-scope`). A watch token names a job of the key’s environment (404 otherwise).',
    },
  },
  {
    method: 'post',
    path: LOCAL_TOKEN_ROUTE.path,
    summary: 'A browser token of the dev environment, for a page on this machine (local stack only)',
    tag: 'tokens',
    body: { schema: 'CreateTokenBody' },
    security: [],
    responses: { 200: data(ref('Token'), 'A token of the local stack’s dev environment.') },
    problems: [400, 403, 404, 413, 500, 503],
    extensions: {
      'x-partwise-local-only':
        'Served by the local stack to loopback callers of a localhost origin only (403 `loopback-only` otherwise), so that the page it serves needs no key; the construct never deploys it.',
    },
  },
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness',
    tag: 'meta',
    responses: { 200: data(ref('Health'), 'Up.') },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'meta',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'The API reference, for people',
    tag: 'meta',
    responses: { 200: { description: 'An HTML page.', mediaType: 'text/html', schema: { type: 'string' } } },
  },
  {
    method: 'get',
    path: '/docs/renderer.js',
    summary: "The reference page's renderer (Redoc)",
    tag: 'meta',
    responses: {
      200: { description: 'JavaScript.', mediaType: 'text/javascript', schema: { type: 'string' } },
    },
  },
  ...ADMIN_OPERATIONS,
];

/** The request schemas, by the id the document gives them. */
const REQUEST_SCHEMAS = {
  CreateJobBody: requests.CreateJobBody,
  PlanChangeBody: requests.PlanChangeBody,
  CreateFileBody: requests.CreateFileBody,
  CreateWorkbookBody: requests.CreateWorkbookBody,
  PatchWorkbookBody: requests.PatchWorkbookBody,
  AckBody: requests.AckBody,
  CompleteBody: requests.CompleteBody,
  FailBody: requests.FailBody,
  CreateTokenBody: requests.CreateTokenBody,
  CreateApiKeyBody: requests.CreateApiKeyBody,
  RotateApiKeyBody: requests.RotateApiKeyBody,
} satisfies Record<string, z.ZodType>;

/** JSON Schemas of a registry's schemas, each a component: no `$schema`, no `$id` of its own. */
function componentsOf(registry: z.core.$ZodRegistry<{ id: string }>): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as JsonSchema]),
  );
}

/** One zod schema, inline (query parameters). */
function inline(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return json as JsonSchema;
}

/**
 * The published event schemas as components: their relative `$ref`s (to
 * job-event.schema.json, job-snapshot.schema.json and its `$defs`) made into component refs.
 */
function eventComponents(): Record<string, JsonSchema> {
  const defName = (name: string) => `JobSnapshot_${name}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$schema' || key === '$id' || key === '$defs') continue;
      if (key === '$ref' && typeof inner === 'string') {
        const [file, pointer = ''] = inner.split('#');
        const def = /^\/\$defs\/(\w+)$/.exec(pointer)?.[1];
        if (def) out.$ref = `#/components/schemas/${defName(def)}`;
        else if (file === 'job-snapshot.schema.json') out.$ref = '#/components/schemas/JobSnapshot';
        else if (file === 'job-event.schema.json') out.$ref = '#/components/schemas/JobEventBase';
        else throw new Error(`an event schema refers to ${inner}, which the document does not hold`);
        continue;
      }
      out[key] = rewrite(inner);
    }
    return out;
  };
  const TOPIC_SCHEMAS = [
    jobWaiting,
    jobStarted,
    jobUpdated,
    jobCompleted,
    jobFailed,
    jobCanceled,
    jobDeleted,
  ];
  const topics = TOPIC_SCHEMAS.map((schema) => {
    const name = `${schema.title
      .replace(/^job:/, 'Job ')
      .replace(/(^| )(\w)/g, (_, __, c: string) => c.toUpperCase())
      .replace(/ /g, '')}Event`;
    return [name, rewrite(schema) as JsonSchema] as const;
  });
  return {
    ...Object.fromEntries(
      Object.entries(jobSnapshot.$defs).map(([name, def]) => [defName(name), rewrite(def)]),
    ),
    JobSnapshot: rewrite(jobSnapshot) as JsonSchema,
    JobEventBase: rewrite(jobEvent) as JsonSchema,
    ...Object.fromEntries(topics),
    JobEvent: {
      description: 'A job event: one of the topic schemas below (shared/events/schemas, docs/events.md).',
      anyOf: topics.map(([name]) => ref(name)),
    },
  };
}

function parametersOf(spec: OperationSpec): JsonSchema[] {
  const path = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: spec.path.startsWith('/jobs')
      ? JOB_ID
      : spec.path.startsWith('/admin/keys')
        ? KEY_ID
        : 'The resource id.',
    schema: { type: 'string', minLength: 1 },
  }));
  const query = spec.query ? inline(spec.query) : undefined;
  const properties = (query?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const header =
    spec.method === 'post' && spec.path === '/jobs'
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Printable ASCII, at most 255 characters; a repeated POST returns the first job (200).',
            schema: { type: 'string', maxLength: 255 },
          },
        ]
      : spec.method === 'patch' && spec.path === '/workbooks/{id}'
        ? [
            {
              name: 'If-Match',
              in: 'header',
              required: false,
              description:
                'The ETag a GET gave: the change applies only to that revision (412 `precondition-failed` otherwise).',
              schema: { type: 'string' },
            },
          ]
        : [];
  return [
    ...path,
    ...Object.entries(properties).map(([name, schema]) => ({
      name,
      in: 'query',
      required: required.has(name),
      schema,
    })),
    ...header,
  ];
}

function responseOf(spec: ResponseSpec): JsonSchema {
  return {
    description: spec.description,
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.schema ? { content: { [spec.mediaType ?? 'application/json']: { schema: spec.schema } } } : {}),
  };
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid (`validation-failed`): the body, a query or path parameter, or a header.',
  401: 'No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`).',
  403: 'A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`).',
  404: 'Not found in this environment.',
  409: 'The resource is not in a state that allows this (see the problem type).',
  412: '`If-Match` names a revision the resource is no longer at (`precondition-failed`).',
  413: 'The body or a field of it is too large.',
  422: 'The request conflicts with an earlier one (`idempotency-key-reused`).',
  429: 'The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again.',
  500: 'An error on our side; the logs hold it under `correlationId`.',
  503: 'A service partwise depends on failed; try again shortly.',
};

/** No API key: the gateways let the request through without the authorizer. */
const isPublic = (spec: OperationSpec) =>
  PUBLIC_ROUTES.some((route) => route.method.toLowerCase() === spec.method && route.path === spec.path);

/** Behind the authorizer: every answer of a keyed route may be a 401, 403 (a token's scope), 500 or 503. */
const isKeyed = (spec: OperationSpec) => !isPublic(spec) && spec.security?.length !== 0;

/** `GET /jobs/{id}/events` → `getJobsByIdEvents`. */
function operationIdOf(spec: OperationSpec): string {
  const path = spec.path
    .replace(/\{(\w)(\w*)\}/g, (_, first: string, rest: string) => `By${first.toUpperCase()}${rest}`)
    .replace(/[^A-Za-z0-9]+(\w)?/g, (_, next?: string) => (next ?? '').toUpperCase());
  return `${spec.method}${path}`;
}

function operationOf(spec: OperationSpec): JsonSchema {
  const statuses = [
    ...(spec.problems ?? []),
    // A path parameter that is not valid percent-encoding (`/jobs/%ZZ`) is a 400.
    ...(spec.path.includes('{') ? [400] : []),
    ...(isKeyed(spec) ? [401, 403, 500, 503] : []),
    // An API key's rate limit (docs/auth.md); the admin routes take no API key.
    ...(isKeyed(spec) && spec.security !== ADMIN_SECURITY ? [429] : []),
  ];
  const problems = Object.fromEntries(
    [...new Set(statuses)].map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? 'A problem.',
        ...(status === 429
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds until the key’s window has room again.',
                  schema: { type: 'integer', minimum: 1 },
                },
              },
            }
          : {}),
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
  const parameters = parametersOf(spec);
  const body = spec.body;
  return {
    operationId: operationIdOf(spec),
    summary: spec.summary,
    tags: [spec.tag],
    ...(isPublic(spec) ? { security: [] } : spec.security ? { security: spec.security } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody:
            'schema' in body
              ? { required: !body.optional, content: { 'application/json': { schema: ref(body.schema) } } }
              : {
                  required: true,
                  content: {
                    [body.mediaType]: { schema: { type: 'string', contentMediaType: body.mediaType } },
                  },
                },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(spec.responses).map(([status, response]) => [status, responseOf(response)]),
      ),
      ...problems,
    },
    ...spec.extensions,
  };
}

const DESCRIPTION = `partwise runs large jobs on data files, workbooks and sheets in parts.

**Envelopes.** One object comes back as \`{ "data": … }\`, a list as \`{ "data": [...], "next": … }\`.

**Pagination.** Two styles, as each list says:
- *Cursor* (GET /jobs, /files, /workbooks, /jobs/{id}/events): pass the \`next\` of a page back as the \`next\` query parameter; \`next\` is null after the last page. A cursor is opaque.
- *Offset* (GET /jobs/{id}/parts, /sheets/{id}/records): \`offset\` and \`limit\`; the page carries \`total\`, and \`next\` is the offset of the next page (a number in a string), null after the last.
- *Feed* (GET /events): pass the \`next\` of a page as \`since\`; an empty page keeps \`next\` as the position to poll from.

**Credentials.** A server sends an environment's API key (\`Authorization: Bearer <api key>\`), limited to its \`rateLimitPerMinute\` (429 with \`Retry-After\` past it). A browser never holds one: the server mints it a short-lived token (POST /tokens), scoped to \`read\`, \`run\` or \`watch\` one job, sent the same way. Administrators create, list, rotate and revoke keys through the \`/admin\` routes, IAM-authorized on AWS. docs/auth.md has the rules.

**Errors** are RFC 9457 problem JSON (\`application/problem+json\`). \`type\` is \`${PROBLEM_TYPE_PREFIX}<code>\`; \`x-problem-types\` lists every code, docs/errors.md says what to do about each. A deployed API Gateway answers its own refusals (a key its authorizer denies, a body over 10 MB) in its own JSON.`;

/** The OpenAPI 3.1 document of the HTTP API. */
export function openApiDocument(): Record<string, unknown> {
  const requestComponents = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(REQUEST_SCHEMAS)) requestComponents.add(schema, { id });
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of OPERATIONS) {
    const item = paths[spec.path] ?? {};
    item[spec.method] = operationOf(spec);
    paths[spec.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'partwise', version: '1', description: DESCRIPTION },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    security: [{ apiKey: [] }, { browserToken: [] }],
    tags: ['jobs', 'plans', 'executors', 'events', 'files', 'workbooks', 'tokens', 'admin', 'meta'].map(
      (name) => ({
        name,
      }),
    ),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: "`Authorization: Bearer <api key>`; every resource belongs to the key's environment.",
        },
        browserToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            '`Authorization: Bearer <token>`: a short-lived token POST /tokens minted, for one environment and a scope (docs/auth.md).',
        },
        adminIam: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (service `execute-api`) by a principal allowed `execute-api:Invoke` on the admin routes: the HTTP API’s IAM authorizer checks it (docs/auth.md).',
        },
        localAdminKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The local stack only: `Authorization: Bearer <admin key>`, the key in `.partwise/admin-key` (and `adminKey` in `.partwise/stack.json`).',
        },
        browserTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'A browser token in the `token` query parameter, on the routes EventSource opens (no API key here).',
        },
      },
      schemas: {
        ...componentsOf(requestComponents),
        ...componentsOf(responses.components),
        ...eventComponents(),
      },
    },
    'x-problem-types': PROBLEM_TYPES.map(({ code, status, when, todo }) => ({
      type: `${PROBLEM_TYPE_PREFIX}${code}`,
      status,
      when,
      todo,
    })),
  };
}

/** Every `METHOD /path` the document describes, as the router writes it. */
export const DOCUMENTED_ROUTES = OPERATIONS.map((spec) => `${spec.method.toUpperCase()} ${spec.path}`);
