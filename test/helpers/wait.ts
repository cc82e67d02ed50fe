/**
 * Waiting on a condition instead of sleeping: a test goes on the moment what it waits for
 * holds, and a busy machine only makes it slower, never red. The deadline is generous and
 * is there to turn a hang into a clear failure, not to measure speed.
 */
export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Pause between two looks (default 25 ms). */
  intervalMs?: number;
}

/**
 * Reads a value until `done` holds for it, and returns that value. Times out with an error
 * that names what was awaited and the last value seen.
 */
export async function waitFor<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean = Boolean,
  { timeoutMs = 60_000, intervalMs = 25 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${describe(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 500 ? `${text.slice(0, 500)}…` : text;
  } catch {
    return String(value);
  }
}
