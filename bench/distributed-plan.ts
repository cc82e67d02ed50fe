/**
 * Planning time of a large CSV on the local stack, planned in one function (the baseline:
 * `distributedPlanningBytes` 0) and by a wave of range scans (a threshold of 1 byte), side by
 * side in one run. Each plan runs in a child process of its own (one local stack each), in
 * turn: one-function, distributed, one-function, distributed… (`rounds` of each), so a load
 * that drifts during the run weighs on both alike.
 *
 *   node --import tsx bench/distributed-plan.ts [rows=3000000] [rounds=2] [--workers=N] [--json]
 *
 * (add `--conditions partwise-source` in a checkout without dist/: the bench's client then
 * reads the sources, as the tests do.)
 *
 * The file is bench/data-files.ts's CSV (about 100 bytes a row), with the construct's default
 * part size (32 MiB). Planning time is the job's own createdAt → the commit that made it
 * READY (its updatedAt then): the relay hop of the `plan` command, the head, and the scans
 * and compose or the one function's 8 ranged reads. The two plans must cut the same parts.
 *
 * On AWS the gain grows with the wave's concurrency (docs/scale.md); the local stack runs
 * as many processor workers as the machine has cores (`--workers` sets another number, for
 * both modes alike: 8 lets the wave read as many ranges at once as the one function's 8
 * ranged GETs), and the emulated S3 shares the cores, so only the ratio between the columns,
 * on this machine, means much.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchStack } from './bench-stack.js';
import { benchChild } from './child.js';
import { csvFile } from './data-files.js';

const CHILD_THRESHOLD = 'PARTWISE_BENCH_DISTRIBUTED_PLANNING_BYTES';
const args = process.argv.slice(2);
const json = args.includes('--json');
const [rows = 3_000_000, rounds = 2] = args.filter((arg) => /^\d+$/.test(arg)).map(Number);
const workers = args.find((arg) => arg.startsWith('--workers='))?.slice('--workers='.length);

interface Planned {
  mode: 'one function' | 'distributed';
  bytes: number;
  parts: number;
  seconds: number;
  /** The parts' byte ranges as the review shows them (the first 100), to compare the two plans. */
  byteRanges: unknown;
}

if (process.env[CHILD_THRESHOLD] !== undefined) {
  console.log(JSON.stringify(await plan(Number(process.env[CHILD_THRESHOLD]))));
} else {
  const file = await csvFile(rows); // generated once, before any timing
  const runs: Planned[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const threshold of [0, 1]) {
      runs.push(
        benchChild<Planned>(fileURLToPath(import.meta.url), [String(rows)], {
          [CHILD_THRESHOLD]: String(threshold),
          PARTWISE_DISTRIBUTED_PLANNING_BYTES: String(threshold),
          ...(workers ? { PARTWISE_LOCAL_WORKERS: workers } : {}),
        }),
      );
    }
  }
  const seconds = (mode: Planned['mode']) => runs.filter((r) => r.mode === mode).map((r) => r.seconds);
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const one = median(seconds('one function'));
  const distributed = median(seconds('distributed'));
  const samePlan = runs.every((r) => JSON.stringify(r.byteRanges) === JSON.stringify(runs[0]?.byteRanges));
  const summary = {
    file: { path: file.path, bytes: file.bytes, rows: file.rows },
    cores: availableParallelism(),
    workers: Number(workers ?? availableParallelism()),
    loadAverageAfter: loadavg().map((n) => Number(n.toFixed(2))),
    runs: runs.map(({ byteRanges: _, ...run }) => run),
    medianSeconds: { oneFunction: one, distributed },
    speedup: Number((one / distributed).toFixed(2)),
    samePlan,
  };
  if (json) console.log(JSON.stringify(summary));
  else {
    console.table(summary.runs);
    console.log(
      `${(file.bytes / 1e6).toFixed(0)} MB, ${runs[0]?.parts} parts: one function ${one.toFixed(2)} s, distributed ${distributed.toFixed(2)} s (medians of ${rounds}): ${summary.speedup}× — same plan: ${samePlan}; ${summary.workers} processor workers on ${summary.cores} cores, load average after ${summary.loadAverageAfter.join(' ')}`,
    );
  }
  if (!samePlan) process.exitCode = 1;
}

async function plan(threshold: number): Promise<Planned> {
  const file = await csvFile(rows);
  const dataDir = await mkdtemp(join(tmpdir(), 'partwise-bench-plan-'));
  const { stack, ok, upload, waitFor } = await startBenchStack(dataDir);
  try {
    const uploaded = await upload(file.path, 'large.csv');
    const created = await ok<{ id: string }>('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: uploaded.id,
      trigger: 'manual',
    });
    const ready = await waitFor(created.id, ['READY', 'FAILED']);
    if (ready.status !== 'READY')
      throw new Error(`job ${ready.id} ${ready.status}: ${JSON.stringify(ready.error)}`);
    const review = await ok<{ parts: { byteRanges: unknown } }>('GET', `/jobs/${created.id}/plan`);
    return {
      mode: threshold === 0 ? 'one function' : 'distributed',
      bytes: file.bytes,
      parts: ready.parts,
      seconds: (Date.parse(ready.updatedAt) - Date.parse(ready.createdAt)) / 1000,
      byteRanges: review.parts.byteRanges,
    };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
