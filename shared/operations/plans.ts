import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Job } from '../domain/job.js';
import { LEGACY_OBJECT_KEYS, objectKeysOf } from '../domain/object-keys.js';
import type { Services } from '../services.js';

/**
 * A job's plan (byte ranges, the segments its parts work on) can be far larger than the job
 * item may hold, so it is kept in S3 and only its key goes into the job's state. The key is
 * new for each planning attempt: parts read exactly the plan that was committed, never the
 * one of an attempt that lost.
 */
export async function savePlan(services: Services, job: Job, plan: unknown): Promise<string> {
  const key = `${objectKeysOf(job.environmentId).plans(job.id)}${randomUUID()}.json`;
  await services.blobs.write(key, JSON.stringify(plan), 'application/json');
  return key;
}

/** The plan an operation's state points at (`savePlan`'s key, kept as `planKey`). */
export function planKeyOf(state: Record<string, unknown>): string | undefined {
  return typeof state.planKey === 'string' ? state.planKey : undefined;
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
export async function removePlans(services: Services, job: JobObjects): Promise<void> {
  const keys = await listJobObjects(services, job, 'plans');
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

/** What names a job's objects: its id, under its environment's root. */
export type JobObjects = Pick<Job, 'id' | 'environmentId'>;

/**
 * The objects of a job under one of its prefixes, in the current layout and the legacy one
 * (shared/domain/object-keys.ts): a job that ran across the change left some in each.
 */
export async function listJobObjects(
  services: Services,
  job: JobObjects,
  prefix: 'plans' | 'ledgerNotes' | 'reportFragments' | 'exportParts',
): Promise<string[]> {
  const [current, legacy] = await Promise.all([
    services.blobs.list(objectKeysOf(job.environmentId)[prefix](job.id)),
    services.blobs.list(LEGACY_OBJECT_KEYS[prefix](job.id)),
  ]);
  return [...legacy, ...current];
}

/** A part's name in a key: its index, padded so that key order is part order. */
export const partName = (part: number) => String(part).padStart(6, '0');

/** The part a key of `partName` names. */
export const partOfKey = (key: string) => Number.parseInt(key.slice(key.lastIndexOf('/') + 1), 10);

/**
 * The objects a job's parts wrote under one prefix, one per part in part order: where a part
 * left one in each layout (written before the change, retried after), the current one.
 */
export async function objectsByPart(
  services: Services,
  job: JobObjects,
  prefix: 'ledgerNotes' | 'reportFragments' | 'exportParts',
): Promise<Map<number, string>> {
  const byPart = new Map<number, string>();
  // Legacy keys come first: a part's current key replaces its legacy one.
  for (const key of await listJobObjects(services, job, prefix)) byPart.set(partOfKey(key), key);
  return new Map([...byPart].sort(([a], [b]) => a - b));
}
