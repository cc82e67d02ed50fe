import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localPartsInFlightPerJob, startLocalStack } from '../../infra/local/stack.js';
import { ENV } from '../../shared/config.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

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

  it("is each stack's own: a stopped stack leaves the process's variables as it found them, so that a process started afterwards does not take its window for a setting", async () => {
    const before = { ...process.env };
    const dataDir = await mkdtemp(join(tmpdir(), 'partwise-window-'));
    const stack = await startLocalStack({ port: 0, dataDir, workers: 1, processorBatchSize: 10, log: quiet });
    try {
      expect(process.env[ENV.partsInFlightPerJob]).toBe('20');
      expect(process.env[ENV.tableName]).toBe('partwise');
    } finally {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    expect(process.env).toEqual(before);
  }, 60_000);
});
