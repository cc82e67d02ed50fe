/**
 * What the HTTP API answers, as zod schemas: the response half of the OpenAPI document
 * (shared/http/openapi.ts), beside the request schemas of schemas.ts. Nothing here parses
 * a response at run time; the e2e suites check every response they receive against the
 * document these become (test/helpers/response-contract.ts).
 *
 * Objects are loose (`z.looseObject`): a client ignores fields it does not know, so adding
 * one is no breaking change, and the document promises only what is listed.
 */
import * as z from 'zod';
import { TOKEN_SCOPES } from '../domain/access.js';
import { API_KEY_STATUSES } from '../domain/api-keys.js';
import { JOB_PRIORITIES } from '../domain/fairness.js';
import { MODES, RESOURCE_TYPES, TRIGGERS } from '../domain/job.js';
import { FIELD_TYPES, FILE_STATUSES } from '../domain/resources.js';
import { JOB_STATUSES } from '../domain/status.js';
import { ExtractPlanReview, MapPlanReview } from './plan-responses.js';

/** The named schemas of the document's `components.schemas`, by id. */
export const components = z.registry<{ id: string }>();

const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

export const JobError = z
  .looseObject({
    code: z.string().min(1).meta({ description: 'Stable, for programs: part-failed, ack-timeout, …' }),
    message: z.string().min(1).meta({ description: 'For people: what went wrong and what to do.' }),
    part: count.optional().meta({ description: 'The part that failed, when one did.' }),
  })
  .register(components, { id: 'JobError' });

export const Job = z
  .looseObject({
    id: z.string().meta({ example: 'job_01jd0000000000000000000000' }),
    environmentId: z.string(),
    type: z.enum(RESOURCE_TYPES),
    operation: z
      .string()
      .meta({ description: "extract, map, delete, export, or a custom action's operation." }),
    source: z.string().meta({ description: 'The file, workbook or sheet the job works on.' }),
    destination: z.string().optional(),
    config: z.record(z.string(), z.unknown()),
    trigger: z.enum(TRIGGERS),
    mode: z.enum(MODES),
    input: z.record(z.string(), z.unknown()).optional(),
    status: z.enum(JOB_STATUSES),
    attempt: z.number().int().min(1).optional().meta({ description: '1, then one more per retry.' }),
    priority: z
      .enum(JOB_PRIORITIES)
      .optional()
      .meta({ description: "The job's share of the parts queue (docs/fairness.md); absent: normal." }),
    parts: count,
    processed: count,
    rowsProcessed: count.optional().meta({
      description:
        "Rows the finished parts handled: read by an extract, written by a map or an export, deleted by a delete (0 for an action's job). Absent on jobs created before rows were counted.",
    }),
    failed: count.meta({ description: 'Parts that failed for good in this attempt.' }),
    progress: z.number().min(0).max(100),
    info: z.string().optional(),
    estimatedCompletionAt: timestamp.optional(),
    outcome: z.record(z.string(), z.unknown()).optional(),
    error: JobError.optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
    startedAt: timestamp.optional(),
    finishedAt: timestamp.optional(),
  })
  .meta({ description: 'A unit of asynchronous work on a file, workbook or sheet, split into parts.' })
  .register(components, { id: 'Job' });

export const Part = z
  .looseObject({
    part: count,
    status: z.enum(['PENDING', 'COMPLETED', 'FAILED']),
    stats: z.record(z.string(), z.number()).optional().meta({ description: 'What the part reported.' }),
    error: JobError.optional(),
  })
  .register(components, { id: 'Part' });

export const DataFile = z
  .looseObject({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    mediaType: z.string(),
    status: z.enum(FILE_STATUSES.filter((status) => status !== 'deleted') as ['pending', 'available']),
    size: count.optional().meta({ description: 'Bytes, once the content arrived.' }),
    expectedSize: count.optional(),
    uploadExpiresAt: timestamp.optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ description: 'A file record; its content lives in S3.' })
  .register(components, { id: 'DataFile' });

export const CreatedFile = DataFile.extend({
  uploadUrl: z.url().meta({ description: 'A presigned PUT URL for the content.' }),
  uploadHeaders: z
    .record(z.string(), z.string())
    .meta({ description: 'Headers the upload must send as they are.' }),
  uploadUrlExpiresIn: z.number().int().min(1).meta({ description: 'Seconds.' }),
}).register(components, { id: 'CreatedFile' });

const Field = z
  .looseObject({
    key: z.string(),
    label: z.string().optional(),
    type: z.enum(FIELD_TYPES),
    description: z.string().optional(),
    required: z.boolean().optional(),
    options: z.array(z.string()).optional(),
  })
  .register(components, { id: 'Field' });

const Action = z
  .looseObject({
    operation: z.string(),
    label: z.string(),
    description: z.string().optional(),
    mode: z.enum(MODES).optional(),
    confirm: z.boolean().optional(),
    primary: z.boolean().optional(),
    inputForm: z.looseObject({ fields: z.array(Field) }).optional(),
  })
  .register(components, { id: 'Action' });

