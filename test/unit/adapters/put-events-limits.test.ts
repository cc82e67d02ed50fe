import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  entrySize,
  groupIntoCalls,
  PUT_EVENTS_MAX_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
} from '../../../shared/adapters/eventbridge/put-events-limits.js';

const KB = 1024;
const LIMIT = PUT_EVENTS_MAX_BYTES;

/** Items that are their own size, named by position, so a grouping reads as sizes. */
const sized = (...sizes: number[]) => sizes.map((size, index) => ({ index, size }));
const group = (items: Array<{ index: number; size: number }>) => {
  const { calls, oversized } = groupIntoCalls(items, (item) => item.size);
  return {
    calls: calls.map((call) => call.map((item) => item.size)),
    oversized: oversized.map((i) => i.size),
  };
};

describe('the size of a PutEvents entry, as EventBridge computes it', () => {
  it('counts 14 bytes for a Time and the UTF-8 bytes of Source, DetailType, Detail and each resource', () => {
    const entry = {
      Time: new Date(),
      Source: 'partwise',
      DetailType: 'job:completed',
      Detail: '{"message":"€"}',
      Resources: ['arn:aws:s3:::a', 'arn:aws:s3:::bc'],
    };

    expect(entrySize(entry)).toBe(14 + 8 + 13 + 17 + 14 + 15);
  });

  it('counts no Time when there is none, and neither the bus name nor the JSON around the fields', () => {
    const bare = { Source: 's', DetailType: 'd', Detail: '{}' };

    expect(entrySize(bare)).toBe(4);
    const onABus: PutEventsRequestEntry = {
      ...bare,
      EventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/x',
    };
    expect(entrySize(onABus)).toBe(4);
    // The JSON protocol sends Time as epoch seconds: still 14 bytes.
    expect(entrySize({ ...bare, Time: 1_767_225_600 })).toBe(18);
  });
});

describe('grouping entries into PutEvents calls', () => {
  it('puts at most 10 entries in a call, however small', () => {
    const { calls } = group(sized(...Array.from({ length: 25 }, () => 100)));

    expect(calls.map((call) => call.length)).toEqual([10, 10, 5]);
  });

  it('keeps a call under 256 KB: entries totalling one byte less share a call, totalling the limit they do not', () => {
    expect(group(sized(LIMIT / 2, LIMIT / 2 - 1)).calls).toEqual([[LIMIT / 2, LIMIT / 2 - 1]]);
    expect(group(sized(LIMIT / 2, LIMIT / 2)).calls).toEqual([[LIMIT / 2], [LIMIT / 2]]);
  });

  it('sends an entry of one byte under the limit alone, and sets apart one of the limit that no call can take', () => {
    expect(group(sized(LIMIT - 1, 10))).toEqual({ calls: [[LIMIT - 1], [10]], oversized: [] });
    expect(group(sized(10, LIMIT, 20))).toEqual({ calls: [[10, 20]], oversized: [LIMIT] });
  });

  it('packs mixed sizes in order, closing a call when the next entry would break a limit', () => {
    const items = sized(100 * KB, 100 * KB, 100 * KB, 1 * KB, 1 * KB, 200 * KB, 60 * KB, 9, 9, 9);

    const { calls } = group(items);

    expect(calls).toEqual([[100 * KB, 100 * KB], [100 * KB, 1 * KB, 1 * KB], [200 * KB], [60 * KB, 9, 9, 9]]);
  });

  it('for any sizes: every call within the limits, nothing lost or reordered, no call closed too soon', () => {
    const size = fc.oneof(fc.integer({ min: 1, max: 2 * KB }), fc.integer({ min: 1, max: LIMIT + KB }));
    fc.assert(
      fc.property(fc.array(size, { maxLength: 60 }), (sizes) => {
        const items = sized(...sizes);
        const { calls, oversized } = groupIntoCalls(items, (item) => item.size);
        const total = (call: typeof items) => call.reduce((sum, item) => sum + item.size, 0);

        for (const call of calls) {
          expect(call.length).toBeGreaterThanOrEqual(1);
          expect(call.length).toBeLessThanOrEqual(PUT_EVENTS_MAX_ENTRIES);
          expect(total(call)).toBeLessThan(LIMIT);
        }
        for (const item of oversized) expect(item.size).toBeGreaterThanOrEqual(LIMIT);
        // In order: the calls, then what was set apart, are the items sorted back by position.
        expect(calls.flat().map((item) => item.index)).toEqual(
          items.filter((item) => item.size < LIMIT).map((item) => item.index),
        );
        // Greedy: the next call's first entry would have broken a limit of the call before it.
        for (const [i, call] of calls.entries()) {
          const next = calls[i + 1]?.[0];
          if (!next) continue;
          expect(call.length === PUT_EVENTS_MAX_ENTRIES || total(call) + next.size >= LIMIT).toBe(true);
        }
      }),
    );
  });
});
