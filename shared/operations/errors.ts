import { PartwiseError } from '../domain/errors.js';

/**
 * What a job keeps for its operation — its config, its state — does not fit the operation's
 * schema. Never the caller's doing (a request's config is checked by `validate`, with a 400):
 * it is a bug, or a job stored by an older version. A 500, never shown; not permanent, so the
 * work is retried like after any other fault, and the dead-letter queue fails the job in the end.
 */
export class StoredJobError extends PartwiseError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 500, 'stored-job-unreadable', options);
    this.name = 'StoredJobError';
  }
}
