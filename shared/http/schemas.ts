import * as z from 'zod';
import { JOB_TOPICS } from '../domain/events.js';
import { MODES, RESOURCE_TYPES, TRIGGERS } from '../domain/job.js';
import { FIELD_TYPES } from '../domain/resources.js';
import { JOB_STATUSES } from '../domain/status.js';

const id = (what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .min(1, `is required: ${what}`)
    .max(128);

export const CreateJobBody = z
  .object({
    type: z.enum(RESOURCE_TYPES, { error: `must be one of: ${RESOURCE_TYPES.join(', ')}` }),
    operation: z.string({ error: 'is required: extract, or another operation' }).min(1),
    source: id('the id of the file, workbook or sheet the job works on'),
    destination: z.string().min(1).max(128).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    trigger: z.enum(TRIGGERS, { error: `must be one of: ${TRIGGERS.join(', ')}` }).optional(),
    mode: z.enum(MODES, { error: `must be one of: ${MODES.join(', ')}` }).optional(),
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = z.coerce.number().int().min(0).default(0);

export const ListJobsQuery = z
  .object({
    status: z.enum(JOB_STATUSES, { error: `must be one of: ${JOB_STATUSES.join(', ')}` }).optional(),
    operation: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
    limit: limit(100, 20),
    next: z.string().optional(),
  })
  .strict();

export const PageQuery = z.object({ offset, limit: limit(1000, 100) }).strict();
export const RecordsQuery = z
  .object({
    offset,
    limit: limit(1000, 100),
    valid: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((value) => value === 'true')
      .optional(),
  })
  .strict();
export const CursorQuery = z.object({ limit: limit(100, 100), next: z.string().optional() }).strict();

export const EventsQuery = z
  .object({
    since: z.string().optional(),
    jobId: z.string().optional(),
    topic: z.enum(JOB_TOPICS, { error: `must be one of: ${JOB_TOPICS.join(', ')}` }).optional(),
    limit: limit(500, 100),
  })
  .strict();

export const CreateFileBody = z
  .object({
    name: z.string({ error: 'is required: the file name, e.g. people.csv' }).min(1).max(255),
    mediaType: z.string().min(1).max(255).optional(),
  })
  .strict();

const FieldBody = z
  .object({
    key: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
        'must start with a letter or _ and hold only letters, digits and _',
      ),
    label: z.string().max(255).optional(),
    type: z.enum(FIELD_TYPES, { error: `must be one of: ${FIELD_TYPES.join(', ')}` }),
    required: z.boolean().optional(),
    options: z.array(z.string()).min(1).optional(),
  })
  .strict()
  .refine((field) => field.type !== 'enum' || (field.options?.length ?? 0) > 0, {
    message: 'an enum field needs options',
    path: ['options'],
  });

const ActionBody = z
  .object({
    operation: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9:_-]{0,63}$/,
        'must start with a letter and hold letters, digits, :, _ or -',
      ),
    label: z.string().min(1).max(255),
    description: z.string().max(2000).optional(),
    mode: z.enum(MODES, { error: `must be one of: ${MODES.join(', ')}` }).optional(),
    confirm: z.boolean().optional(),
    primary: z.boolean().optional(),
    inputForm: z
      .object({ fields: z.array(FieldBody).max(100) })
      .strict()
      .optional(),
  })
  .strict();

const Actions = z
  .array(ActionBody)
  .max(50)
  .refine((actions) => new Set(actions.map((a) => a.operation)).size === actions.length, {
    message: 'action operations must be unique',
  })
  .refine((actions) => actions.every((a) => !['extract', 'map', 'delete', 'export'].includes(a.operation)), {
    message: 'an action cannot reuse a built-in operation name (extract, map, delete, export)',
  });

export const CreateWorkbookBody = z
  .object({
    name: z.string().min(1).max(255),
    sheets: z
      .array(
        z
          .object({
            name: z.string().min(1).max(255),
            fields: z.array(FieldBody).min(1).max(1000),
            actions: Actions.optional(),
          })
          .strict()
          .refine((sheet) => new Set(sheet.fields.map((f) => f.key)).size === sheet.fields.length, {
            message: 'field keys must be unique within a sheet',
            path: ['fields'],
          }),
      )
      .min(1)
      .max(100),
    actions: Actions.optional(),
  })
  .strict();

export const PatchWorkbookBody = z
  .object({
    name: z.string().min(1).max(255).optional(),
    actions: Actions.optional(),
    /** Actions of sheets, by sheet id. */
    sheets: z.array(z.object({ id: z.string().min(1), actions: Actions }).strict()).optional(),
  })
  .strict();

const Outcome = z
  .object({
    message: z.string().max(10_000),
    heading: z.string().max(255).optional(),
    next: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export const AckBody = z
  .object({
    progress: z.number().min(0).max(100).optional(),
    info: z.string().max(10_000).optional(),
    estimatedCompletionAt: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
      .optional(),
  })
  .strict();

export const CompleteBody = z
  .object({ outcome: Outcome.optional(), info: z.string().max(10_000).optional() })
  .strict();
export const FailBody = z
  .object({ info: z.string().max(10_000).optional(), outcome: Outcome.optional() })
  .strict();
