/**
 * How many DynamoDB, SQS and S3 requests one part costs, and how long a part takes, on a
 * 1,000-part extract job on the local stack (the emulators count what they serve) — side by
 * side in one run: the processor fed one message per invocation (the baseline, and the
 * construct's default) and fed batches of 10 (`processorBatchSize: 10`). Each runs in a child process of
 * its own (one local stack per process), one after the other.
 *
 *   node --import tsx bench/requests-per-part.ts [parts=1000] [--json]
 *
 * --json prints the two columns as JSON (npm run bench reads them into its summary).
 *
 * Requests are split in two: those made by partwise's own code (the handlers and adapters,
 * what runs in Lambda), and those made by the local emulation of AWS-managed machinery (the
 * SQS event source's receive/delete — billed in AWS too — and the outbox poll that stands in
 * for DynamoDB Streams, which has no per-request cost in AWS). A job of 40 parts runs first,
 * uncounted, so that every worker has loaded its handler (a cold start, once per instance), as
 * the floor's threads are warmed up before they are timed. Time is the job's own
 * createdAt → finishedAt; on a shared machine only the ratio between the columns means much.
 * Beside it, two figures that a loaded machine disturbs less: the CPU time the whole stack
 * (every thread: emulators, event sources, processor workers) spent per part, and where the
 * emulators' time went — milliseconds per part spent answering partwise code's requests, by
 * request (waits on the emulators' event loop included; the bench's own status polls, a
 * GetItem and an UpdateItem a second, among them). The load average is printed with
 * each column.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCsv } from '../test/helpers/csv.js';
import { benchChild } from './child.js';
import { type Floor, requestFloor } from './request-floor.js';

const PART_SIZE = 1024;
const args = process.argv.slice(2);
const json = args.includes('--json');
const wantedParts = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1000);
const CHILD_BATCH_SIZE = 'PARTWISE_BENCH_BATCH_SIZE';
/** The most SQS delivers per invocation: `processorBatchSize: 10`, beside the default of 1. */
const BATCHED = 10;
/** The uncounted job before the measured one: enough parts for every worker to take a batch. */
const WARM_UP_PARTS = 40;

/** What one configuration measured: requests per part by name, and the job's time. */
export interface Measured {
  batchSize: number;
  status: string;
  parts: number;
  processed: number;
  seconds: number;
  perPart: Record<string, number>;
  /** CPU time of the whole local stack process (all its threads) per part, while the job ran. */
  cpuMsPerPart: number;
  /** Milliseconds the emulators took per part answering partwise code's requests, by request. */
  emulatorMsPerPart: Record<string, number>;
  /** The 1-minute load average when the job ended. */
  load: number;
  /** The same requests per part with nothing else (request-floor.ts), right after the job. */
  floor: Floor;
}

if (process.env[CHILD_BATCH_SIZE]) {
  const workers = availableParallelism();
  const job = await measure(Number(process.env[CHILD_BATCH_SIZE]), workers);
  const measured: Measured = {
    ...job,
    floor: await requestFloor(job.perPart, job.parts, workers, PART_SIZE),
  };
  console.log(JSON.stringify(measured));
} else {
  const columns = [1, BATCHED].map((batchSize) =>
    benchChild<Measured>(fileURLToPath(import.meta.url), [String(wantedParts)], {
      [CHILD_BATCH_SIZE]: String(batchSize),
    }),
  );
  if (json) console.log(JSON.stringify(columns));
  else report(columns);
}

function report(columns: Measured[]): void {
  const label = (m: Measured) => `batch ${m.batchSize}${m.batchSize === 1 ? ' (baseline)' : ''}`;
  for (const m of columns) {
    console.log(
      `${label(m)}: job ${m.status}, ${m.parts} parts, ${m.processed} processed, ${m.seconds.toFixed(1)} s = ${((m.seconds * 1000) / m.parts).toFixed(1)} ms per part; ` +
        `CPU ${m.cpuMsPerPart.toFixed(1)} ms per part (every thread of the stack); load average ${m.load.toFixed(2)}`,
    );
  }
  const names = [...new Set(columns.flatMap((m) => Object.keys(m.perPart)))].sort();
  console.table(
    names.map((request) => ({
      request,
      ...Object.fromEntries(columns.map((m) => [label(m), m.perPart[request] ?? 0])),
    })),
  );
  const sum = (m: Measured, prefix: string) =>
    Object.entries(m.perPart)
      .filter(([name]) => name.startsWith(prefix))
      .reduce((total, [, n]) => total + n, 0);
  for (const m of columns) {
    console.log(
      `${label(m)}: partwise code per part: DynamoDB ${sum(m, 'dynamodb:').toFixed(2)}, SQS ${sum(m, 'sqs:').toFixed(2)}, S3 ${sum(m, 's3:').toFixed(2)}; ` +
        `local emulation per part: DynamoDB ${sum(m, 'local:dynamodb:').toFixed(2)} (outbox poll standing in for Streams), SQS ${sum(m, 'local:sqs:').toFixed(2)} (event source receive/delete)`,
    );
  }
  const answered = [...new Set(columns.flatMap((m) => Object.keys(m.emulatorMsPerPart)))].sort();
  console.log('emulator ms per part answering partwise code, by request:');
  console.table(
    answered.map((request) => ({
      request,
      ...Object.fromEntries(columns.map((m) => [label(m), m.emulatorMsPerPart[request] ?? 0])),
    })),
  );
  for (const m of columns) {
    console.log(
      `${label(m)}: request floor ${m.floor.msPerPart.toFixed(1)} ms per part (CPU ${m.floor.cpuMsPerPart.toFixed(1)} ms): ` +
        `the same ${m.floor.requestsPerPart.toFixed(2)} requests per part from ${m.floor.threads} threads through partwise's adapters, straight to fresh emulators, nothing else; ` +
        `the job took ${((m.seconds * 1000) / m.parts / m.floor.msPerPart).toFixed(2)}× the floor`,
    );
  }
  const [base, batched] = columns;
  if (base && batched)
    console.log(
      `time per part, batch ${batched.batchSize} / batch 1: ${(batched.seconds / base.seconds).toFixed(2)} (same machine, one run, one after the other)`,
    );
}

