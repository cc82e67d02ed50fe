import { ValidationError } from '../domain/errors.js';
import type { ResourceType } from '../domain/job.js';
import { customOperation } from './custom.js';
import { deleteRecords } from './delete.js';
import { exportRecords } from './export.js';
import { extract } from './extract.js';
import { map } from './map.js';
import type { Operation } from './operation.js';

const operations: ReadonlyMap<string, Operation> = new Map(
  [extract, map, deleteRecords, exportRecords].map((operation) => [operation.name, operation]),
);

export const BUILT_IN_OPERATIONS = [...operations.keys()];

/**
 * The operation of a job. Any other name is a custom action — allowed on workbooks and
 * sheets, where creating the job checks that the source declares it.
 */
export function operationFor(name: string, type?: ResourceType): Operation {
  const operation = operations.get(name);
  if (operation) return operation;
  if (type === 'file') {
    throw new ValidationError(
      `Unknown operation "${name}". Built-in operations: ${BUILT_IN_OPERATIONS.join(', ')}; custom actions run on workbooks and sheets.`,
      {
        errors: [
          { path: ['body', 'operation'], detail: `must be one of: ${BUILT_IN_OPERATIONS.join(', ')}` },
        ],
      },
    );
  }
  return customOperation(name, BUILT_IN_OPERATIONS);
}
