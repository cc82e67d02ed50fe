/**
 * The bench's processor module on the local stack: functions/processor.ts unchanged for every
 * message, except the parts of jobs the bench has marked (a file `bench-divert-<jobId>` in
 * the stack's data dir). Those run in a child process of their own (processor-child.ts),
 * so the peak RSS it reports is one processor's alone, not the stack's shared heap.
 *
 * Parts come from the stack's own SQS event source exactly as they would in AWS; only where
 * the handler runs changes. The real handler is imported on first use, not at module load:
 * this module is also imported by the bench's main thread for its paths, where loading the
 * handler would create the logger before the bench has set its level.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export const DIVERT_DIR_ENV = 'PARTWISE_BENCH_DIVERT_DIR';
export const divertMarkPath = (dir: string, jobId: string) => join(dir, `bench-divert-${jobId}`);
export const divertedResultPath = (dir: string, jobId: string) => join(dir, `bench-divert-${jobId}.jsonl`);

export interface DivertedResult {
  /** The child's peak RSS once Node, tsx, the SDK and the handler are loaded, before the part runs. */
  baselineRssBytes: number;
  /** The child's peak RSS (VmHWM) at the end of the part. */
  peakRssBytes: number;
  /** Largest V8 heap (heapTotal) and Buffer memory (arrayBuffers) seen while the part ran, sampled every 20 ms. */
  peakHeapBytes: number;
  peakBufferBytes: number;
  /** The handler invocation alone. */
  seconds: number;
  response: SQSBatchResponse;
}

const CHILD = fileURLToPath(new URL('./processor-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let real: Promise<Handler> | undefined;
const processor = () => {
  real ??= import('../functions/processor.js').then((module) => module.handler);
  return real;
};

function markedJob(dir: string, record: SQSRecord): string | undefined {
  const message = JSON.parse(record.body) as { jobId?: string; part?: number };
  if (message.part === undefined || !message.jobId) return undefined;
  return existsSync(divertMarkPath(dir, message.jobId)) ? message.jobId : undefined;
}

/** Runs one record through the real handler in a child process; resolves with its batch response. */
async function runInChild(record: SQSRecord, resultPath: string): Promise<SQSBatchResponse> {
  // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of each measured part (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', CHILD, resultPath], {
    cwd: PROJECT_ROOT,
    env: process.env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdin.end(JSON.stringify({ Records: [record] }));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`processor child exited with ${code}: ${stderr}`);
  const lines = (await readFile(resultPath, 'utf8')).trim().split('\n');
  return (JSON.parse(lines.at(-1) as string) as DivertedResult).response;
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const dir = process.env[DIVERT_DIR_ENV];
  const diverted = new Map<SQSRecord, string>();
  for (const record of dir ? event.Records : []) {
    const jobId = markedJob(dir as string, record);
    if (jobId) diverted.set(record, jobId);
  }
  if (diverted.size === 0) return (await processor())(event, context);

  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const rest = event.Records.filter((record) => !diverted.has(record));
  if (rest.length > 0)
    failures.push(...(await (await processor())({ Records: rest }, context)).batchItemFailures);
  for (const [record, jobId] of diverted) {
    try {
      const response = await runInChild(record, divertedResultPath(dir as string, jobId));
      failures.push(...response.batchItemFailures);
    } catch (error) {
      console.error(`[bench] diverted part of ${jobId} failed; SQS will deliver it again:`, error);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
