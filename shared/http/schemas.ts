import * as z from 'zod';
import { TOKEN_SCOPES, TOKEN_TTL_SECONDS } from '../domain/access.js';
import { API_KEY_LIMITS } from '../domain/api-keys.js';
import { JOB_TOPICS } from '../domain/events.js';
import { JOB_PRIORITIES } from '../domain/fairness.js';
import { isId } from '../domain/ids.js';
import { MODES, RESOURCE_TYPES, TRIGGERS } from '../domain/job.js';
import { FIELD_TYPES, MAX_UPLOAD_BYTES } from '../domain/resources.js';
import { JOB_STATUSES } from '../domain/status.js';
import { MAX_CURSOR_LENGTH, MAX_ID_LENGTH, MAX_NAME_LENGTH } from './limits.js';

const id = (what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .min(1, `is required: ${what}`)
    .max(MAX_ID_LENGTH, `is no id: ids are at most ${MAX_ID_LENGTH} characters`);

const name = (what = 'a name') =>
  z
    .string({ error: `is required: ${what}` })
    .min(1, `is required: ${what}`)
    .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);

/**
 * A JSON object of the caller's own (a job's `input` and `config`, an outcome's `next`).
 * Nesting, numbers and text are checked for the whole body when it is parsed; its size is
 * the route's to check, together with what it shares a budget with.
 */
const JsonObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

export const CreateJobBody = z
  .object({
    type: z.enum(RESOURCE_TYPES, { error: `must be one of: ${RESOURCE_TYPES.join(', ')}` }),
    operation: z
      .string({ error: 'is required: extract, or another operation' })
      .min(1)
      .max(64, 'must be at most 64 characters'),
    source: id('the id of the file, workbook or sheet the job works on'),
    destination: id('the id of the workbook or sheet the job writes to').optional(),
    config: JsonObject.optional(),
    trigger: z.enum(TRIGGERS, { error: `must be one of: ${TRIGGERS.join(', ')}` }).optional(),
    mode: z.enum(MODES, { error: `must be one of: ${MODES.join(', ')}` }).optional(),
    input: JsonObject.optional(),
    priority: z
      .enum(JOB_PRIORITIES, { error: `must be one of: ${JOB_PRIORITIES.join(', ')}` })
      .optional()
      .meta({
        description:
          "The job's share of the parts queue: `high` keeps twice the parts of a `normal` job in flight, `low` half (docs/fairness.md). Not a place in front of the queue. Default `normal`.",
      }),
  })
  .strict();

/**
 * `PATCH /jobs/:id/plan`: a JSON object here; what it may hold is the job's operation's to
 * check against the job's plan (an extract: `{ mapping?, delimiter?, headerRow? }`).
 */
export const PlanChangeBody = JsonObject.meta({
  description: "An extract's `{ mapping?, delimiter?, headerRow? }` (docs/plan.md).",
});

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);
/** `next` as a list returned it; empty is the first page, as for a caller that passes back what it got. */
const cursor = z.string().max(MAX_CURSOR_LENGTH, 'is not a cursor this API returned').optional();

