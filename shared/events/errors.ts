/**
 * Errors a consumer of job events meets. They live apart from the service's own
 * hierarchy (shared/domain/errors.ts): they never reach an HTTP response, they reach the
 * consumer's code, which decides whether to drop, log or retry.
 */
import type { SchemaViolation } from './schemas.js';

export class SubscriberError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SubscriberError';
  }
}

/** The input is not a job event: not one of the accepted shapes, or it breaks its schema. */
export class InvalidEventError extends SubscriberError {
  readonly violations: SchemaViolation[];
  /** The topic the input claimed, when it claimed one. */
  readonly topic?: string;

  constructor(message: string, violations: SchemaViolation[], topic?: string, options?: ErrorOptions) {
    const details = violations.map((v) => `${v.pointer || '/'} ${v.message}`).join('; ');
    super(details ? `${message}: ${details}` : message, options);
    this.name = 'InvalidEventError';
    this.violations = violations;
    if (topic !== undefined) this.topic = topic;
  }
}

/** The events feed or stream answered with an error a retry will not fix (a bad key, a wrong URL). */
export class EventFeedError extends SubscriberError {
  readonly status: number;

  constructor(url: string, status: number, body: string) {
    super(`${url} answered ${status}: ${body.slice(0, 500)}`);
    this.name = 'EventFeedError';
    this.status = status;
  }
}
