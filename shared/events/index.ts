/** The consumer's kit for job events: schemas, a de-duplicating Subscriber, feed clients, webhook signatures. */
export type { JobEvent, JobSnapshot, SnapshotTruncation } from '../domain/events.js';
export { EventFeedError, InvalidEventError, SubscriberError } from './errors.js';
export { type FeedOptions, type PollOptions, pollEvents, type StreamOptions, streamEvents } from './feed.js';
export { type ParseOptions, parseJobEvent } from './parse.js';
export { type EventPattern, matchesPattern, type PatternValue, patternProblems } from './pattern.js';
export {
  isJobTopic,
  JOB_EVENT_SCHEMAS,
  type SchemaViolation,
  SHARED_SCHEMAS,
  type ValidationResult,
  validateJobEvent,
} from './schemas.js';
export {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  type VerifyOptions,
  verifyWebhookSignature,
} from './signature.js';
export { type SseMessage, SseParser } from './sse.js';
export {
  type EventHandler,
  type JobEventOf,
  RecentIds,
  Subscriber,
  type SubscriberOptions,
} from './subscriber.js';
