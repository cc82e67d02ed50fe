import type { FieldError } from './errors.js';
import type { JobMode } from './job.js';
import type { Field } from './resources.js';

/**
 * A custom operation a workbook or sheet declares: a button in a UI that creates a job
 * of this `operation`, which a service outside partwise carries out and reports on.
 */
export interface Action {
  operation: string;
  label: string;
  description?: string;
  mode?: JobMode;
  /** Ask the user to confirm before the job is created. */
  confirm?: boolean;
  primary?: boolean;
  /** What the user fills in; the job's `input` is checked against it. */
  inputForm?: { fields: Field[] };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Checks a job's `input` against an action's form: required fields present, each value of its field's type. */
export function inputErrors(
  form: Action['inputForm'],
  input: Record<string, unknown> | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  const values = input ?? {};
  const fields = form?.fields ?? [];
  const known = new Set(fields.map((field) => field.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key))
      errors.push({ path: ['body', 'input', key], detail: 'is not a field of the action’s input form' });
  }
  for (const field of fields) {
    const value = values[field.key];
    const path = ['body', 'input', field.key];
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ path, detail: 'is required' });
      continue;
    }
    const problem = typeProblem(field, value);
    if (problem) errors.push({ path, detail: problem });
  }
  return errors;
}

function typeProblem(field: Field, value: unknown): string | undefined {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be an ISO 8601 date, e.g. 2026-11-28';
    case 'enum':
      return typeof value === 'string' && (field.options ?? []).includes(value)
        ? undefined
        : `must be one of: ${(field.options ?? []).join(', ')}`;
  }
}
