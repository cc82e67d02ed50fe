import { attemptOf, type JobError } from '../../domain/job.js';
import { bucketOf, bucketSize } from '../../domain/parts.js';
import type { FinishedPart, JobRecord, PartOutcome, ScanCount } from '../../ports.js';
import { dynamo, GetCommand, PutCommand, queryPrefix, tableName, UpdateCommand } from './client.js';
import { isConditionFailed, rethrow } from './errors.js';
import { UpdateBuilder } from './expressions.js';
import { updateJobItem } from './job-indexes.js';

/**
 * The per-part bookkeeping of a job: bucket items holding the indexes of finished parts
 * (a number-set ADD is idempotent, so a duplicate report changes nothing) and one item
 * per part that finally failed.
 */
const bucketKey = (jobId: string, bucket: number, prefix = PART_BUCKETS) => ({
  pk: `JOB#${jobId}`,
  sk: `${prefix}${String(bucket).padStart(6, '0')}`,
});
const PART_BUCKETS = 'BUCKET#';
/**
 * The range scans of one wave of distributed planning (engine/scans.ts) are counted the way
 * parts are, in bucket items of their own: the wave names the file's content and the plan's
 * ranges, so a plan made again on other ranges counts afresh.
 */
const scanBuckets = (wave: string) => `SCANS#${wave}#`;
/** One item per part and attempt: a retry's failures never overwrite, nor are mistaken for, an earlier attempt's. */
const failureKey = (jobId: string, part: number, attempt: number) => ({
  pk: `JOB#${jobId}`,
  sk: `PARTFAIL#${String(part).padStart(6, '0')}${attempt === 1 ? '' : `#${attempt}`}`,
});

interface Bucket {
  done: Set<number>;
  stats: Map<number, Record<string, number>>;
}

/** A bucket's finished parts, and the rows they report (the sum of their `stats.rows`). */
export interface BucketTally {
  parts: number;
  rows: number;
}

function tallyOf(item: Record<string, unknown>): BucketTally {
  let rows = 0;
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('part_')) rows += Number((value as Record<string, number>).rows ?? 0);
  }
  return { parts: (item.done as Set<number> | undefined)?.size ?? 0, rows };
}

async function readBuckets(jobId: string): Promise<Map<number, Bucket>> {
  const buckets = new Map<number, Bucket>();
  try {
    for (const item of await queryPrefix(`JOB#${jobId}`, 'BUCKET#', { consistent: true })) {
      const stats = new Map<number, Record<string, number>>();
      for (const [name, value] of Object.entries(item)) {
        if (name.startsWith('part_')) stats.set(Number(name.slice(5)), value as Record<string, number>);
      }
      buckets.set(Number(String(item.sk).slice(7)), { done: (item.done as Set<number>) ?? new Set(), stats });
    }
  } catch (error) {
    rethrow(error, `read the parts of job ${jobId}`);
  }
  return buckets;
}

/** The failed parts of the job's current attempt. */
async function readFailures(jobId: string, attempt: number): Promise<Map<number, JobError>> {
  try {
    const items = await queryPrefix(`JOB#${jobId}`, 'PARTFAIL#', { consistent: true });
    const current = items.filter((item) => Number(item.attempt ?? 1) === attempt);
    return new Map(current.map((item) => [Number(item.part), item.error as JobError]));
  } catch (error) {
    return rethrow(error, `read the failed parts of job ${jobId}`);
  }
}

