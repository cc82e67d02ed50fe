/**
 * The chaos suite: the same workload twice, on two fresh local stacks — once with no fault,
 * once with seeded crashes at every fault point, duplicate deliveries, and the whole stack
 * killed with SIGKILL twice mid-run and started again on its data — and what the second run
 * must have in common with the first (check.ts, storage.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type LocalStack, removeDataDir, startLocalStack } from '../helpers/stack.js';
import { checkEvents, compareRuns, feedEvents, type Mismatch } from './check.js';
import { type ChainResult, call, runChains, type Target } from './run.js';
import { orphans } from './storage.js';
import { jobCount, workload } from './workload.js';

export interface ChaosOptions {
  jobs: number;
  seed: number;
  crashRate: number;
  duplicateRate: number;
  /** Times the whole stack is killed (SIGKILL) and started again, spread over the run. */
  restarts: number;
  log?: (line: string) => void;
}

export interface ChaosReport extends ChaosOptions {
  chains: number;
  crashes: number;
  duplicates: number;
  faultFreeSeconds: number;
  chaosSeconds: number;
  mismatches: Mismatch[];
}

const ROOT = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The example executor of `submit` jobs, as a user would run it beside the stack, once it
 * listens. Its stream starts with the events published after it connects: an action job
 * started before that would wait for an ack until its timeout (600 s here), so the chains
 * start only once it listens. (Once it has seen an event it resumes after restarts with
 * Last-Event-ID.)
 */
async function startExecutor(target: Target): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/submit-executor.ts'], {
    cwd: ROOT,
    env: { ...process.env, PARTWISE_URL: target.url, PARTWISE_API_KEY: target.apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the executor did not listen in 60 s:\n${output}`)),
      60_000,
    );
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the executor exited (${code}) before it listened:\n${output}`));
    });
  });
  // Keep reading its output, so a full pipe never blocks it.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Waits until every FAILED or CANCELED job's cleanup wrote its outcome (what it removed). */
async function cleanupsDone(target: Target, results: ChainResult[]): Promise<void> {
  const ended = results
    .flatMap((r) => r.jobs)
    .filter((job) => job.status === 'FAILED' || job.status === 'CANCELED');
  for (const job of ended) {
    for (let attempt = 0; ; attempt++) {
      const { body } = await call<{ data: { outcome?: { message?: unknown } } }>(
        target,
        'GET',
        `/jobs/${job.id}`,
      );
      if (typeof body.data.outcome?.message === 'string') break;
      if (attempt > 600) throw new Error(`job ${job.id}: its cleanup never finished`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const chains = workload(options.jobs, options.seed);
  const jobs = jobCount(chains);
  const outputs: string[] = [];
  const stacks: LocalStack[] = [];
  const executors: ChildProcess[] = [];
  try {
    // The fault-free run: what every job must end as, and what it must leave.
    log(`fault-free run: ${jobs} jobs in ${chains.length} chains`);
    const quiet = await startLocalStack();
    stacks.push(quiet);
    executors.push(await startExecutor(quiet));
    let started = performance.now();
    const expected = await runChains(quiet, chains, 'quiet', 6, log);
    const faultFreeSeconds = (performance.now() - started) / 1000;
    await quiet.stop();
    log(`fault-free run done in ${faultFreeSeconds.toFixed(1)} s`);

    // The same work under faults.
    const port = await freePort();
    const env = {
      PORT: String(port),
      PARTWISE_FAULTS: JSON.stringify({
        seed: options.seed,
        crashRate: options.crashRate,
        duplicateRate: options.duplicateRate,
      }),
      // Crashed invocations come back soon, and are not taken for poison by the DLQ.
      PARTWISE_LOCAL_VISIBILITY_TIMEOUT: '2',
      PARTWISE_LOCAL_MAX_RECEIVES: '30',
      PARTWISE_LOCAL_SWEEP_SECONDS: '2',
      PARTWISE_LOCAL_STALE_AFTER_SECONDS: '45',
    };
    log(
      `run under faults: seed ${options.seed}, crashRate ${options.crashRate}, duplicateRate ${options.duplicateRate}`,
    );
    let stack = await startLocalStack({ env });
    stacks.push(stack);
    const target: Target = { url: stack.url, apiKey: stack.apiKey };
    executors.push(await startExecutor(target));
    started = performance.now();
    const running = runChains(target, chains, 'chaos', 6, log);
    for (let restart = 1; restart <= options.restarts; restart++) {
      // Spread over the fault-free run's length: every kill lands mid-run.
      const at = (faultFreeSeconds * 1000 * restart) / (options.restarts + 1.5);
      await new Promise((resolve) => setTimeout(resolve, Math.max(500, at - (performance.now() - started))));
      log(`SIGKILL ${restart} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
      outputs.push(stack.output());
      await stack.stop('SIGKILL');
      stack = await startLocalStack({ env, dataDir: stack.dataDir, apiKey: stack.apiKey });
      stacks.push(stack);
      log(`restarted ${restart} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const actual = await running;
    log('every chain ended; waiting for the cleanups of FAILED and CANCELED jobs');
    await cleanupsDone(target, actual);
    log('cleanups done; reading the events and the bucket');
    const chaosSeconds = (performance.now() - started) / 1000;
    const jobIds = actual.flatMap((result) => result.jobs.map((job) => job.id));
    const events = await feedEvents(target, jobIds);
    const mismatches = [...compareRuns(expected, actual), ...checkEvents(actual, events)];
    outputs.push(stack.output());
    for (const executor of executors) executor.kill();
    await stack.stop();
    mismatches.push(...(await orphans(stack.dataDir)));
    const all = outputs.join('\n');
    return {
      ...options,
      jobs,
      chains: chains.length,
      crashes: (all.match(/crashing a worker at fault point|injected crash at fault point/g) ?? []).length,
      duplicates: [...all.matchAll(/delivering (\d+) message\(s\) twice/g)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      ),
      faultFreeSeconds,
      chaosSeconds,
      mismatches,
    };
  } finally {
    for (const executor of executors) executor.kill();
    for (const stack of stacks) await stack.stop('SIGKILL');
    for (const dir of new Set(stacks.map((s) => s.dataDir))) await removeDataDir(dir);
  }
}

/** The report as a table a person reads. */
export function reportTable(report: ChaosReport): string {
  const rows: [string, string][] = [
    ['seed', String(report.seed)],
    ['jobs (chains)', `${report.jobs} (${report.chains})`],
    ['crash rate at each fault point', String(report.crashRate)],
    ['duplicate delivery rate', String(report.duplicateRate)],
    ['crashes injected', String(report.crashes)],
    ['messages delivered twice', String(report.duplicates)],
    ['whole-stack SIGKILL restarts', String(report.restarts)],
    ['fault-free run', `${report.faultFreeSeconds.toFixed(1)} s`],
    ['run under faults', `${report.chaosSeconds.toFixed(1)} s`],
    ['mismatches', String(report.mismatches.length)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  for (const mismatch of report.mismatches.slice(0, 50))
    lines.push(`  ✗ ${mismatch.where}: ${mismatch.what}`);
  return lines.join('\n');
}
