/**
 * Fair sharing of the parts queue (docs/fairness.md), on the local stack: one environment
 * runs a large extract (1 GB; --quick: ~100 MB) while another submits small jobs one after
 * another at a steady pace. Each small job's time (its createdAt → finishedAt) is compared
 * with its time on the idle stack: the same run of small jobs at the same pace, measured
 * first in the same stack (the small jobs share the stack with one another in both); the whole
 * scenario runs twice, each in a fresh stack in a child process of its own: window off (the
 * chunked dispatch from before windows) and window on.
 *
 *   npm run bench:fairness -- [--quick] [--window=N] [--part-mib=1] [--small=20] [--gap=0.5]
 *
 * --window: parts per job in flight (default: the construct's rule, half the workers);
 * --part-mib: the large extract's part size; --small: how many small jobs; --gap: seconds
 * between two small jobs' submissions.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPartsInFlightPerJob } from '../shared/domain/fairness.js';
import { rawRequest } from '../test/helpers/client.js';
import { generateCsv } from '../test/helpers/csv.js';
import { waitFor } from '../test/helpers/wait.js';
import { elapsed, type Job, startBenchStack } from './bench-stack.js';
import { csvFile } from './data-files.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const given = args.find((arg) => arg.startsWith(`--${name}=`));
  const value = given ? Number(given.slice(name.length + 3)) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number, got ${given}`);
  return value;
};
const quick = args.includes('--quick');
const workers = Number(process.env.PARTWISE_LOCAL_WORKERS ?? availableParallelism());
const settings = {
  rows: quick ? 1_000_000 : 10_000_000, // ~100 bytes a row
  window: option('window', defaultPartsInFlightPerJob(workers)),
  partBytes: option('part-mib', 1) * 1024 * 1024,
  small: option('small', 20),
  gapMs: option('gap', 0.5) * 1000,
  idleRuns: 5,
};
/** How much slower than idle a small job may be and still count as treated fairly. */
const FAIR_RATIO = 3;
const OTHER_KEY = 'pw_bench-fairness-other-environment';
const RESULT = 'FAIRNESS_RESULT ';

interface ModeResult {
  window: number;
  /** The small job alone on the idle stack (median). */
  aloneSeconds: number;
  bigSeconds: number;
  bigParts: number;
  /** Each small job during the large extract, and the same job of the same run on the idle stack. */
  small: { seconds: number; idleSeconds: number; duringBig: boolean }[];
}

if (args.includes('--child')) await child();
else await parent();

async function parent(): Promise<void> {
  const big = await csvFile(settings.rows);
  console.log(
    `fairness: a ${(big.bytes / 1e9).toFixed(2)} GB extract in parts of ${settings.partBytes / 1048576} MiB in one environment, ${settings.small} small jobs in another, one every ${settings.gapMs / 1000} s; ${workers} workers`,
  );
  const off = await runChild(0);
  const on = await runChild(settings.window);
  print(off, on);
}

/** Runs the scenario in a child process with the given window, for a fresh stack and fresh configuration. */
function runChild(window: number): Promise<ModeResult> {
  console.log(window === 0 ? 'window off (chunked dispatch) …' : `window of ${window} parts …`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, import.meta.filename, '--child', ...args.filter((arg) => arg !== '--child')],
      {
        env: {
          ...process.env,
          PARTWISE_PARTS_IN_FLIGHT_PER_JOB: String(window),
          PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_bench_other' }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT.length)) as ModeResult);
      else reject(new Error(`the bench child (window ${window}) exited with ${code}:\n${out}`));
    });
  });
}

