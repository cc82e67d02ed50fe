import { operationFor } from '../operations/registry.js';
import type { Services } from '../services.js';
import { finalizeJob } from './parts.js';
import { relayOutboxes } from './relay.js';

export interface SweepReport {
  relayed: number;
  replanned: number;
  resumed: number;
  resentParts: number;
  finalized: number;
  /** Ended jobs whose cleanup was sent again. */
  cleanups: number;
}

const BATCH = 100;

/**
 * Finds work that stalled — an outbox the stream did not drain, a job planning or
 * executing with no progress for `staleAfterSeconds`, an ended job whose cleanup did not
 * finish — and sends it again. Every step it
 * repeats is idempotent, so sweeping work that was only slow costs duplicates, not errors.
 * The local stack sweeps with 0 at start: its queue does not survive a restart.
 */
export async function sweep(services: Services, staleAfterSeconds: number): Promise<SweepReport> {
  const report: SweepReport = {
    relayed: 0,
    replanned: 0,
    resumed: 0,
    resentParts: 0,
    finalized: 0,
    cleanups: 0,
  };
  const before = new Date(services.now().getTime() - staleAfterSeconds * 1000).toISOString();

  const stuck = await services.jobs.withPendingOutbox(before, BATCH);
  await relayOutboxes(services, stuck);
  report.relayed = stuck.length;

  for (const record of await services.jobs.staleActive(before, BATCH)) {
    const { job } = record;
    if (record.cleanupPending) {
      // Ended FAILED or CANCELED, and its cleanup never committed (it kept failing, say).
      await services.queue.send([{ kind: 'cleanup', jobId: job.id }]);
      report.cleanups++;
    } else if (job.status === 'PLANNING') {
      await services.queue.send([{ kind: 'plan', jobId: job.id }]);
      report.replanned++;
    } else if (job.status === 'EXECUTING') {
      const pending = await services.jobs.pendingParts(record);
      if (pending.length === 0) {
        if (job.processed >= job.parts) {
          await finalizeJob(services, record);
          report.finalized++;
        }
        continue;
      }
      const operation = operationFor(job.operation, job.type);
      // Contiguous runs of pending parts, so the operation reads its plan once per run.
      for (let i = 0; i < pending.length; ) {
        let j = i;
        while (j + 1 < pending.length && pending[j + 1] === (pending[j] ?? 0) + 1) j++;
        const from = pending[i] ?? 0;
        const to = (pending[j] ?? 0) + 1;
        await services.queue.send(await operation.partMessages(job, record.state, from, to, services));
        report.resentParts += to - from;
        i = j + 1;
      }
      report.resumed++;
    }
  }
  return report;
}