export const ListJobsQuery = z
  .object({
    status: z.enum(JOB_STATUSES, { error: `must be one of: ${JOB_STATUSES.join(', ')}` }).optional(),
    operation: z.string().min(1).max(64).optional(),
    source: id('the id of a file, workbook or sheet').optional(),
    limit: limit(100, 20),
    next: cursor,
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
export const CursorQuery = z.object({ limit: limit(100, 100), next: cursor }).strict();

export const EventsQuery = z
  .object({
    since: z
      .string()
      .regex(/^\d{0,16}$/, {
        message: 'must be the `next` of an earlier page: a position in the feed (not an event id or a time)',
        abort: true,
      })
      .refine((since) => Number(since) <= Number.MAX_SAFE_INTEGER, 'is past any position in the feed')
      .optional(),
    jobId: id('the id of a job').optional(),
    topic: z.enum(JOB_TOPICS, { error: `must be one of: ${JOB_TOPICS.join(', ')}` }).optional(),
    limit: limit(500, 100),
  })
  .strict();

/** `type/subtype` with optional parameters, in the token characters of RFC 9110 (no CR, LF or non-ASCII: it becomes a header). */
const MEDIA_TYPE =
  /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=([A-Za-z0-9!#$&^_.+-]+|"[\x20\x21\x23-\x5b\x5d-\x7e]*"))*$/;

export const CreateFileBody = z
  .object({
    name: name('the file name, e.g. people.csv'),
    mediaType: z
      .string()
      .max(MAX_NAME_LENGTH)
      .regex(MEDIA_TYPE, 'must be a media type such as text/csv')
      .optional(),
    /** The content's exact size: the upload URL then takes that many bytes and no other number. */
    size: z
      .number()
      .int('must be a whole number of bytes')
      .min(0)
      .max(MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} bytes (5 GiB), the most one upload takes`)
      .optional(),
  })
  .strict();

/**
 * A field constraint in Flatfile's shape. partwise enforces `required`; `unique` and the
 * others are refused, saying so, rather than accepted and not enforced.
 */
const FieldConstraint = z
  .object({ type: z.string().min(1).max(64), config: z.unknown().optional() })
  .strict()
  .superRefine((constraint, ctx) => {
    if (constraint.type === 'required') return;
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message:
        constraint.type === 'unique'
          ? 'partwise does not enforce uniqueness: remove the unique constraint (check for duplicates in your own code, a custom action for instance)'
          : `is a constraint partwise does not enforce: only "required" is`,
    });
  });

/** An enum option in Flatfile's shape (`config.options`); partwise keeps its value. */
const EnumOptionBody = z
  .object({
    value: z.union([name('an option value'), z.number(), z.boolean()], {
      error: 'must be a string, a number or a boolean',
    }),
    label: z.string().max(MAX_NAME_LENGTH).optional(),
    description: z.string().max(2000).optional(),
    color: z.string().max(64).optional(),
    icon: z.string().max(255).optional(),
  })
  .strict();

/**
 * A sheet or form field, in partwise's shape or Flatfile's (`constraints`, `config.options`:
 * see docs/blueprints.md); `blueprint.ts` turns the second into the first.
 */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const FieldBody = z
  .object({
    key: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
        'must start with a letter or _ and hold only letters, digits and _ (at most 128)',
      )
      // A JavaScript object takes `__proto__` as its prototype, not as a member: in partwise
      // and in every client that reads records into objects. Any other name does.
      .refine(
        (key) => key !== '__proto__',
        'cannot be __proto__ (JavaScript objects take it as their prototype)',
      ),
    label: z.string().max(MAX_NAME_LENGTH).optional(),
    type: z.enum(FIELD_TYPES, { error: `must be one of: ${FIELD_TYPES.join(', ')}` }),
    description: z.string().max(2000).optional(),
    required: z.boolean().optional(),
    options: z.array(name('an option')).min(1).max(1000).optional(),
    constraints: z.array(FieldConstraint).max(10).optional(),
    config: z
      .object({ options: z.array(EnumOptionBody).min(1).max(1000) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((field) => !(field.options && field.config), {
    message: 'give an enum field its options once: options, or config.options',
    path: ['config'],
  })
  .refine(
    (field) => field.type !== 'enum' || (field.options?.length ?? field.config?.options.length ?? 0) > 0,
    {
      message: 'an enum field needs options',
      path: ['options'],
    },
  );

const ActionBody = z
  .object({
    operation: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9:_-]{0,63}$/,
        'must start with a letter and hold letters, digits, :, _ or - (at most 64)',
      ),
    label: name('a label'),
    description: z.string().max(2000).optional(),
    mode: z.enum(MODES, { error: `must be one of: ${MODES.join(', ')}` }).optional(),
    confirm: z.boolean().optional(),
    primary: z.boolean().optional(),
    inputForm: z
      .object({
        /** Flatfile's form type: partwise has one kind of form, the simple one. */
        type: z
          .literal('simple', { error: 'must be "simple", the one kind of form partwise shows' })
          .optional(),
        fields: z.array(FieldBody).max(100),
      })
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
    name: name('the workbook name'),
    sheets: z
      .array(
        z
          .object({
            name: name('the sheet name'),
            slug: z
              .string()
              .regex(
                SLUG,
                'must start with a letter or digit and hold only letters, digits, _ and - (at most 128)',
              )
              .optional(),
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
      .max(100)
      .refine(
        (sheets) => {
          const slugs = sheets.flatMap((sheet) => (sheet.slug ? [sheet.slug] : []));
          return new Set(slugs).size === slugs.length;
        },
        { message: 'sheet slugs must be unique within a workbook' },
      ),
    actions: Actions.optional(),
  })
  .strict();

export const PatchWorkbookBody = z
  .object({
    name: name('the workbook name').optional(),
    actions: Actions.optional(),
    /** Actions of sheets, by sheet id. */
    sheets: z
      .array(z.object({ id: id('the id of a sheet of the workbook'), actions: Actions }).strict())
      .max(100)
      .optional(),
  })
  .strict();

const Outcome = z
  .object({
    message: z.string().max(10_000),
    heading: z.string().max(MAX_NAME_LENGTH).optional(),
    next: JsonObject.optional(),
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

/** `POST /tokens` (and the local stack's `POST /local/tokens`): a browser token (docs/auth.md). */
export const CreateTokenBody = z
  .object({
    scope: z.enum(TOKEN_SCOPES, { error: `must be one of: ${TOKEN_SCOPES.join(', ')}` }).meta({
      description:
        'read: every GET of the environment; run: read, and upload files and create, execute, cancel and retry jobs; watch: one job (jobId) and its events.',
    }),
    jobId: id('the job a watch token reads')
      .refine((value) => isId('job', value), 'is no job id (job_…)')
      .optional()
      .meta({ description: 'The job a watch token reads; only a watch token names one.' }),
    ttlSeconds: z
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(TOKEN_TTL_SECONDS.min, `must be at least ${TOKEN_TTL_SECONDS.min} seconds`)
      .max(TOKEN_TTL_SECONDS.max, `must be at most ${TOKEN_TTL_SECONDS.max} seconds (one hour)`)
      .default(TOKEN_TTL_SECONDS.default)
      .meta({ description: 'How long the token lives.' }),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.scope === 'watch' && body.jobId === undefined)
      context.addIssue({
        code: 'custom',
        path: ['jobId'],
        message: 'is required: the job a watch token reads',
      });
    if (body.scope !== 'watch' && body.jobId !== undefined)
      context.addIssue({ code: 'custom', path: ['jobId'], message: 'is only for a token of scope watch' });
  });

/** An environment's id, as keys name it: `env_` and letters, digits, `_` or `-`. */
const environmentId = z
  .string({ error: 'is required: the environment, env_…' })
  .regex(/^env_[A-Za-z0-9_-]{1,100}$/, 'must be env_ followed by 1 to 100 letters, digits, _ or -');

/** `POST /admin/keys`: a new API key of an environment (docs/auth.md). */
export const CreateApiKeyBody = z
  .object({
    environmentId: environmentId.meta({ description: 'The environment the key acts for.' }),
    name: z
      .string({ error: 'is required: what the key is for (ci, billing-service, …)' })
      .min(1, 'is required: what the key is for (ci, billing-service, …)')
      .max(API_KEY_LIMITS.maxNameLength, `must be at most ${API_KEY_LIMITS.maxNameLength} characters`)
      .meta({ description: 'What the key is for, for people reading the list.' }),
    expiresAt: z.iso
      .datetime({ offset: true, error: 'must be a date and time, such as 2027-01-31T00:00:00Z' })
      .optional()
      .meta({ description: 'When the key stops working; never when left out.' }),
    rateLimitPerMinute: z
      .number({ error: 'must be a whole number of requests' })
      .int('must be a whole number of requests')
      .min(1, 'must be at least 1')
      .max(API_KEY_LIMITS.maxRateLimitPerMinute, `must be at most ${API_KEY_LIMITS.maxRateLimitPerMinute}`)
      .optional()
      .meta({
        description: `Requests a minute the key may make (${API_KEY_LIMITS.defaultRateLimitPerMinute} when left out).`,
      }),
  })
  .strict();

export const ListApiKeysQuery = z
  .object({
    environmentId: environmentId.meta({ description: 'The environment whose keys to list.' }),
    limit: limit(100, 50),
    next: cursor,
  })
  .strict();

/** `POST /admin/keys/:id/rotate`. */
export const RotateApiKeyBody = z
  .object({
    overlapSeconds: z
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(0, 'must be at least 0 (the old key stops at once)')
      .max(API_KEY_LIMITS.maxOverlapSeconds, `must be at most ${API_KEY_LIMITS.maxOverlapSeconds} (a week)`)
      .default(API_KEY_LIMITS.defaultOverlapSeconds)
      .meta({ description: 'How long the old key keeps working beside the new one.' }),
  })
  .strict();
