/**
 * `Subscriber`: the consumer's side of job events. Every carrier delivers at least once
 * (the relay may publish twice, EventBridge retries a target, a webhook is retried, a
 * stream replays after a reconnect), so the subscriber validates each event, drops the
 * ones it has already handled — by the event's stable `id` — and calls the handlers of
 * its topic. No AWS SDK here: it runs in a Lambda behind a rule, a container, a script.
 */
import type { JobEvent, JobTopic } from '../domain/events.js';
import { type ParseOptions, parseJobEvent } from './parse.js';

export type JobEventOf<T extends JobTopic> = JobEvent & { topic: T };
export type EventHandler<E extends JobEvent = JobEvent> = (event: E) => unknown;

export interface SubscriberOptions extends ParseOptions {
  /**
   * How many event ids to remember for de-duplication (least recently seen forgotten
   * first). Duplicates arrive close together, so a few thousand cover every carrier.
   * @default 10_000
   */
  remember?: number;
}

/** A bounded set of ids, oldest forgotten first; a lookup counts as a use (LRU). */
export class RecentIds {
  private readonly ids = new Map<string, true>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`remember must be at least 1: ${limit}`);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    if (!this.ids.delete(id)) return false;
    this.ids.set(id, true);
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    // A Map iterates in insertion order, so its first key is the least recently used.
    for (const oldest of this.ids.keys()) {
      if (this.ids.size <= this.limit) break;
      this.ids.delete(oldest);
    }
  }

  delete(id: string): void {
    this.ids.delete(id);
  }
}

export class Subscriber {
  private readonly handlers = new Map<JobTopic | '*', EventHandler[]>();
  private readonly recent: RecentIds;
  private readonly parseOptions: ParseOptions;

  constructor(options: SubscriberOptions = {}) {
    this.recent = new RecentIds(options.remember ?? 10_000);
    this.parseOptions = options.source === undefined ? {} : { source: options.source };
  }

  /** Calls `handler` for each new event of `topic` (`*`: of every topic), after those registered before it. */
  on<T extends JobTopic>(topic: T, handler: EventHandler<JobEventOf<T>>): this;
  on(topic: '*', handler: EventHandler): this;
  on(topic: JobTopic | '*', handler: EventHandler<never>): this {
    // Safe: handle() calls a topic's handlers only with events of that topic.
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler as EventHandler]);
    return this;
  }

  /**
   * Validates the input (an EventBridge event, a server-sent event or an item of GET
   * /events) and runs the handlers of its topic, then those of `*`. Resolves to true for
   * a new event, false for a duplicate. Throws `InvalidEventError` for an input that is
   * not a valid job event, and a handler's error as it is.
   *
   * The id is remembered before the handlers run, so a duplicate arriving meanwhile is
   * dropped; when a handler throws, it is forgotten again, so a redelivery is handled.
   */
  async handle(input: unknown): Promise<boolean> {
    const event = parseJobEvent(input, this.parseOptions);
    if (this.recent.has(event.id)) return false;
    this.recent.add(event.id);
    try {
      for (const handler of this.handlers.get(event.topic) ?? []) await handler(event);
      for (const handler of this.handlers.get('*') ?? []) await handler(event);
    } catch (error) {
      this.recent.delete(event.id);
      throw error;
    }
    return true;
  }

  /**
   * Handles every input of a source (`streamEvents`, `pollEvents`, …), one at a time and
   * in order, until it ends. Without `onError`, the first error ends it; with it, the
   * error is reported and the next input handled.
   */
  async consume(
    source: AsyncIterable<unknown>,
    options: { onError?: (error: unknown, input: unknown) => void } = {},
  ): Promise<void> {
    for await (const input of source) {
      try {
        await this.handle(input);
      } catch (error) {
        if (!options.onError) throw error;
        options.onError(error, input);
      }
    }
  }

  /** Whether an event id is among those remembered as handled. */
  hasHandled(id: string): boolean {
    return this.recent.has(id);
  }
}
