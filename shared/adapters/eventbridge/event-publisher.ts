import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { JobEvent } from '../../domain/events.js';
import type { EventPublisher } from '../../ports.js';

const eventBridge = new EventBridgeClient({
  ...(config.eventbridgeEndpoint ? { endpoint: config.eventbridgeEndpoint } : {}),
  maxAttempts: 5,
});

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;
const ENTRY_ATTEMPTS = 5;

export function eventBridgePublisher(busName?: string, source?: string): EventPublisher {
  return {
    async publish(events: JobEvent[]) {
      for (let i = 0; i < events.length; i += BATCH) {
        let entries: PutEventsRequestEntry[] = events.slice(i, i + BATCH).map((event) => ({
          EventBusName: busName ?? config.eventBusName,
          Source: source ?? config.eventSource,
          DetailType: event.topic,
          Detail: JSON.stringify(event),
          Time: new Date(event.createdAt),
          Resources: [],
        }));
        for (let attempt = 1; entries.length > 0; attempt++) {
          let result: PutEventsCommandOutput;
          try {
            result = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
          } catch (error) {
            throw new DependencyError('EventBridge could not accept the events.', { cause: error });
          }
          // Entries come back in request order; a failed one has an ErrorCode instead of an EventId.
          const outcomes = result.Entries ?? [];
          entries = entries.filter((_, n) => outcomes[n]?.ErrorCode !== undefined);
          if (entries.length > 0 && attempt >= ENTRY_ATTEMPTS) {
            throw new DependencyError(
              `EventBridge refused ${entries.length} events after ${attempt} attempts.`,
            );
          }
          if (entries.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        }
      }
    },
  };
}
