import { jobEvent } from '../../domain/events.js';
import { derivedId } from '../../domain/ids.js';
import type { Job, JobError } from '../../domain/job.js';
import { isInFlight } from '../../domain/status.js';
import type { JobStore } from '../../ports.js';
import { dynamo, PutCommand, QueryCommand, tableName } from './client.js';
import { environmentInFlightStore } from './environment-in-flight.js';
import { isConditionFailed, rethrow } from './errors.js';
import { decodeCursor, encodeCursor, shardOf, UpdateBuilder } from './expressions.js';
import { jobsInIndex, readJobItem, updateJobItem } from './job-indexes.js';
import { addOutbox, countEvents, type Item, JOB_FIELDS, jobKey, recordFromItem } from './job-item.js';
import { attemptErrors, jobPartsStore, raiseBucketCounts } from './job-parts.js';
import { claimInCommit, claimOutbox, clearOutbox, releaseOutbox } from './outbox.js';
import { TABLE_SCHEMA } from './table-schema.js';

export { jobKey, recordFromItem } from './job-item.js';

const { byEnvironment, outbox: outboxIndex, active: activeIndex } = TABLE_SCHEMA.indexes;
const SHARDS = TABLE_SCHEMA.shards;
const jobKeyShape = { pk: { prefix: 'JOB#' }, sk: { equals: 'JOB' } } as const;

