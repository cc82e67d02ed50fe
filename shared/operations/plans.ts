import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Job } from '../domain/job.js';
import type { Services } from '../services.js';

/**
 * A job's plan (byte ranges, the segments its parts work on) can be far larger than the job
 * item may hold, so it is kept in S3 and only its key goes into the job's state. The key is
 * new for each planning attempt: parts read exactly the plan that was committed, never the
 * one of an attempt that lost.
 */
export async function savePlan(services: Services, job: Job, plan: unknown): Promise<string> {
  const key = `${plansPrefix(job.id)}${randomUUID()}.json`;
  await services.blobs.write(key, JSON.stringify(plan), 'application/json');
  return key;
}

/** Parts of one job often run in the same instance: their plan is read once. */
const cache = new Map<string, unknown>();
const CACHE_SIZE = 16;

export async function loadPlan<T>(services: Services, key: string): Promise<T> {
  if (cache.has(key)) return cache.get(key) as T;
  const plan = JSON.parse(await readText(await services.blobs.read(key))) as T;
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, plan);
  return plan;
}

const plansPrefix = (jobId: string) => `plans/${jobId}/`;

/** Removes a finished job's plan (best effort: a leftover plan costs bytes, not correctness). */
export async function removePlan(services: Services, key: string): Promise<void> {
  cache.delete(key);
  await services.blobs.remove([key]).catch(() => {});
}

/**
 * Removes every plan of a job that ended FAILED or CANCELED, the plan of a planning
 * attempt that lost included (each attempt saves its own). Not best effort: the cleanup
 * that calls it is retried until it succeeds.
 */
export async function removePlans(services: Services, jobId: string): Promise<void> {
  const keys = await services.blobs.list(plansPrefix(jobId));
  for (const key of keys) cache.delete(key);
  await services.blobs.remove(keys);
}

export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** What each part of a job reported (`runPart`'s stats), in part order; `{}` for a part with none. */
export async function partStatsOf(services: Services, job: Job): Promise<Record<string, number>[]> {
  const record = await services.jobs.get(job.id);
  if (!record) return [];
  return (await services.jobs.listParts(record, 0, job.parts)).map((part) => part.stats ?? {});
}

/** Sums what the parts of a job reported (`runPart`'s stats), e.g. rows deleted and kept. */
export async function sumPartStats(services: Services, job: Job): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const stats of await partStatsOf(services, job)) {
    for (const [name, value] of Object.entries(stats)) totals[name] = (totals[name] ?? 0) + value;
  }
  return totals;
}
