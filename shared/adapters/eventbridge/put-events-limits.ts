/**
 * EventBridge's limits on PutEvents, and the grouping of entries into calls that keep them.
 * Shared by the publisher and by the local stack's EventBridge, which enforces them.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */

/** Entries per PutEvents call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** The entries of one call must total less than 256 KB, as EventBridge sizes them — so must one entry alone. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** The fields of an entry EventBridge counts (the JSON protocol sends Time as epoch seconds). */
export interface SizedFields {
  Time?: Date | number | string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
}

/**
 * An entry's size as EventBridge computes it: 14 bytes for a Time, then the UTF-8 bytes of
 * Source, DetailType, Detail and each resource. The bus name and the JSON around them do
 * not count.
 */
export function entrySize(entry: SizedFields): number {
  const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text));
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0)
  );
}

/** Whether one call of `count` entries totalling `bytes` keeps the limits. */
export function withinLimits(count: number, bytes: number): boolean {
  return count >= 1 && count <= PUT_EVENTS_MAX_ENTRIES && bytes < PUT_EVENTS_MAX_BYTES;
}

/**
 * Groups items, in their order, into calls EventBridge accepts: at most 10 entries and
 * less than 256 KB each. A call is closed when the next item would break a limit (order
 * matters more than the fewest calls: a job's events go out in sequence). An item too
 * large to go even alone is set apart (`oversized`).
 */
export function groupIntoCalls<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
): { calls: T[][]; oversized: T[] } {
  const calls: T[][] = [];
  const oversized: T[] = [];
  let call: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (!withinLimits(1, size)) {
      oversized.push(item);
      continue;
    }
    if (call.length > 0 && !withinLimits(call.length + 1, bytes + size)) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(item);
    bytes += size;
  }
  if (call.length > 0) calls.push(call);
  return { calls, oversized };
}
