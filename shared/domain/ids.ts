import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

export const ID_PREFIX = {
  job: 'job',
  file: 'file',
  workbook: 'wb',
  sheet: 'sh',
  environment: 'env',
  event: 'evt',
  command: 'cmd',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

/** A new, time-ordered id such as `job_01jd3x…` (ULID, lower case). */
export function newId(kind: IdKind, now = Date.now()): string {
  return `${ID_PREFIX[kind]}_${nextUlid(now).toLowerCase()}`;
}

/**
 * A deterministic id derived from a seed: a retried step that creates a resource gets
 * the same id again and so overwrites instead of duplicating.
 */
export function derivedId(kind: IdKind, seed: string): string {
  const digest = createHash('sha256').update(seed).digest('hex').slice(0, 26);
  return `${ID_PREFIX[kind]}_${digest}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_[0-9a-z]{26}$`).test(value);
}
