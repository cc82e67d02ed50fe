import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  FINAL_STATUSES,
  isFinal,
  JOB_STATUSES,
  type JobStatus,
  TRANSITIONS,
} from '../../../shared/domain/status.js';

describe('the job status machine', () => {
  it('never lets a final status change again', () => {
    for (const status of FINAL_STATUSES) {
      for (const to of JOB_STATUSES) expect(canTransition(status, to)).toBe(false);
    }
  });

  it('can cancel from every status that is not final', () => {
    for (const status of JOB_STATUSES.filter((s) => !isFinal(s)))
      expect(canTransition(status, 'CANCELED')).toBe(true);
  });

  it('never goes back to PLANNING or READY once executing', () => {
    expect(canTransition('EXECUTING', 'READY')).toBe(false);
    expect(canTransition('EXECUTING', 'PLANNING')).toBe(false);
    expect(canTransition('READY', 'PLANNING')).toBe(false);
  });

  it('reaches a final status within three steps along any allowed path (property)', () => {
    const order: Record<JobStatus, number> = {
      PLANNING: 0,
      READY: 1,
      EXECUTING: 2,
      COMPLETED: 3,
      FAILED: 3,
      CANCELED: 3,
    };
    fc.assert(
      fc.property(fc.array(fc.nat(10), { maxLength: 10 }), (choices) => {
        let status: JobStatus = 'PLANNING';
        for (const choice of choices) {
          const next = TRANSITIONS[status];
          if (next.length === 0) break;
          const to = next[choice % next.length] as JobStatus;
          // Every allowed step moves strictly forward: no cycles, so every path ends.
          expect(order[to]).toBeGreaterThan(order[status]);
          status = to;
        }
      }),
    );
  });
});
