/**
 * One processor invocation in a process of its own (started by processor-divert.ts): reads an
 * SQS event on stdin, runs functions/processor.ts's handler on it with the local stack's
 * environment (inherited), and appends its peak RSS and time to the result file given.
 *
 *   node --import tsx bench/processor-child.ts <result.jsonl>   < event.json
 */
import { readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../infra/local/lambda.js';
import type { DivertedResult } from './processor-divert.js';

const resultPath = process.argv[2];
if (!resultPath) throw new Error('usage: processor-child.ts <result.jsonl> < event.json');

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SQSEvent;

/**
 * Peak RSS of this process's own address space. Not `process.resourceUsage().maxRSS`: Linux
 * keeps ru_maxrss across fork and execve, so a child forked from the bench (which holds the
 * whole local stack) would report the parent's RSS as its own peak. VmHWM is the high-water
 * mark of the address space, which execve replaces: it starts from this program.
 */
function peakRssBytes(): number {
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kib === undefined) throw new Error('no VmHWM in /proc/self/status: this measure needs Linux');
  return Number(kib) * 1024;
}

const { handler } = await import('../functions/processor.js');
const baselineRssBytes = peakRssBytes();
// What the RSS holds, sampled while the part runs: the V8 heap, and Buffers outside it.
let peakHeapBytes = 0;
let peakBufferBytes = 0;
const sample = () => {
  const usage = process.memoryUsage();
  peakHeapBytes = Math.max(peakHeapBytes, usage.heapTotal);
  peakBufferBytes = Math.max(peakBufferBytes, usage.arrayBuffers);
};
const sampler = setInterval(sample, 20);
const started = performance.now();
const response = await handler(event, lambdaContext('partwise-processor', 300));
clearInterval(sampler);
sample();
const result: DivertedResult = {
  baselineRssBytes,
  peakRssBytes: peakRssBytes(),
  peakHeapBytes,
  peakBufferBytes,
  seconds: (performance.now() - started) / 1000,
  response,
};
await appendFile(resultPath, `${JSON.stringify(result)}\n`);
// The SDK's keep-alive sockets must not keep the process (and the stack's worker waiting on it) alive.
process.exit(0);
