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
}
