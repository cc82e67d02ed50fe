/**
 * The chaos suite, small enough for `npm test`: ten jobs of every kind, run once without
 * faults and once with seeded crashes at every fault point, duplicate deliveries and two
 * whole-stack SIGKILLs; the second run must end exactly as the first (see chaos.ts).
 * `npm run chaos` runs the same with 100 jobs.
 */
import { describe, expect, it } from 'vitest';
import { remoteTarget } from '../helpers/stack.js';
import { reportTable, runChaos } from './chaos.js';

/** Less than the test's timeout: a run that hangs fails with what it did so far, not with a bare timeout. */
const GIVE_UP_MS = 540_000;

describe.runIf(!remoteTarget)('chaos', () => {
  it('ends ten jobs under crashes, duplicates and two SIGKILLs exactly as it ends them without', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(`${new Date().toISOString()} ${line}`);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`chaos did not finish in ${GIVE_UP_MS / 1000} s; its log:\n${lines.join('\n')}`)),
        GIVE_UP_MS,
      );
    });
    const report = await Promise.race([
      runChaos({ jobs: 10, seed: 7, crashRate: 0.2, duplicateRate: 0.3, restarts: 2, log }),
      gaveUp,
    ]).finally(() => clearTimeout(timer));
    console.log(reportTable(report));
    expect(report.mismatches).toEqual([]);
    // The faults did strike: a run that injected nothing would prove nothing.
    expect(report.crashes).toBeGreaterThan(0);
    expect(report.duplicates).toBeGreaterThan(0);
  }, 600_000);
});
