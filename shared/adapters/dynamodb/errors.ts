import { DependencyError, PayloadTooLargeError, StaleWriteError } from '../../domain/errors.js';

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** DynamoDB refuses an item over 400 KB: what the request carried is too large (a 413), not a failure of DynamoDB (a 503). */
function isItemTooLarge(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /item size (to update )?has exceeded the maximum allowed size/i.test(error.message)
  );
}

/** Translates an SDK error into a domain error at the adapter boundary. */
export function rethrow(error: unknown, what: string): never {
  if (isConditionFailed(error)) {
    throw new StaleWriteError(`Could not ${what}: the item changed meanwhile.`, { cause: error });
  }
  if (isItemTooLarge(error)) {
    throw new PayloadTooLargeError(
      `Could not ${what}: it would hold more than the 400 KB partwise stores per item.`,
      {
        cause: error,
      },
    );
  }
  throw new DependencyError(`DynamoDB could not ${what}.`, { cause: error });
}
