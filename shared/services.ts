import type { FairnessSettings } from './domain/fairness.js';
import type {
  BlobStore,
  EventDeadLetter,
  EventPublisher,
  EventStore,
  JobStore,
  PartQueue,
  ResourceStore,
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
  now: () => Date;
  /** The dispatch window and environment caps (domain/fairness.ts); absent: the window is off. */
  fairness?: FairnessSettings;
}
