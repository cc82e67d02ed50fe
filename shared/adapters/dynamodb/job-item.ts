/**
 * A job item as stored in the table, and the job record the engine works with: the
 * mapping both ways, shared by the job store and the relay (which reads stream images).
 */
import type { OutboxEntry } from '../../domain/events.js';
import type { DispatchCursor } from '../../domain/fairness.js';
import type { Job } from '../../domain/job.js';
import { progressOf } from '../../domain/job.js';
import type { JobRecord, OutboxClaim } from '../../ports.js';
import { shardOf, type UpdateBuilder } from './expressions.js';
import { TABLE_SCHEMA } from './table-schema.js';

const SHARDS = TABLE_SCHEMA.shards;

/** Public job fields stored as top-level attributes (processed, rowsProcessed, failed, progress are derived). */
export const JOB_FIELDS = [
  'id',
  'environmentId',
  'type',
  'operation',
  'source',
  'destination',
  'config',
  'trigger',
  'mode',
  'input',
  'status',
  'attempt',
  'priority',
  'parts',
  'info',
  'estimatedCompletionAt',
  'outcome',
  'error',
  'createdAt',
  'updatedAt',
  'startedAt',
  'finishedAt',
] as const;

export const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' });

export type Item = Record<string, unknown>;

/** Reads a job item, as stored or as a stream's NewImage (unmarshalled). */
export function recordFromItem(item: Item): JobRecord {
  const doneCounts = (item.doneCounts ?? {}) as Record<string, number>;
  const processed = Object.values(doneCounts).reduce((sum, n) => sum + n, 0);
  const failedParts = item.failedParts instanceof Set ? item.failedParts.size : 0;
  const job = {} as Record<string, unknown>;
  for (const field of JOB_FIELDS) if (item[field] !== undefined) job[field] = item[field];
  const parts = Number(item.parts ?? 0);
  // Jobs carried out outside report their own progress; parts-based jobs derive it.
  const progress =
    item.reportedProgress !== undefined ? Number(item.reportedProgress) : progressOf(processed, parts);
  Object.assign(job, { processed, failed: failedParts, progress });
  // Jobs created before rows were counted have no `doneRows`: their rows stay unknown.
  if (item.doneRows !== undefined) {
    const doneRows = item.doneRows as Record<string, number>;
    job.rowsProcessed = Object.values(doneRows).reduce((sum, n) => sum + Number(n), 0);
  }
  const outbox = Object.values((item.outbox ?? {}) as Record<string, OutboxEntry>).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return {
    job: job as unknown as Job,
    version: Number(item.version ?? 0),
    eventCount: Number(item.eventCount ?? 0),
    executeRequested: item.executeRequested === true,
    state: (item.state ?? {}) as Record<string, unknown>,
    lastProgressEventAt: Number(item.lastProgressEventAt ?? 0),
    ...(item.ackedAt ? { ackedAt: String(item.ackedAt) } : {}),
    ...(item.cleanupPending === true ? { cleanupPending: true } : {}),
    ...(item.cleanupDueAt ? { cleanupDueAt: String(item.cleanupDueAt) } : {}),
    ...(item.deleteRequested === true ? { deleteRequested: true } : {}),
    ...(item.stalls !== undefined ? { stalls: Number(item.stalls) } : {}),
    ...(isCursor(item.dispatch) ? { dispatch: item.dispatch } : {}),
    outbox,
    ...(isClaim(item.relayClaim) ? { relayClaim: item.relayClaim } : {}),
  };
}

function isCursor(value: unknown): value is DispatchCursor {
  if (typeof value !== 'object' || value === null) return false;
  const fields: (keyof DispatchCursor)[] = ['window', 'attempt', 'next', 'sent', 'settledBefore'];
  return fields.every((field) => typeof (value as Record<string, unknown>)[field] === 'number');
}

function isClaim(value: unknown): value is OutboxClaim {
  if (typeof value !== 'object' || value === null) return false;
  const { token, until } = value as Record<string, unknown>;
  return typeof token === 'string' && typeof until === 'string';
}

export function countEvents(outbox: OutboxEntry[]): number {
  return outbox.filter((entry) => 'event' in entry).length;
}

export function addOutbox(update: UpdateBuilder, jobId: string, outbox: OutboxEntry[], now: string): void {
  if (outbox.length === 0) return;
  for (const entry of outbox) update.set(`outbox.${entry.id}`, entry);
  update.set('outboxShard', shardOf(jobId, SHARDS)).setIfNotExists('outboxAt', now);
}