async function measure(batchSize: number, workers: number): Promise<Omit<Measured, 'floor'>> {
  const { startLocalStack } = await import('../infra/local/stack.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'partwise-bench-'));
  const stack = await startLocalStack({
    port: 0,
    dataDir,
    processorBatchSize: batchSize,
    workers,
    log: { info() {}, warn() {}, error() {}, debug() {} } as never,
  });
  const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as { data: any };
  };
  try {
    // A CSV just under wantedParts × 1 KiB, so the planner cuts exactly that many parts.
    let csv = generateCsv(100, 1).text;
    for (
      let rows = 100;
      Buffer.byteLength(csv) <= (wantedParts - 1) * PART_SIZE;
      rows = Math.ceil(rows * 1.3)
    ) {
      csv = generateCsv(rows, 1).text;
    }
    while (Buffer.byteLength(csv) > wantedParts * PART_SIZE)
      csv = csv.slice(0, csv.lastIndexOf('\n', csv.length - 2) + 1);
    const upload = async (name: string, body: string) => {
      const file = (await call('POST', '/files', { name })).data;
      await fetch(`${stack.url}/files/${file.id}/content`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'text/csv' },
        body,
      });
      return file.id as string;
    };
    let polls = 0;
    const extract = async (fileId: string) => {
      const job = (
        await call('POST', '/jobs', {
          type: 'file',
          operation: 'extract',
          source: fileId,
          config: { partSizeBytes: PART_SIZE },
          trigger: 'immediate',
        })
      ).data;
      let current = job;
      while (!['COMPLETED', 'FAILED'].includes(current.status)) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        current = (await call('GET', `/jobs/${job.id}`)).data;
        polls++;
      }
      return current;
    };
    const file = await upload('bench.csv', csv);
    // Not counted: the first job on a fresh stack loads and compiles the handlers in every
    // worker, as a cold Lambda instance does once (the floor's threads are warmed up too).
    const warmUp = csv.slice(0, csv.indexOf('\n', WARM_UP_PARTS * PART_SIZE) + 1);
    await extract(await upload('warm-up.csv', warmUp));
    // Its last events relayed before the counting starts.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    polls = 0;

    const before = stack.requestCounts();
    const millisecondsBefore = stack.requestMilliseconds();
    const cpuBefore = process.cpuUsage();
    const current = await extract(file);
    // Up to the poll that saw the job end: at most a second past it, mostly idle.
    const cpu = process.cpuUsage(cpuBefore);
    const millisecondsAfter = stack.requestMilliseconds();
    // Let the relay deliver the last events before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = stack.requestCounts();

    const diff: Record<string, number> = {};
    for (const [key, value] of Object.entries(after)) diff[key] = value - (before[key] ?? 0);
    // The bench's own calls: each status poll's GetItem, and each request's count against
    // the key's rate limit (one UpdateItem, docs/auth.md): the polls and POST /jobs.
    diff['dynamodb:GetItem'] = (diff['dynamodb:GetItem'] ?? 0) - polls;
    diff['dynamodb:UpdateItem'] = (diff['dynamodb:UpdateItem'] ?? 0) - (polls + 1);
    const parts = current.parts as number;
    const emulatorMs = Object.entries(millisecondsAfter)
      .filter(([key]) => !key.startsWith('local:'))
      .map(([key, ms]) => [key, (ms - (millisecondsBefore[key] ?? 0)) / parts] as const)
      .filter(([, ms]) => ms > 0);
    return {
      batchSize,
      status: current.status,
      parts,
      processed: current.processed,
      seconds: (Date.parse(current.finishedAt) - Date.parse(current.createdAt)) / 1000,
      perPart: Object.fromEntries(
        Object.entries(diff)
          .filter(([, n]) => n > 0)
          .map(([key, n]) => [key, Number((n / parts).toFixed(3))]),
      ),
      cpuMsPerPart: (cpu.user + cpu.system) / 1000 / parts,
      emulatorMsPerPart: Object.fromEntries(emulatorMs.map(([key, ms]) => [key, Number(ms.toFixed(2))])),
      load: loadavg()[0] ?? 0,
    };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
