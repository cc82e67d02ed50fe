import { describe, expect, it } from 'vitest';
import { MAX_PENDING_PROGRESS_EVENTS, outboxFor, progressBacklogged } from '../../../shared/engine/commit.js';
import type { JobRecord } from '../../../shared/ports.js';
import { jobFixture } from '../../helpers/jobs.js';

function recordWith(pendingUpdates: number, otherEvents = 0): JobRecord {
  const blank: JobRecord = {
    job: jobFixture({ status: 'EXECUTING', parts: 10 }),
    version: 3,
    eventCount: 2,
    executeRequested: false,
    state: {},
    lastProgressEventAt: 0,
    outbox: [],
  };
  const now = new Date().toISOString();
  for (let i = 0; i < pendingUpdates + otherEvents; i++) {
    const topic = i < pendingUpdates ? 'job:updated' : 'job:waiting';
    const [entry] = outboxFor(
      { ...blank, eventCount: blank.eventCount + i },
      { changes: {}, topics: [topic] },
      now,
    );
    if (entry) blank.outbox.push(entry);
  }
  return blank;
}

describe('the progress-event backlog', () => {
  it('holds no more progress events for a job whose outbox already holds the most it may', () => {
    expect(progressBacklogged(recordWith(MAX_PENDING_PROGRESS_EVENTS - 1))).toBe(false);
    expect(progressBacklogged(recordWith(MAX_PENDING_PROGRESS_EVENTS))).toBe(true);
  });

  it('counts only job:updated events waiting in the outbox, not other events', () => {
    expect(progressBacklogged(recordWith(0, MAX_PENDING_PROGRESS_EVENTS + 5))).toBe(false);
  });
});