export const jobPartsStore = {
  /**
   * Adds finished parts to their buckets, one write per bucket (a batch's parts mostly share
   * one); returns, per bucket written, how many parts it now holds and their rows.
   */
  async addToBuckets(
    jobId: string,
    finished: FinishedPart[],
    prefix = PART_BUCKETS,
  ): Promise<Map<number, BucketTally>> {
    const byBucket = new Map<number, Map<number, Record<string, number>>>();
    // A part twice in one batch (a duplicate delivery) is written once: one update may not
    // name the same path twice.
    for (const { part, stats } of finished) {
      const bucket = byBucket.get(bucketOf(part)) ?? new Map<number, Record<string, number>>();
      byBucket.set(bucketOf(part), bucket.set(part, stats));
    }
    const written = await Promise.all(
      [...byBucket].map(async ([bucket, parts]) => {
        const update = new UpdateBuilder().add('done', new Set(parts.keys()));
        // A part's stats go beside its index; a range scan reports none.
        if (prefix === PART_BUCKETS) for (const [part, stats] of parts) update.set(`part_${part}`, stats);
        try {
          const { Attributes } = await dynamo.send(
            new UpdateCommand({
              TableName: tableName(),
              Key: bucketKey(jobId, bucket, prefix),
              ...update.params(),
              ReturnValues: 'ALL_NEW',
            }),
          );
          return [bucket, tallyOf(Attributes ?? {})] as const;
        } catch (error) {
          return rethrow(error, `record parts ${[...parts.keys()].join(', ')} of job ${jobId}`);
        }
      }),
    );
    return new Map(written);
  },

  async putFailure(jobId: string, part: number, error: JobError, attempt: number): Promise<void> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...failureKey(jobId, part, attempt), kind: 'partFailure', part, attempt, error },
        }),
      );
    } catch (err) {
      rethrow(err, `record the failure of part ${part} of job ${jobId}`);
    }
  },

  async listParts(record: JobRecord, from: number, limit: number): Promise<PartOutcome[]> {
    const to = Math.min(record.job.parts, from + limit);
    if (to <= from) return [];
    const [buckets, failures] = await Promise.all([
      readBuckets(record.job.id),
      readFailures(record.job.id, attemptOf(record.job)),
    ]);
    const outcomes: PartOutcome[] = [];
    for (let part = from; part < to; part++) {
      const bucket = buckets.get(bucketOf(part));
      const error = failures.get(part);
      const stats = bucket?.stats.get(part);
      if (bucket?.done.has(part)) outcomes.push({ part, status: 'COMPLETED', ...(stats ? { stats } : {}) });
      else if (error) outcomes.push({ part, status: 'FAILED', error });
      else outcomes.push({ part, status: 'PENDING' });
    }
    return outcomes;
  },

  /** Per bucket, how many parts its set holds: what the job item's counts must reach. */
  async bucketTallies(jobId: string, prefix = PART_BUCKETS): Promise<Map<number, BucketTally>> {
    try {
      const items = await queryPrefix(`JOB#${jobId}`, prefix, { consistent: true });
      return new Map(items.map((item) => [Number(String(item.sk).slice(prefix.length)), tallyOf(item)]));
    } catch (error) {
      return rethrow(error, `read the parts of job ${jobId}`);
    }
  },

  /**
   * Adds range scans of a wave of `total` to their buckets (a set ADD, as parts: a scan
   * reported twice is in its set once). A write that leaves its bucket full then reads every
   * bucket of the wave (consistent reads, so of two scans that fill the last two buckets at
   * once, at least the later sees both full): `whole` when every range is in.
   */
  async countScans(jobId: string, wave: string, ranges: number[], total: number): Promise<ScanCount> {
    const added = await this.addToBuckets(
      jobId,
      ranges.map((range) => ({ part: range, stats: {} })),
      scanBuckets(wave),
    );
    const filled = [...added].some(([bucket, tally]) => tally.parts >= bucketSize(bucket, total));
    if (!filled) return { filled, whole: false };
    let counted = 0;
    for (const tally of (await this.bucketTallies(jobId, scanBuckets(wave))).values()) counted += tally.parts;
    return { filled, whole: counted >= total };
  },

  async pendingParts(record: JobRecord): Promise<number[]> {
    const [buckets, failures] = await Promise.all([
      readBuckets(record.job.id),
      readFailures(record.job.id, attemptOf(record.job)),
    ]);
    const pending: number[] = [];
    for (let part = 0; part < record.job.parts; part++) {
      if (!buckets.get(bucketOf(part))?.done.has(part) && !failures.has(part)) pending.push(part);
    }
    return pending;
  },
};

