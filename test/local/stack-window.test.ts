import { describe, expect, it } from 'vitest';
import { localPartsInFlightPerJob } from '../../infra/local/stack.js';

describe("the local stack's dispatch window", () => {
  it('holds two batches per worker, so that no worker waits for another batch to be counted', () => {
    // Two workers taking one part each: the construct's rule, twice the processors.
    expect(localPartsInFlightPerJob(2, 1)).toBe(4);
    // Batches of 10: a window of 4 would go whole into one worker's batch.
    expect(localPartsInFlightPerJob(2, 10)).toBe(40);
    expect(localPartsInFlightPerJob(1, 10)).toBe(20);
    // No workers or batch size given as 0: the stack still runs one worker taking one part.
    expect(localPartsInFlightPerJob(0, 0)).toBe(2);
  });
});
