/**
 * A background loop that runs one step at a time until stopped: the shape shared by the
 * SQS pollers, the outbox relay poll and the sweeper schedule.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Loop {
  /** Stops scheduling steps, aborts the signal given to the running step, and waits for it. */
  stop(): Promise<void>;
}

/**
 * @param step one unit of work; resolves to the delay in ms before the next step.
 * @param onError called when a step throws (not after stop); returns the delay before retrying.
 */
export function startLoop(
  step: (signal: AbortSignal) => Promise<number>,
  onError: (error: unknown) => number,
): Loop {
  const controller = new AbortController();
  const { signal } = controller;
  const running = (async () => {
    while (!signal.aborted) {
      let delay: number;
      try {
        delay = await step(signal);
      } catch (error) {
        if (signal.aborted) break;
        delay = onError(error);
      }
      if (delay > 0 && !signal.aborted) await sleep(delay, undefined, { signal }).catch(() => {});
    }
  })();
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}

/** Waits for `work`, but no longer than `ms` (a grace period when stopping). */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  const timer = new AbortController();
  await Promise.race([work, sleep(ms, undefined, { signal: timer.signal }).catch(() => {})]);
  timer.abort();
}