export const Sheet = z
  .looseObject({
    id: z.string(),
    workbookId: z.string(),
    environmentId: z.string(),
    name: z.string(),
    slug: z
      .string()
      .optional()
      .meta({ description: "A short name of the caller's, unique within the workbook." }),
    fields: z.array(Field),
    actions: z.array(Action).optional(),
    createdAt: timestamp,
  })
  .register(components, { id: 'Sheet' });

export const SheetWithCounts = Sheet.extend({
  recordCount: count,
  counts: z.looseObject({ records: count, valid: count, invalid: count }),
}).register(components, { id: 'SheetWithCounts' });

export const Workbook = z
  .looseObject({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    sheets: z.array(Sheet),
    actions: z.array(Action).optional(),
    revision: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: '1 when created, one more for each change: the ETag names it.' }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .register(components, { id: 'Workbook' });

export const SheetRecord = z
  .looseObject({
    id: z.string().meta({ description: 'Unique within the sheet.' }),
    values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    valid: z.boolean(),
    messages: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Per field, why its value does not fit.' }),
  })
  .register(components, { id: 'SheetRecord' });

export const PlanReview = z
  .discriminatedUnion('operation', [
    ExtractPlanReview.register(components, { id: 'ExtractPlanReview' }),
    MapPlanReview.register(components, { id: 'MapPlanReview' }),
  ])
  .meta({ description: 'The plan of a READY job, as its operation shows it (docs/plan.md).' })
  .register(components, { id: 'PlanReview' });

export const Deleted = z
  .looseObject({
    id: z.string(),
    deleted: z.boolean(),
    deleting: z.boolean().optional(),
    message: z.string().optional(),
  })
  .meta({ description: 'A delete done (`deleted: true`) or under way (`deleting: true`, 202).' })
  .register(components, { id: 'Deleted' });

export const Token = z
  .looseObject({
    token: z.string().meta({ description: 'Send it as `Authorization: Bearer <token>`.' }),
    tokenType: z.literal('Bearer'),
    environmentId: z.string(),
    scope: z.enum(TOKEN_SCOPES),
    jobId: z.string().optional().meta({ description: 'The job a watch token reads.' }),
    expiresAt: timestamp,
    expiresIn: z.number().int().min(1).meta({ description: 'Seconds.' }),
  })
  .meta({ description: 'A short-lived browser token (docs/auth.md).' })
  .register(components, { id: 'Token' });

const ApiKeyFields = {
  id: z.string().meta({ example: 'key_0123456789abcdef' }),
  environmentId: z.string(),
  name: z.string(),
  prefix: z.string().meta({
    description: 'The start of the key (`pw_live_<id>`): enough to recognise it, nothing to use it with.',
    example: 'pw_live_0123456789abcdef',
  }),
  status: z
    .enum(API_KEY_STATUSES)
    .meta({ description: 'active, revoked, or expired (its own expiry or a rotation’s overlap ended).' }),
  rateLimitPerMinute: z.number().int().min(1),
  createdAt: timestamp,
  expiresAt: timestamp
    .optional()
    .meta({ description: 'From then on the key is refused (401 `key-expired`).' }),
  revokedAt: timestamp.optional(),
  replacedBy: z.string().optional().meta({ description: 'The key this one was rotated into.' }),
  replaces: z.string().optional().meta({ description: 'The key this one replaced.' }),
};

export const ApiKey = z
  .looseObject(ApiKeyFields)
  .meta({ description: 'An API key: its prefix and metadata, never the key (docs/auth.md).' })
  .register(components, { id: 'ApiKey' });

export const CreatedApiKey = z
  .looseObject({
    ...ApiKeyFields,
    key: z.string().meta({
      description:
        'The key itself, `pw_live_<id>_<secret>`: shown in this answer only, never again. Keep it in a secret store.',
    }),
  })
  .meta({ description: 'An API key just created, with the key itself (shown once).' })
  .register(components, { id: 'CreatedApiKey' });

export const RotatedApiKey = z
  .looseObject({ key: CreatedApiKey, previous: ApiKey })
  .meta({
    description:
      'The new key (shown once), and the key it replaces, which works until its `expiresAt` (the end of the overlap).',
  })
  .register(components, { id: 'RotatedApiKey' });

export const Health = z.looseObject({ status: z.literal('ok') }).register(components, { id: 'Health' });

export const FieldProblem = z
  .union([
    z.looseObject({ pointer: z.string(), detail: z.string() }),
    z.looseObject({ parameter: z.string(), detail: z.string() }),
    z.looseObject({ header: z.string(), detail: z.string() }),
  ])
  .meta({
    description:
      'Where a problem lies: an RFC 6901 `pointer` into the JSON body, a query or path `parameter`, or a `header`.',
  })
  .register(components, { id: 'FieldProblem' });

/** RFC 9457 problem details; `x-problem-types` in the document lists every `type`. */
export const Problem = z
  .looseObject({
    type: z.string().meta({ description: '`urn:partwise:problem:<code>`.' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    errors: z.array(FieldProblem).optional(),
    correlationId: z.string().meta({ description: "The request's id: the logs hold the details under it." }),
  })
  .register(components, { id: 'Problem' });
