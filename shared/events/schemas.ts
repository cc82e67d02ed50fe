/**
 * The published JSON Schemas of job events (draft 2020-12), one per EventBridge
 * detail-type, and validators compiled from them with Ajv. The JSON files are the
 * contract; this module only loads them. Imported as JSON modules, so a bundler (esbuild
 * for Lambda) inlines them and nothing reads the file system at run time.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { JobEvent, JobTopic } from '../domain/events.js';
import jobCanceled from './schemas/job-canceled.schema.json' with { type: 'json' };
import jobCompleted from './schemas/job-completed.schema.json' with { type: 'json' };
import jobDeleted from './schemas/job-deleted.schema.json' with { type: 'json' };
import jobEvent from './schemas/job-event.schema.json' with { type: 'json' };
import jobFailed from './schemas/job-failed.schema.json' with { type: 'json' };
import jobSnapshot from './schemas/job-snapshot.schema.json' with { type: 'json' };
import jobStarted from './schemas/job-started.schema.json' with { type: 'json' };
import jobUpdated from './schemas/job-updated.schema.json' with { type: 'json' };
import jobWaiting from './schemas/job-waiting.schema.json' with { type: 'json' };

/** The schema of each topic's event, as published (`$id`, `title` = the detail-type). */
export const JOB_EVENT_SCHEMAS = {
  'job:waiting': jobWaiting,
  'job:started': jobStarted,
  'job:updated': jobUpdated,
  'job:completed': jobCompleted,
  'job:failed': jobFailed,
  'job:canceled': jobCanceled,
  'job:deleted': jobDeleted,
} as const satisfies Record<JobTopic, { $id: string; title: string }>;

/** The schemas the topic schemas build on (`$ref`), by `$id`. */
export const SHARED_SCHEMAS = [jobEvent, jobSnapshot] as const;

/** One way an event breaks its schema: where (a JSON Pointer into the event) and what. */
export interface SchemaViolation {
  pointer: string;
  message: string;
  /** The schema keyword that failed (`required`, `const`, `format`, …). */
  keyword: string;
}

export type ValidationResult =
  | { valid: true; event: JobEvent }
  | { valid: false; topic?: string; violations: SchemaViolation[] };

const TOPICS = Object.keys(JOB_EVENT_SCHEMAS) as JobTopic[];

// One compiled validator per topic, built on first use: compiling is the slow part, and a
// process that never validates (the API, say) never pays for it.
let validators: Map<string, ValidateFunction> | undefined;

function compiled(): Map<string, ValidateFunction> {
  if (validators) return validators;
  // Strict, but for `required`: a topic schema requires fields (startedAt, error) that the
  // snapshot schema it refines defines, which Ajv's strictRequired cannot see through $ref.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  formats.default(ajv, ['date-time']);
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(schema);
  validators = new Map(TOPICS.map((topic) => [topic, ajv.compile(JOB_EVENT_SCHEMAS[topic])]));
  return validators;
}

function violation(error: ErrorObject): SchemaViolation {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  const allowed =
    error.keyword === 'const' || error.keyword === 'enum'
      ? `: ${JSON.stringify(error.params.allowedValue ?? error.params.allowedValues)}`
      : '';
  return {
    pointer: `${error.instancePath}${missing}`,
    message: `${error.message ?? 'is invalid'}${allowed}`,
    keyword: error.keyword,
  };
}

export function isJobTopic(value: unknown): value is JobTopic {
  return typeof value === 'string' && (TOPICS as string[]).includes(value);
}

/**
 * Checks an event (the `detail`) against the schema of its topic — of `topic` when given,
 * which must then match the event's own `topic`. Never throws.
 */
export function validateJobEvent(event: unknown, topic?: string): ValidationResult {
  const named = topic ?? (event as { topic?: unknown } | null)?.topic;
  if (!isJobTopic(named)) {
    return {
      valid: false,
      violations: [
        {
          pointer: '/topic',
          message: `must be one of: ${TOPICS.join(', ')} (got ${JSON.stringify(named)})`,
          keyword: 'enum',
        },
      ],
    };
  }
  const validate = compiled().get(named) as ValidateFunction;
  if (validate(event)) return { valid: true, event: event as JobEvent };
  return { valid: false, topic: named, violations: (validate.errors ?? []).map(violation) };
}