async function child(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'partwise-bench-fairness-'));
  const bench = await startBenchStack(dataDir);
  try {
    const other = rawRequest({ url: bench.stack.url, apiKey: OTHER_KEY, local: true });
    const otherOk = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const answer = await other(method, path, body);
      if (answer.status >= 300)
        throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return (answer.body as { data: T }).data;
    };
    const smallFile = await otherOk<{ id: string }>('POST', '/files', { name: 'small.csv' });
    const put = await other('PUT', `/files/${smallFile.id}/content`, generateCsv(200, 5).text, {
      'content-type': 'text/csv',
    });
    if (put.status >= 300) throw new Error(`small upload: ${put.status}`);
    const submitSmall = () =>
      otherOk<Job>('POST', '/jobs', {
        type: 'file',
        operation: 'extract',
        source: smallFile.id,
        trigger: 'immediate',
      });
    const ended = (job: Job) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(job.status);
    const untilEnded = async (id: string) => {
      const job = await waitFor(`job ${id}`, () => otherOk<Job>('GET', `/jobs/${id}`), ended, {
        timeoutMs: 60 * 60_000,
        intervalMs: 250, // the time is the job's own stamps: polling does not blur it
      });
      if (job.status !== 'COMPLETED') throw new Error(`small job ${id} ${job.status}`);
      return job;
    };

    // The small jobs at a steady pace: each one's time is compared with its own on the idle stack.
    const smallRun = async () => {
      const ids: string[] = [];
      for (let i = 0; i < settings.small; i++) {
        ids.push((await submitSmall()).id);
        await new Promise((resolve) => setTimeout(resolve, settings.gapMs));
      }
      return Promise.all(ids.map(untilEnded));
    };

    // The idle stack: the small job alone, a few times (its median), then the same run of small jobs.
    const alone: number[] = [];
    for (let i = 0; i < settings.idleRuns; i++)
      alone.push(elapsed(await untilEnded((await submitSmall()).id)));
    const idleRun = (await smallRun()).map(elapsed);

    // The large extract, then the small jobs at a steady pace while it executes.
    const big = await csvFile(settings.rows);
    const file = await bench.upload(big.path, 'big.csv');
    const bigJob = await bench.ok<Job>('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: settings.partBytes },
      trigger: 'immediate',
    });
    await waitFor(
      `job ${bigJob.id} executing`,
      () => bench.ok<Job>('GET', `/jobs/${bigJob.id}`),
      (job) => job.status !== 'PLANNING' && job.status !== 'READY',
      { timeoutMs: 10 * 60_000, intervalMs: 50 },
    );
    const smallJobs = await smallRun();
    const bigDone = await waitFor(
      `job ${bigJob.id}`,
      () => bench.ok<Job>('GET', `/jobs/${bigJob.id}`),
      ended,
      { timeoutMs: 60 * 60_000, intervalMs: 200 },
    );
    if (bigDone.status !== 'COMPLETED') throw new Error(`the large job ${bigDone.status}`);
    const result: ModeResult = {
      window: Number(process.env.PARTWISE_PARTS_IN_FLIGHT_PER_JOB ?? 0),
      aloneSeconds: median(alone),
      bigSeconds: elapsed(bigDone),
      bigParts: bigDone.parts,
      // A small job counts as contended if it was submitted before the large one finished.
      small: smallJobs.map((job, i) => ({
        seconds: elapsed(job),
        idleSeconds: idleRun[i] ?? Number.NaN,
        duringBig: Date.parse(job.createdAt) < Date.parse(bigDone.finishedAt),
      })),
    };
    console.log(`${RESULT}${JSON.stringify(result)}`);
  } finally {
    await bench.stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function print(off: ModeResult, on: ModeResult): void {
  const cell = (mode: ModeResult, i: number) => {
    const small = mode.small[i];
    if (!small) return ''.padEnd(24);
    const ratio = small.seconds / small.idleSeconds;
    return `${small.seconds.toFixed(2).padStart(7)} s ${`${ratio.toFixed(1)}×`.padStart(7)}${small.duringBig ? '' : ' (after)'}`.padEnd(
      24,
    );
  };
  console.log('');
  console.log(`small job   ${'window off (× idle)'.padEnd(24)}  window of ${on.window} (× idle)`);
  for (let i = 0; i < Math.max(off.small.length, on.small.length); i++)
    console.log(`${String(i + 1).padStart(9)}   ${cell(off, i)}  ${cell(on, i)}`);
  const summary = (mode: ModeResult) => {
    const contended = mode.small.filter((s) => s.duringBig);
    const ratios = contended.map((s) => s.seconds / s.idleSeconds);
    const within = ratios.filter((r) => r <= FAIR_RATIO).length;
    return {
      alone: `${mode.aloneSeconds.toFixed(2)} s`,
      idle: `median ${median(mode.small.map((s) => s.idleSeconds)).toFixed(2)} s`,
      big: `${mode.bigSeconds.toFixed(1)} s (${mode.bigParts} parts)`,
      contended: `${contended.length} of ${mode.small.length}`,
      median: ratios.length ? `${median(ratios).toFixed(1)}×` : '-',
      medianAlone: contended.length
        ? `${median(contended.map((s) => s.seconds / mode.aloneSeconds)).toFixed(1)}×`
        : '-',
      worst: ratios.length ? `${Math.max(...ratios).toFixed(1)}×` : '-',
      within: `${within} of ${contended.length} within ${FAIR_RATIO}× idle${within === contended.length && contended.length > 0 ? ' (all)' : ''}`,
    };
  };
  const [a, b] = [summary(off), summary(on)];
  console.log('');
  for (const [label, key] of [
    ['small job alone, idle', 'alone'],
    ['small jobs, idle stack', 'idle'],
    ['large extract', 'big'],
    ['small jobs during it', 'contended'],
    ['median vs idle', 'median'],
    ['worst vs idle', 'worst'],
    ['median vs alone', 'medianAlone'],
    ['fair', 'within'],
  ] as const)
    console.log(`${label.padEnd(22)}  ${a[key].padEnd(30)}  ${b[key]}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
