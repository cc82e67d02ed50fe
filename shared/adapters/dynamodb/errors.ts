import { DependencyError, StaleWriteError } from '../../domain/errors.js';

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Translates an SDK error into a domain error at the adapter boundary. */
export function rethrow(error: unknown, what: string): never {
  if (isConditionFailed(error)) {
    throw new StaleWriteError(`Could not ${what}: the item changed meanwhile.`, { cause: error });
  }
  throw new DependencyError(`DynamoDB could not ${what}.`, { cause: error });
}