export const dynamoJobStore: JobStore = {
  async create(job, outbox, idempotency) {
    const idempotencyKey = idempotency?.key;
    const id = idempotencyKey ? derivedId('job', `${job.environmentId}\n${idempotencyKey}`) : job.id;
    const stored: Job = { ...job, id };
    const entries = outbox.map((entry) =>
      'event' in entry
        ? {
            ...entry,
            event: jobEvent(
              entry.event.id,
              entry.event.topic,
              stored,
              entry.event.sequence,
              entry.event.createdAt,
            ),
          }
        : { ...entry, command: { ...entry.command, jobId: id } },
    );
    const item: Item = {
      ...jobKey(id),
      kind: 'job',
      ...Object.fromEntries(JOB_FIELDS.filter((f) => stored[f] !== undefined).map((f) => [f, stored[f]])),
      version: 1,
      eventCount: countEvents(entries),
      state: {},
      doneCounts: {},
      doneRows: {},
      outbox: Object.fromEntries(entries.map((entry) => [entry.id, entry])),
      gsi1pk: `ENV#${job.environmentId}#JOB`,
      gsi1sk: `${job.createdAt}#${id}`,
      activeShard: shardOf(id, SHARDS),
      activeAt: job.createdAt,
      ...(entries.length ? { outboxShard: shardOf(id, SHARDS), outboxAt: job.createdAt } : {}),
      ...(idempotency
        ? { idempotencyKey: idempotency.key, idempotencyFingerprint: idempotency.fingerprint }
        : {}),
    };
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { record: recordFromItem(item), created: true };
    } catch (error) {
      if (idempotencyKey && isConditionFailed(error)) {
        const existing = await readJobItem(id);
        if (existing) {
          const fingerprint = existing.idempotencyFingerprint;
          return {
            record: recordFromItem(existing),
            created: false,
            ...(typeof fingerprint === 'string' ? { fingerprint } : {}),
          };
        }
      }
      return rethrow(error, 'create the job');
    }
  },

  async get(jobId) {
    const item = await readJobItem(jobId);
    return item && !item.deletedAt ? recordFromItem(item) : undefined;
  },

  async list(environmentId, filter, limit, cursor) {
    const conditions: string[] = [];
    const names: Record<string, string> = { '#pk': byEnvironment.partitionKey };
    const values: Record<string, unknown> = { ':pk': `ENV#${environmentId}#JOB` };
    for (const field of ['status', 'operation', 'source'] as const) {
      const wanted = filter[field];
      if (wanted === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = wanted;
      conditions.push(`#${field} = :${field}`);
    }
    const jobs: Job[] = [];
    // A cursor names a job of this environment in the list's index.
    let startKey: Record<string, unknown> | undefined = decodeCursor(cursor, {
      ...jobKeyShape,
      [byEnvironment.partitionKey]: { equals: `ENV#${environmentId}#JOB` },
      [byEnvironment.sortKey]: 'any',
    });
    let lastKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: byEnvironment.indexName,
            KeyConditionExpression: '#pk = :pk',
            ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
            Limit: Math.max(limit, 25),
          }),
        );
        for (const item of page.Items ?? []) {
          jobs.push(recordFromItem(item).job);
          lastKey = { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
          if (jobs.length === limit) break;
        }
        startKey = page.LastEvaluatedKey;
        // A page cut short by the limit continues after its last returned item; a page
        // read to its end continues where DynamoDB stopped.
        if (jobs.length < limit) lastKey = startKey;
      } while (startKey && jobs.length < limit);
    } catch (error) {
      return rethrow(error, 'list jobs');
    }
    const more = jobs.length === limit && lastKey !== undefined;
    return { jobs, ...(more ? { next: encodeCursor(lastKey) } : {}) };
  },

  async update(record, changes, outbox, claim) {
    const now = changes.job?.updatedAt ?? new Date().toISOString();
    const update = new UpdateBuilder();
    for (const [field, value] of Object.entries(changes.job ?? {})) {
      if (field === 'updatedAt') continue;
      // A field given as undefined is one the job no longer has (a destination removed, say).
      if (value === undefined) update.remove(field);
      else update.set(field, value);
    }
    update
      .set('updatedAt', now)
      .set('version', record.version + 1)
      .remove('stalls');
    update.set('eventCount', record.eventCount + countEvents(outbox));
    if (changes.state) update.set('state', changes.state);
    if (changes.executeRequested !== undefined) update.set('executeRequested', changes.executeRequested);
    if (changes.lastProgressEventAt !== undefined)
      update.set('lastProgressEventAt', changes.lastProgressEventAt);
    if (changes.resetCounts || changes.forgetFailedParts) update.remove('failedParts');
    if (changes.resetCounts) update.set('doneCounts', {}).set('doneRows', {});
    if (changes.reportedProgress !== undefined) update.set('reportedProgress', changes.reportedProgress);
    if (changes.ackedAt !== undefined) update.set('ackedAt', changes.ackedAt);
    if (changes.cleanupPending === true) update.set('cleanupPending', true);
    if (changes.cleanupPending === false)
      update.remove('cleanupPending').remove('cleanupDueAt').remove('deleteRequested');
    if (changes.cleanupDueAt !== undefined) update.set('cleanupDueAt', changes.cleanupDueAt);
    if (changes.deleteRequested) update.set('deleteRequested', true);
    if (changes.dispatch) update.set('dispatch', changes.dispatch);
    const status = changes.job?.status ?? record.job.status;
    const cleanupPending = changes.cleanupPending ?? record.cleanupPending ?? false;
    // Only jobs the engine must move on sit in the `active` index the sweeper reads: jobs
    // planning or executing, and ended jobs whose cleanup has not committed yet. A cleanup
    // that waits for a retry is filed under its due time: the sweeper looks at it only then.
    const cleanupDueAt = cleanupPending ? (changes.cleanupDueAt ?? record.cleanupDueAt) : undefined;
    if (isInFlight(status) || cleanupPending)
      update
        .set('activeShard', shardOf(record.job.id, SHARDS))
        .set('activeAt', !isInFlight(status) && cleanupDueAt ? cleanupDueAt : now);
    else update.remove('activeShard').remove('activeAt');
    addOutbox(update, record.job.id, outbox, now);
    if (outbox.length > 0) claimInCommit(update, claim);
    const condition = `${update.name('version')} = ${update.value(record.version)} AND attribute_not_exists(${update.name('deletedAt')})`;
    try {
      const written = await updateJobItem(record.job.id, update, condition);
      return recordFromItem(written ?? {});
    } catch (error) {
      return rethrow(error, `update job ${record.job.id}`);
    }
  },

  async markDeleted(record, outbox) {
    const now = new Date().toISOString();
    const update = new UpdateBuilder()
      .set('deletedAt', now)
      .set('version', record.version + 1)
      .set('eventCount', record.eventCount + countEvents(outbox))
      // Deleted jobs linger a week for the relay and for support, then TTL removes them.
      .set(TABLE_SCHEMA.timeToLiveAttribute, Math.floor(Date.now() / 1000) + 7 * 24 * 3600)
      .remove('gsi1pk')
      .remove('gsi1sk')
      .remove('activeShard')
      .remove('activeAt');
    addOutbox(update, record.job.id, outbox, now);
    const condition = `${update.name('version')} = ${update.value(record.version)}`;
    try {
      await updateJobItem(record.job.id, update, condition, 'NONE');
    } catch (error) {
      rethrow(error, `delete job ${record.job.id}`);
    }
  },

  async countParts(jobId, finished) {
    const label = `count parts ${finished.map(({ part }) => part).join(', ')} of job ${jobId}`;
    const tallies = await jobPartsStore.addToBuckets(jobId, finished);
    let raised: Awaited<ReturnType<typeof raiseBucketCounts>>;
    try {
      raised = await raiseBucketCounts(jobId, tallies);
    } catch (error) {
      return rethrow(error, label);
    }
    if (raised.item) return { record: recordFromItem(raised.item), counted: true };
    // Already counted (a duplicate, or a retry after a crash) or no longer executing:
    // hand back the job as it is, so a retried last part can still finalize it.
    const item = await readJobItem(jobId);
    if (!item || item.deletedAt || item.status !== 'EXECUTING') return undefined;
    return { record: recordFromItem(item), counted: raised.raised };
  },

  async failPart(jobId, part, error: JobError, attempt) {
    await jobPartsStore.putFailure(jobId, part, error, attempt);
    const update = new UpdateBuilder().add('failedParts', new Set([part])).remove('stalls');
    // Only in its own attempt: a retry forgets the failures of the attempt before.
    const attemptName = update.name('attempt');
    const own =
      attempt === 1
        ? `(attribute_not_exists(${attemptName}) OR ${attemptName} = ${update.value(attempt)})`
        : `${attemptName} = ${update.value(attempt)}`;
    const condition = `attribute_exists(${update.name('pk')}) AND attribute_not_exists(${update.name('deletedAt')}) AND ${own}`;
    try {
      const written = await updateJobItem(jobId, update, condition);
      return recordFromItem(written ?? {});
    } catch (err) {
      if (!isConditionFailed(err)) return rethrow(err, `record the failure of part ${part}`);
      return undefined;
    }
  },

  noteAttemptError: (jobId, part, message) => attemptErrors.note(jobId, part, message),
  lastAttemptError: (jobId, part) => attemptErrors.last(jobId, part),

  async advanceDispatch(record, next, sent) {
    const cursor = record.dispatch;
    if (!cursor) throw new Error(`Job ${record.job.id} has no dispatch cursor to advance.`);
    const now = new Date().toISOString();
    // Not the version: the cursor moves beside the job's state changes, never against them.
    // The condition is the cursor itself (its attempt, where it stood, what it had sent), so
    // of two finished parts topping up the window at once exactly one moves it.
    const update = new UpdateBuilder()
      .set('dispatch.next', next)
      .set('dispatch.sent', sent)
      .set('updatedAt', now)
      .set('activeAt', now)
      .remove('stalls');
    const field = (name: string) => update.name(`dispatch.${name}`);
    const condition = [
      `${update.name('status')} = ${update.value('EXECUTING')}`,
      `attribute_not_exists(${update.name('deletedAt')})`,
      `${field('attempt')} = ${update.value(cursor.attempt)}`,
      `${field('next')} = ${update.value(cursor.next)}`,
      `${field('sent')} = ${update.value(cursor.sent)}`,
    ].join(' AND ');
    try {
      const written = await updateJobItem(record.job.id, update, condition);
      return recordFromItem(written ?? {});
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      return rethrow(error, `advance the dispatch of job ${record.job.id}`);
    }
  },

  environmentInFlight: (environmentId) => environmentInFlightStore.read(environmentId),
  declareInFlight: (environmentId, read, jobs) => environmentInFlightStore.write(environmentId, read, jobs),

  listParts: (record, from, limit) => jobPartsStore.listParts(record, from, limit),
  pendingParts: (record) => jobPartsStore.pendingParts(record),
  countScans: (jobId, wave, ranges, total) => jobPartsStore.countScans(jobId, wave, ranges, total),

  claimOutbox,
  releaseOutbox,
  clearOutbox,

  async withOutbox(jobId) {
    const item = await readJobItem(jobId);
    return item && Object.keys((item.outbox ?? {}) as object).length > 0 ? recordFromItem(item) : undefined;
  },

  withPendingOutbox: (before, limit) => jobsInIndex(outboxIndex, before, limit),
  staleActive: (before, limit) => jobsInIndex(activeIndex, before, limit),

  async reconcileCounts(record) {
    // A part added to its bucket's set, then died before raising the bucket's count on the
    // job (a whole stack killed in between, say): no delivery of it is left to do that.
    const jobId = record.job.id;
    for (const [bucket, tally] of await jobPartsStore.bucketTallies(jobId)) {
      try {
        await raiseBucketCounts(jobId, new Map([[bucket, tally]]));
      } catch (error) {
        rethrow(error, `reconcile the counts of job ${jobId}`);
      }
    }
    const item = await readJobItem(jobId);
    return item && !item.deletedAt ? recordFromItem(item) : undefined;
  },

  async noteStall(record) {
    // Unchanged since the sweeper read it: the same updatedAt (every change sets it).
    const update = new UpdateBuilder().add('stalls', 1).set('activeAt', new Date().toISOString());
    const condition = `${update.name('updatedAt')} = ${update.value(record.job.updatedAt)} AND attribute_exists(${update.name('activeShard')})`;
    try {
      const written = await updateJobItem(record.job.id, update, condition);
      return Number(written?.stalls ?? 0);
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      return rethrow(error, `note a stall of job ${record.job.id}`);
    }
  },
};
