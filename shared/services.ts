import type { FairnessSettings } from './domain/fairness.js';
import type {
  BlobStore,
  EventDeadLetter,
  EventPublisher,
  EventStore,
  JobStore,
  PartQueue,
  ResourceStore,
  ServiceMetrics,
} from './ports.js';

/** Everything the engine and the operations need from the outside world, behind ports. */
export interface Services {
  jobs: JobStore;
  events: EventStore;
  resources: ResourceStore;
  blobs: BlobStore;
  queue: PartQueue;
  publisher: EventPublisher;
  /** Events the publisher gave up on. */
  eventDeadLetter: EventDeadLetter;
  /** What operators watch (shared/metrics.ts): counts and timings of jobs, parts and the relay. */
  metrics: ServiceMetrics;
  now: () => Date;
  /**
   * Deliver each commit's outbox right after the commit (`relayCommitted`), as the functions
   * do; the stream (or, locally, the poll) relay stays the backstop for what a crash between
   * the two leaves. Off: the outbox waits for the relay, as engine tests want to see it.
   */
  relayAfterCommit?: boolean;
  /** The dispatch window and environment caps (domain/fairness.ts); absent: the window is off. */
  fairness?: FairnessSettings;
}
