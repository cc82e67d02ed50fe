import { ValidationError } from '../domain/errors.js';
import { extract } from './extract.js';
import type { Operation } from './operation.js';

const operations: ReadonlyMap<string, Operation> = new Map([[extract.name, extract]]);

export const BUILT_IN_OPERATIONS = [...operations.keys()];

export function operationFor(name: string): Operation {
  const operation = operations.get(name);
  if (!operation) {
    throw new ValidationError(
      `Unknown operation "${name}". Built-in operations: ${BUILT_IN_OPERATIONS.join(', ')}.`,
      {
        errors: [{ pointer: 'body.operation', detail: `must be one of: ${BUILT_IN_OPERATIONS.join(', ')}` }],
      },
    );
  }
  return operation;
}
