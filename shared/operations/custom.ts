import * as z from 'zod';
import type { Action } from '../domain/actions.js';
import { inputErrors } from '../domain/actions.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { Services } from '../services.js';
import type { CreateRequest, Operation } from './operation.js';
import { parseConfig } from './validation.js';

/** A deadline of an outside job: whole seconds, one to a week (a date beyond that would not even be one JS can hold, for the largest numbers). */
const deadlineSeconds = z
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(7 * 24 * 3600, 'must be at most 604800 seconds (7 days)');

/** The config of a custom action's job: the deadlines partwise keeps, and anything else for the executor. */
const CustomConfig = z
  .object({
    /** How long the job may wait for the executor's first ack (default 300). */
    ackTimeoutSeconds: deadlineSeconds.optional(),
    /** How long an acknowledged job may go without a report (default 3600, see domain/deadlines.ts). */
    heartbeatSeconds: deadlineSeconds.optional(),
  })
  .passthrough();

/** The actions a workbook or sheet of the environment declares (a sheet offers its workbook's too). */
export async function actionsOf(
  services: Services,
  request: Pick<CreateRequest, 'environmentId' | 'type' | 'source'>,
) {
  if (request.type === 'workbook') {
    const workbook = await services.resources.getWorkbook(request.source);
    if (!workbook || workbook.environmentId !== request.environmentId)
      throw new NotFoundError('Workbook', request.source);
    return workbook.actions ?? [];
  }
  if (request.type === 'sheet') {
    const sheet = await services.resources.getSheet(request.source);
    if (!sheet || sheet.environmentId !== request.environmentId)
      throw new NotFoundError('Sheet', request.source);
    const workbook = await services.resources.getWorkbook(sheet.workbookId);
    return [...(sheet.actions ?? []), ...(workbook?.actions ?? [])];
  }
  return [];
}

/**
 * A custom operation: the action a workbook or sheet declares. partwise plans no parts
 * for it; on execute the job goes EXECUTING with `job:started`, and an outside executor
 * reports back with ack / complete / fail.
 */
export function customOperation(name: string, builtIn: readonly string[]): Operation {
  return {
    name,
    types: ['workbook', 'sheet'],
    runsOutside: true,

    async validate(request, services) {
      const actions: Action[] = await actionsOf(services, request);
      const action = actions.find((a) => a.operation === name);
      if (!action) {
        const declared = actions.map((a) => `"${a.operation}"`).join(', ');
        throw new ValidationError(
          `Operation "${name}" is not built in (${builtIn.join(', ')}) and ${request.type} ${request.source} declares ${
            declared ? `only the actions ${declared}` : 'no actions'
          }.`,
          {
            errors: [
              {
                path: ['body', 'operation'],
                detail: declared ? `must be one of: ${declared}` : 'no actions declared',
              },
            ],
          },
        );
      }
      const config = parseConfig(CustomConfig, request.config, name);
      const errors = inputErrors(action.inputForm, request.input);
      if (errors.length > 0) {
        throw new ValidationError(
          `The input does not fit the form of action "${name}": ${errors.map((e) => `${e.path.slice(2).join('.')} ${e.detail}`).join('; ')}.`,
          {
            errors,
          },
        );
      }
      return { ...config, ackTimeoutSeconds: config.ackTimeoutSeconds ?? 300 };
    },

    async plan() {
      return { parts: 0, state: {} };
    },
    async partMessages() {
      return [];
    },
    async runPart() {
      throw new Error(`operation "${name}" runs outside partwise and has no parts`);
    },
    async finalize() {
      return {};
    },
  };
}
