import type { Action } from '../domain/actions.js';
import { inputErrors } from '../domain/actions.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { Services } from '../services.js';
import type { CreateRequest, Operation } from './operation.js';

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
                pointer: 'body.operation',
                detail: declared ? `must be one of: ${declared}` : 'no actions declared',
              },
            ],
          },
        );
      }
      const ackTimeoutSeconds = request.config.ackTimeoutSeconds ?? 300;
      if (
        typeof ackTimeoutSeconds !== 'number' ||
        !Number.isInteger(ackTimeoutSeconds) ||
        ackTimeoutSeconds < 1
      ) {
        throw new ValidationError('config.ackTimeoutSeconds must be a whole number of seconds, at least 1.', {
          errors: [{ pointer: 'body.config.ackTimeoutSeconds', detail: 'must be an integer ≥ 1' }],
        });
      }
      const errors = inputErrors(action.inputForm, request.input);
      if (errors.length > 0) {
        throw new ValidationError(
          `The input does not fit the form of action "${name}": ${errors.map((e) => `${e.pointer.slice(11)} ${e.detail}`).join('; ')}.`,
          {
            errors,
          },
        );
      }
      return { ...request.config, ackTimeoutSeconds };
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
