import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { config } from '../../config.js';
import { DependencyError } from '../../domain/errors.js';
import type { JobEvent } from '../../domain/events.js';
import type { EventPublisher, RefusedEvent } from '../../ports.js';
import { traced } from '../../tracing.js';
import { entrySize, groupIntoCalls, PUT_EVENTS_MAX_BYTES } from './put-events-limits.js';

/**
 * The EventBridge SDK, loaded with the first publish: only the relay and the sweeper
 * publish, and the api, processor and dead-letter bundles hold this adapter without
 * calling it — their module init does not load the client (docs/operations.md, Init).
 */
let eventBridge: Promise<PutEvents> | undefined;

function loadEventBridge() {
  eventBridge ??= import('@aws-sdk/client-eventbridge').then(({ EventBridgeClient, PutEventsCommand }) => {
    const client = traced(
      new EventBridgeClient({
        ...(config.eventbridgeEndpoint ? { endpoint: config.eventbridgeEndpoint } : {}),
        maxAttempts: 5,
      }),
    );
    return async (entries) => (await client.send(new PutEventsCommand({ Entries: entries }))).Entries ?? [];
  });
  return eventBridge;
}

/** Entries that fail inside a successful call are tried this many times in all. */
const ENTRY_ATTEMPTS = 5;
/** Per-entry codes that say "later" rather than "never" (PutEventsResultEntry). */
const RETRYABLE = new Set(['InternalFailure', 'ThrottlingException']);
/**
 * Per-entry codes that refuse the publisher, not the event (its role, the bus policy, the
 * account, a bus that is not there): every event would meet them, so none is given up on
 * — the relay fails and its stream retries, with the outbox intact, until someone fixes it.
 */
const REFUSES_PUBLISHER = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'InvalidAccountIdException',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

/** The code of a refused event too large for any PutEvents call (ours; EventBridge fails the whole call). */
export const ENTRY_TOO_LARGE = 'EntryTooLarge';

/** PutEvents: the result entries, in the order of the request's. */
export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<PutEventsResultEntry[]>;

export interface EventBridgePublisherOptions {
  /** @default the configured bus (PARTWISE_EVENT_BUS_NAME) */
  busName?: string;
  /** @default the configured source (PARTWISE_EVENT_SOURCE) */
  source?: string;
  /** @default PutEvents on the module's EventBridge client */
  putEvents?: PutEvents;
  /** Waits between attempts. @default setTimeout */
  wait?: (ms: number) => Promise<void>;
}

interface Pending {
  event: JobEvent;
  entry: PutEventsRequestEntry;
  size: number;
  /** The last failure of an entry being retried. */
  failure?: { code: string; message: string };
}

interface CallOutcome {
  published: number;
  refused: RefusedEvent[];
  retry: Pending[];
}

const sendToEventBridge: PutEvents = async (entries) => (await loadEventBridge())(entries);

/**
 * Publishes job events with PutEvents, in calls grouped by EventBridge's size rules.
 * An event EventBridge refuses for good, or one that keeps failing while others go
 * through, is given back to the caller (RefusedEvent) instead of failing the rest.
 */
export function eventBridgePublisher(options: EventBridgePublisherOptions = {}): EventPublisher {
  const putEvents = options.putEvents ?? sendToEventBridge;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const toPending = (event: JobEvent): Pending => {
    const entry: PutEventsRequestEntry = {
      EventBusName: options.busName ?? config.eventBusName,
      Source: options.source ?? config.eventSource,
      DetailType: event.topic,
      Detail: JSON.stringify(event),
      Time: new Date(event.createdAt),
      Resources: [],
    };
    return { event, entry, size: entrySize(entry) };
  };

  async function call(batch: Pending[]): Promise<CallOutcome> {
    const outcome: CallOutcome = { published: 0, refused: [], retry: [] };
    let results: PutEventsResultEntry[];
    try {
      results = await putEvents(batch.map((pending) => pending.entry));
    } catch (error) {
      if (!refusesTheCall(error)) {
        throw new DependencyError('EventBridge could not accept the events.', { cause: error });
      }
      // EventBridge refused the call as a whole (a malformed or oversized entry fails them
      // all): halve it until the entry at fault is alone, and give only that one up.
      const [first] = batch;
      if (batch.length === 1 && first) {
        outcome.refused.push(refusal(first.event, errorName(error), errorMessage(error)));
        return outcome;
      }
      const half = Math.ceil(batch.length / 2);
      return merge(await call(batch.slice(0, half)), await call(batch.slice(half)));
    }
    for (const [i, pending] of batch.entries()) {
      const result = results[i];
      const code = result ? result.ErrorCode : 'InternalFailure'; // no answer for it: try again
      const message = result?.ErrorMessage ?? 'EventBridge gave no result for the entry.';
      if (code === undefined) outcome.published++;
      else if (RETRYABLE.has(code)) outcome.retry.push({ ...pending, failure: { code, message } });
      else if (REFUSES_PUBLISHER.has(code)) {
        throw new DependencyError(`EventBridge refuses this publisher: ${code}: ${message}`);
      } else outcome.refused.push(refusal(pending.event, code, message));
    }
    return outcome;
  }

  return {
    async publish(events) {
      const refused: RefusedEvent[] = [];
      let published = 0;
      let pending = events.map(toPending);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const { calls, oversized } = groupIntoCalls(pending, (p) => p.size);
        for (const { event, size } of oversized) {
          const reason = `The entry is ${size} bytes; a PutEvents entry must be less than ${PUT_EVENTS_MAX_BYTES}.`;
          refused.push(refusal(event, ENTRY_TOO_LARGE, reason));
        }
        const retry: Pending[] = [];
        for (const batch of calls) {
          const outcome = await call(batch);
          published += outcome.published;
          refused.push(...outcome.refused);
          retry.push(...outcome.retry);
        }
        pending = retry;
        if (pending.length === 0) break;
        if (attempt < ENTRY_ATTEMPTS) {
          await wait(50 * 2 ** attempt);
          continue;
        }
        // Failing while others went through: this event's trouble, given up on. Failing
        // with nothing through: EventBridge's trouble, so nothing is given up on.
        if (published === 0) {
          throw new DependencyError(
            `EventBridge took none of ${events.length} events after ${attempt} attempts (${pending[0]?.failure?.code}).`,
          );
        }
        for (const { event, failure } of pending) {
          const reason = `Still failing after ${attempt} attempts: ${failure?.message}`;
          refused.push(refusal(event, failure?.code ?? 'InternalFailure', reason));
        }
        break;
      }
      return refused;
    },
  };
}

const refusal = (event: JobEvent, code: string, reason: string): RefusedEvent => ({ event, code, reason });

const merge = (a: CallOutcome, b: CallOutcome): CallOutcome => ({
  published: a.published + b.published,
  refused: [...a.refused, ...b.refused],
  retry: [...a.retry, ...b.retry],
});

/**
 * A call refused for what it holds: a ValidationException (an entry breaks a rule), or
 * 413 (the request is too large; EventBridge answers it with no body at all).
 */
function refusesTheCall(error: unknown): boolean {
  return errorName(error) === 'ValidationException' || httpStatusOf(error) === 413;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error && error.message
    ? error.message
    : `EventBridge refused the call (${errorName(error)}).`;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
