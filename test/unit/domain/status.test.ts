import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../shared/domain/status.js';
import { freshModule } from '../../helpers/fresh-module.js';

// The table is built when its module loads: each test reads a freshly loaded one.
let status: typeof import('../../../shared/domain/status.js');
beforeEach(async () => {
  status = await freshModule(() => import('../../../shared/domain/status.js'));
});

const NOT_FINAL: JobStatus[] = ['PLANNING', 'READY', 'EXECUTING'];
const FINAL: JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELED'];

describe('the job status machine', () => {
  it('knows the six statuses of a job, three of them final', () => {
    expect([...status.JOB_STATUSES].sort()).toEqual([...NOT_FINAL, ...FINAL].sort());
    for (const s of FINAL) expect(status.isFinal(s)).toBe(true);
    for (const s of NOT_FINAL) expect(status.isFinal(s)).toBe(false);
  });

  it('lets an ended job move again only when a caller retries it: FAILED or COMPLETED back to EXECUTING', () => {
    for (const from of FINAL) {
      for (const to of status.JOB_STATUSES) {
        const retry = from !== 'CANCELED' && to === 'EXECUTING';
        expect(status.canTransition(from, to)).toBe(retry);
      }
    }
  });

  it('can cancel from every status that is not final', () => {
    for (const from of NOT_FINAL) expect(status.canTransition(from, 'CANCELED')).toBe(true);
  });

  it('lets a job fail from every status that is not final, planning included, so none is left stuck', () => {
    // A file that cannot be planned fails its job while it is PLANNING.
    for (const from of NOT_FINAL) expect(status.canTransition(from, 'FAILED')).toBe(true);
  });

  it('starts a job once it is planned: to READY to wait for execute, or straight to EXECUTING', () => {
    expect(status.canTransition('PLANNING', 'READY')).toBe(true);
    expect(status.canTransition('PLANNING', 'EXECUTING')).toBe(true);
    expect(status.canTransition('READY', 'EXECUTING')).toBe(true);
  });

  it('completes only a job that is executing', () => {
    expect(status.canTransition('EXECUTING', 'COMPLETED')).toBe(true);
    expect(status.canTransition('PLANNING', 'COMPLETED')).toBe(false);
    expect(status.canTransition('READY', 'COMPLETED')).toBe(false);
  });

  it('never goes back to PLANNING or READY once executing', () => {
    expect(status.canTransition('EXECUTING', 'READY')).toBe(false);
    expect(status.canTransition('EXECUTING', 'PLANNING')).toBe(false);
    expect(status.canTransition('READY', 'READY')).toBe(false);
  });

  it('goes back from READY to PLANNING only for a plan a caller changed before execute', () => {
    expect(status.canTransition('READY', 'PLANNING')).toBe(true);
    expect(status.CALLER_RETURNS.READY).toEqual(['PLANNING']);
  });

  it('counts as in flight only the statuses in which the engine itself must move on', () => {
    expect(status.JOB_STATUSES.filter(status.isInFlight)).toEqual(['PLANNING', 'EXECUTING']);
  });

  it('reaches a final status within three steps along any path the engine takes by itself (property)', () => {
    const isCallers = (from: JobStatus, to: JobStatus) => status.CALLER_RETURNS[from]?.includes(to) ?? false;
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
        let current: JobStatus = 'PLANNING';
        for (const choice of choices) {
          const next = status.TRANSITIONS[current].filter((to) => !isCallers(current, to));
          if (next.length === 0) break;
          const to = next[choice % next.length] as JobStatus;
          // Every allowed step moves strictly forward: no cycles, so every path ends.
          expect(order[to]).toBeGreaterThan(order[current]);
          current = to;
        }
      }),
    );
  });
});