/**
 * Raises buckets' counts on the job item to their `tallies`: each bucket's finished parts
 * (`doneCounts`) and their rows (`doneRows`). Monotonic and idempotent: a bucket's count only
 * ever rises to the size of its set, so a duplicate or a retry after a crash sets the same
 * numbers again (or fails the condition), and the sums are exact.
 *
 * A batch's buckets are raised in one write when none of them is already past its tally (a
 * concurrent writer that read its bucket later) and at least one is below it; otherwise each
 * bucket is raised on its own. Returns whether any count rose, and the job item as the last
 * write left it (undefined when that write raised nothing — counted already — or the job is
 * not executing: the caller reads the item, which is then at least as new as the write that
 * got there first).
 */
export async function raiseBucketCounts(
  jobId: string,
  tallies: ReadonlyMap<number, BucketTally>,
): Promise<{ raised: boolean; item?: Record<string, unknown> }> {
  const buckets = [...tallies];
  if (buckets.length <= MAX_BUCKETS_PER_WRITE) {
    const item = await raiseInOneWrite(jobId, buckets);
    if (item || buckets.length === 1) return { raised: item !== undefined, ...(item ? { item } : {}) };
  }
  let raised = false;
  let item: Record<string, unknown> | undefined;
  for (const bucket of buckets) {
    item = await raiseInOneWrite(jobId, [bucket]);
    raised ||= item !== undefined;
  }
  return { raised, ...(item ? { item } : {}) };
}

/** Buckets per counting write: a batch's at most (10 parts), well inside DynamoDB's 4 KB per expression. */
const MAX_BUCKETS_PER_WRITE = 10;

async function raiseInOneWrite(
  jobId: string,
  buckets: ReadonlyArray<readonly [number, BucketTally]>,
): Promise<Record<string, unknown> | undefined> {
  const write = async (withRows: boolean) => {
    const now = new Date().toISOString();
    const update = new UpdateBuilder().set('updatedAt', now).set('activeAt', now).remove('stalls');
    const notPast: string[] = [];
    const below: string[] = [];
    for (const [bucket, tally] of buckets) {
      update.set(`doneCounts.${bucket}`, tally.parts);
      if (withRows) update.set(`doneRows.${bucket}`, tally.rows);
      const count = update.name(`doneCounts.${bucket}`);
      const parts = update.value(tally.parts);
      notPast.push(`(attribute_not_exists(${count}) OR ${count} <= ${parts})`);
      below.push(`attribute_not_exists(${count}) OR ${count} < ${parts}`);
    }
    const condition = [
      `${update.name('status')} = ${update.value('EXECUTING')}`,
      `attribute_not_exists(${update.name('deletedAt')})`,
      ...(buckets.length > 1 ? notPast : []),
      `(${below.join(' OR ')})`,
    ].join(' AND ');
    return updateJobItem(jobId, update, condition);
  };
  try {
    return await write(true);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    // A job created before rows were counted has no `doneRows` map to set a path in: its
    // parts are counted without rows (its `rowsProcessed` stays unknown).
    if (!isMissingDocumentPath(error)) throw error;
  }
  try {
    return await write(false);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

function isMissingDocumentPath(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /document path provided in the update expression is invalid/i.test(error.message)
  );
}

const attemptKey = (jobId: string, part: number) => ({
  pk: `JOB#${jobId}`,
  sk: `PARTERR#${String(part).padStart(6, '0')}`,
});

/** The last error a part's attempt hit, kept so the DLQ handler can say why the part failed. */
export const attemptErrors = {
  async note(jobId: string, part: number, message: string): Promise<void> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...attemptKey(jobId, part), kind: 'attemptError', message, at: new Date().toISOString() },
        }),
      );
    } catch (error) {
      rethrow(error, `note the error of part ${part}`);
    }
  },
  async last(jobId: string, part: number): Promise<string | undefined> {
    try {
      const { Item } = await dynamo.send(
        new GetCommand({ TableName: tableName(), Key: attemptKey(jobId, part) }),
      );
      return Item?.message as string | undefined;
    } catch (error) {
      return rethrow(error, `read the error of part ${part}`);
    }
  },
};
