import { attemptOf, partsSettled } from '../domain/job.js';
import { DISPATCH_CHUNK } from '../domain/parts.js';
import { faultPoint } from '../faults.js';
import type { PartMessage } from '../operations/operation.js';
import { operationFor } from '../operations/registry.js';
import type { JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { finalizeJob } from './parts.js';
import { isWindowed, topUpDispatch } from './window.js';

/** The queue messages of parts [from, to) of the job's attempt. */
export async function partMessagesOf(
  services: Services,
  record: JobRecord,
  from: number,
  to: number,
): Promise<PartMessage[]> {
  const { job, state } = record;
  const messages = await operationFor(job.operation, job.type).partMessages(job, state, from, to, services);
  const attempt = attemptOf(job);
  return attempt === 1 ? messages : messages.map((message) => ({ ...message, attempt }));
}

/**
 * The `dispatch` command. A job with a window (window.ts) sends its first window. Else it
 * sends parts [from, from + DISPATCH_CHUNK) and hands the rest
 * to the next step, so no single invocation fans out more than a chunk and a crash
 * resends at most one chunk (parts are idempotent). A retry's dispatch (`pendingOnly`)
 * sends only the parts not finished; when none is left (the job failed in its finalize),
 * it finalizes the job again.
 */
export async function dispatchParts(
  services: Services,
  jobId: string,
  from: number,
  pendingOnly = false,
): Promise<void> {
  const record = await services.jobs.get(jobId);
  if (record?.job.status !== 'EXECUTING') return;
  const pending = pendingOnly ? new Set(await services.jobs.pendingParts(record)) : undefined;
  if (pending?.size === 0 && partsSettled(record.job)) {
    await finalizeJob(services, record);
    return;
  }
  // A windowed attempt sends its first window; finished parts send the rest (window.ts).
  if (isWindowed(record)) return topUpDispatch(services, record);
  const to = Math.min(record.job.parts, from + DISPATCH_CHUNK);
  let messages = await partMessagesOf(services, record, from, to);
  if (pending) messages = messages.filter((message) => pending.has(message.part));
  await services.queue.send(messages);
  faultPoint('dispatch:after-send');
  if (to < record.job.parts)
    await services.queue.send([
      { kind: 'dispatch', jobId, from: to, ...(pendingOnly ? { pendingOnly } : {}) },
    ]);
}
