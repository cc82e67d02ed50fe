/**
 * `npm run chaos`: the fault-injection suite at full size, with its report table.
 *
 *   node --import tsx test/chaos/main.ts [--jobs=100] [--seed=7] [--crash-rate=0.2] [--duplicate-rate=0.3] [--restarts=2]
 *
 * Exits 1 when the run under faults differs from the fault-free run in any way it must not.
 */
import { reportTable, runChaos } from './chaos.js';

const arg = (name: string, fallback: number) =>
  Number(new RegExp(`--${name}=([\\d.]+)`).exec(process.argv.slice(2).join(' '))?.[1] ?? fallback);

const report = await runChaos({
  jobs: arg('jobs', 100),
  seed: arg('seed', 7),
  crashRate: arg('crash-rate', 0.2),
  duplicateRate: arg('duplicate-rate', 0.3),
  restarts: arg('restarts', 2),
  log: (line) => console.error(`[chaos] ${line}`),
});
console.log(`partwise chaos — npm run chaos\n${reportTable(report)}`);
process.exit(report.mismatches.length === 0 ? 0 : 1);
