/**
 * Distributed planning: the scan wave of a large file's plan (docs/scale.md).
 *
 * An operation's `plan` that wants its source's ranges scanned elsewhere throws
 * `ScansPending`; `planJob` hands it here, and one `scan` command per missing range goes on
 * the parts queue. Each scan stores what it found (the operation's `scanRange`) and is then
 * counted the way parts are: a set ADD on a bucket item of the wave, so a scan delivered twice
 * is counted once. The scan whose count shows the wave whole runs the plan again, which now
 * finds every range's result and composes the plan. While the wave runs, the job is only
 * touched each time a bucket of 100 scans fills (the watchdog's sign of progress): a lost scan
 * is sent again when the sweeper sends a stale job's `plan` again (the plan sends the scans
 * still missing).
 */

import { isPermanent } from '../domain/errors.js';
import type { ScanCommand } from '../domain/events.js';
import { isFinal } from '../domain/status.js';
import { faultPoint } from '../faults.js';
import type { ScansPending } from '../operations/operation.js';
import { operationFor } from '../operations/registry.js';
import type { Services } from '../services.js';
import { commitJob } from './commit.js';
import { failJob, planJob } from './lifecycle.js';

/** Sends the scans a plan waits for. */
export async function sendScans(services: Services, jobId: string, pending: ScansPending): Promise<void> {
  const { wave, total } = pending;
  await services.queue.send(
    pending.missing.map(
      ({ range, scan }): ScanCommand => ({ kind: 'scan', jobId, wave, range, of: total, scan }),
    ),
  );
}

/** The `scan` command: one range scanned and counted; the last of its wave plans the job. */
export async function runScan(services: Services, command: ScanCommand): Promise<void> {
  const { jobId, wave, range, of } = command;
  const record = await services.jobs.get(jobId);
  if (record?.job.status !== 'PLANNING') return; // planned or ended already: a late or duplicate delivery
  const operation = operationFor(record.job.operation, record.job.type);
  if (!operation.scanRange) throw new Error(`Operation ${operation.name} does not scan ranges.`);
  let written: string;
  try {
    written = await operation.scanRange(record.job, command, services);
  } catch (error) {
    // The input is at fault (the file changed since the plan read its head): as a plan would.
    if (!isPermanent(error)) throw error;
    await failJob(services, jobId, { code: error.code, message: error.message });
    return;
  }
  faultPoint('scan:after-output');
  const counted = await services.jobs.countScans(jobId, wave, [range], of);
  if (counted.whole) await planJob(services, jobId);
  // Nothing else of a wave changes the job: each bucket of 100 scans that fills shows the
  // watchdog that planning moves (the sweeper sends a job unchanged for a while its work again).
  else if (counted.filled)
    await commitJob(services, jobId, (current) =>
      current.job.status === 'PLANNING' ? { changes: {} } : undefined,
    );
  // Ended while this scanned: its cleanup may have listed the plans before this result was in
  // place. The job is read after the write, so either its cleanup comes later and finds the
  // result, or the result goes here (a job that ended is never planned again).
  const after = await services.jobs.get(jobId);
  if (!after || isFinal(after.job.status)) await services.blobs.remove([written]);
}
