/**
 * Turns whatever carried a job event to a consumer into the event itself, checked against
 * its schema. Three carriers exist: an EventBridge event (a rule's target, a webhook body:
 * `{ 'detail-type', source, detail }`), a server-sent event (`{ id, event, data }` with the
 * event as JSON in `data`) and an item of GET /events (the event as it is).
 */
import type { JobEvent } from '../domain/events.js';
import { InvalidEventError } from './errors.js';
import { type SchemaViolation, validateJobEvent } from './schemas.js';

export interface ParseOptions {
  /**
   * The EventBridge `source` to accept; another source is refused. `null` accepts any
   * (a deployment may configure its own source).
   * @default 'partwise'
   */
  source?: string | null;
}

type Carrier = 'eventbridge' | 'sse' | 'feed';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string, pointer: string, topic?: string): InvalidEventError {
  const violation: SchemaViolation = { pointer, message, keyword: 'carrier' };
  return new InvalidEventError(message, [violation], topic);
}

function carrierOf(input: Record<string, unknown>): Carrier | undefined {
  if ('detail-type' in input && 'detail' in input) return 'eventbridge';
  if (typeof input.data === 'string' && typeof input.event === 'string') return 'sse';
  if ('topic' in input) return 'feed';
  return undefined;
}

/** The event an EventBridge envelope, an SSE message or a feed item carries; throws InvalidEventError. */
export function parseJobEvent(input: unknown, options: ParseOptions = {}): JobEvent {
  const expectedSource = options.source === undefined ? 'partwise' : options.source;
  const carrier = isObject(input) ? carrierOf(input) : undefined;
  if (!isObject(input) || !carrier) {
    throw invalid(
      'not a job event: expected an EventBridge event, a server-sent event or an item of GET /events',
      '',
    );
  }
  let event: unknown = input;
  let claimed: unknown;
  if (carrier === 'eventbridge') {
    claimed = input['detail-type'];
    if (expectedSource !== null && input.source !== expectedSource) {
      throw invalid(`source must be "${expectedSource}" (got ${JSON.stringify(input.source)})`, '/source');
    }
    event = input.detail;
  } else if (carrier === 'sse') {
    // `message` is what a stream says when it names no event type: no claim to check.
    claimed = input.event === 'message' ? undefined : input.event;
    try {
      event = JSON.parse(input.data as string);
    } catch (error) {
      throw new InvalidEventError(
        'the server-sent event holds no JSON',
        [{ pointer: '/data', message: 'is not JSON', keyword: 'carrier' }],
        undefined,
        { cause: error },
      );
    }
  }
  const topic = isObject(event) ? event.topic : undefined;
  if (claimed !== undefined && claimed !== topic) {
    throw invalid(
      `the carrier says ${JSON.stringify(claimed)} but the event is ${JSON.stringify(topic)}`,
      '/topic',
      typeof claimed === 'string' ? claimed : undefined,
    );
  }
  if (carrier === 'sse' && input.id && isObject(event) && input.id !== event.id) {
    throw invalid(`the SSE id ${JSON.stringify(input.id)} is not the event's id`, '/id');
  }
  const result = validateJobEvent(event);
  if (!result.valid) {
    throw new InvalidEventError(
      `${result.topic ?? 'the event'} does not match its schema`,
      result.violations,
      result.topic,
    );
  }
  return result.event;
}
