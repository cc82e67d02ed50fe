/**
 * The request floor of a job that bench/requests-per-part.ts measured: the same requests per
 * part, sent by as many worker threads as the stack had processor instances, through
 * partwise's own adapters and SDK clients, straight to fresh emulators (started as the tests
 * start them), with nothing else: no handler code, no queue between the parts, no relay,
 * no event source. What a part costs over this floor is partwise's own work; the floor itself
 * is the emulators' and the SDK's, and no orchestration goes below it on this machine.
 *
 * A request is sent by its kind, with a body of the part's size: a ranged job's GET becomes
 * a GET of a 1 KiB object, its counting UpdateItem an ADD on one hot item (the job's), its
 * segment PutItem a put of a small item. A kind with a fractional count per part (0.1
 * SendMessageBatch: one per ten parts) is spread evenly over the parts.
 */
import { once } from 'node:events';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { typeScriptWorker } from '../infra/local/ts-worker.js';

const WORKER_URL = new URL('./request-floor-worker.ts', import.meta.url).href;

/** The input objects the floor's GETs read, round robin. */
export const FLOOR_INPUTS = 50;
/** The one item the floor's counting updates, its reads and queries go to. */
export const FLOOR_JOB_KEY = { pk: 'FLOOR#JOB', sk: 'JOB' };

/** What one floor thread does. */
export interface FloorWork {
  /** The parts (0 … parts − 1) this thread sends the requests of. */
  parts: number[];
  perPart: Record<string, number>;
  partBytes: number;
  queueUrl: string;
}

export interface Floor {
  msPerPart: number;
  /** CPU of every thread of the process (the emulators' and the senders'), per part. */
  cpuMsPerPart: number;
  requestsPerPart: number;
  threads: number;
}

/** The kinds of request, in the order a part sends them, `count` times each (spread evenly). */
export function* requestsOfPart(perPart: Record<string, number>, part: number): Generator<string> {
  for (const [request, count] of Object.entries(perPart)) {
    const times = Math.round((part + 1) * count) - Math.round(part * count);
    for (let time = 0; time < times; time++) yield request;
  }
}

export async function requestFloor(
  perPart: Record<string, number>,
  parts: number,
  threads: number,
  partBytes: number,
): Promise<Floor> {
  const { startEmulatedAws } = await import('../test/helpers/emulated-aws.js');
  const aws = await startEmulatedAws();
  const workers: ReturnType<typeof typeScriptWorker>[] = [];
  try {
    // Through the emulators' own clients: this process's adapters kept the endpoints of the stack measured before.
    await Promise.all(
      Array.from({ length: FLOOR_INPUTS }, (_, index) =>
        aws.clients.s3.send(
          new PutObjectCommand({
            Bucket: aws.provisioned.bucketName,
            Key: `floor/in/${index}`,
            Body: Buffer.alloc(partBytes, 'a'),
          }),
        ),
      ),
    );
    for (let thread = 0; thread < threads; thread++) {
      const work: FloorWork = {
        parts: Array.from({ length: parts }, (_, part) => part).filter((part) => part % threads === thread),
        perPart,
        partBytes,
        queueUrl: aws.provisioned.partsQueue.url,
      };
      workers.push(typeScriptWorker(WORKER_URL, { workerData: work }));
    }
    // Each says 'ready' once loaded; `once` rejects on 'error'.
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const done = workers.map((worker) => once(worker, 'message'));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (const worker of workers) worker.postMessage('go');
    const sent = await Promise.all(done);
    const milliseconds = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const requests = sent.reduce((total, [message]) => total + (message as { requests: number }).requests, 0);
    return {
      msPerPart: milliseconds / parts,
      cpuMsPerPart: (cpu.user + cpu.system) / 1000 / parts,
      requestsPerPart: requests / parts,
      threads,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    await aws.stop();
  }
}
