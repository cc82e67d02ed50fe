/**
 * The job snapshot an event carries, bounded. A job's `input`, `config` and `outcome` are
 * as large as its callers make them, but an event is one EventBridge entry (less than
 * 256 KB) and waits in the outbox on the job item (DynamoDB: 400 KB for the job and all of
 * its unrelayed events together, 32 levels of nesting). So a job larger than the budget
 * is carried in part: every member of those objects that fits, text cut short, and a
 * claim check — `truncated.href`, the path of GET /jobs/:id — to the whole job.
 */
import type { Job } from './job.js';

/** A snapshot is at most this many bytes of JSON (UTF-8): an event stays near 10 KiB. */
export const SNAPSHOT_BUDGET_BYTES = 8 * 1024;
/**
 * Objects nested deeper than this are left out. The outbox stores an event four levels
 * down (outbox → entry → event → job) and DynamoDB stores at most 32; EventBridge 1100.
 */
export const SNAPSHOT_MAX_DEPTH = 16;
/**
 * Text of a bounded snapshot is cut to this many bytes. Six texts at most (four fields and
 * the error's two) and the rest of the job (ids, dates, counts: under 1 KiB, all the
 * service's own) leave the open objects at least 1 KiB of the budget.
 */
const TEXT_CAP_BYTES = 1024;
/** The fields callers and executors write as they like: the text a bounded snapshot cuts. */
const TEXT_FIELDS = ['operation', 'source', 'destination', 'info'] as const;
/** The objects whose members share the room left, in the order they get it. */
const OPEN_FIELDS = ['outcome', 'config', 'input'] as const;
/** Members of an object kept before any other, when they fit: what people read first. */
const FIRST_MEMBERS = ['message', 'heading', 'next'];
const ELLIPSIS = '…';

/** What a bounded snapshot says about itself: which fields are not whole, and where the job is. */
export interface SnapshotTruncation {
  /** Top-level fields that are not whole here: members left out, or text cut short. */
  fields: string[];
  /** The path of GET /jobs/:id (relative to the API's URL): the whole job. */
  href: string;
}

/** The job as an event carries it: whole, or bounded and marked so. */
export type JobSnapshot = Job & { truncated?: SnapshotTruncation };

/** Bytes of a value as JSON in UTF-8. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/** Levels of nesting: 0 for a scalar, 1 for an object of scalars, … (stops counting past `limit`). */
export function depthOf(value: unknown, limit = SNAPSHOT_MAX_DEPTH + 1): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit - 1));
    if (deepest >= limit) break;
  }
  return 1 + deepest;
}

/** Cuts text to at most `cap` bytes of UTF-8, ending in an ellipsis, never inside a character. */
export function cutText(text: string, cap: number): string {
  if (Buffer.byteLength(text) <= cap) return text;
  let room = cap - Buffer.byteLength(ELLIPSIS);
  let end = 0;
  for (const char of text) {
    room -= Buffer.byteLength(char);
    if (room < 0) break;
    end += char.length;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

type Open = Pick<Job, (typeof OPEN_FIELDS)[number]>;
type Closed = Omit<Job, (typeof OPEN_FIELDS)[number]>;

/**
 * The snapshot an event carries of `job`: the job itself when its JSON fits the budget
 * (and nests no deeper than the limit), otherwise a bounded copy whose `truncated` names
 * what is not whole. Bounding a bounded snapshot returns it unchanged.
 */
export function boundedSnapshot(job: JobSnapshot): JobSnapshot {
  if (jsonBytes(job) <= SNAPSHOT_BUDGET_BYTES && depthOf(job) <= SNAPSHOT_MAX_DEPTH) return job;
  const { truncated: earlier, outcome, config, input, ...rest } = job;
  const open: Open = { config, ...(outcome ? { outcome } : {}), ...(input ? { input } : {}) };
  const href = `/jobs/${job.id}`;
  // The room is measured with the marker as long as it can get, every field it may name listed.
  const longest = {
    fields: [...new Set([...(earlier?.fields ?? []), ...TEXT_FIELDS, 'error', ...OPEN_FIELDS])],
    href,
  };
  const placeholders = Object.fromEntries(Object.keys(open).map((field) => [field, {}]));
  const cut = new Set(earlier?.fields);
  const closed = cutTexts(rest, TEXT_CAP_BYTES, cut);
  const room = SNAPSHOT_BUDGET_BYTES - jsonBytes({ ...closed, ...placeholders, truncated: longest });
  const shared = shareRoom(open, Math.max(0, room), cut);
  return { ...closed, ...shared, truncated: { fields: [...cut], href } };
}

function cutTexts(job: Closed, cap: number, cut: Set<string>): Closed {
  const copy = { ...job };
  for (const field of TEXT_FIELDS) {
    const text = copy[field];
    if (text === undefined || cutText(text, cap) === text) continue;
    copy[field] = cutText(text, cap);
    cut.add(field);
  }
  if (copy.error) {
    const error = {
      ...copy.error,
      code: cutText(copy.error.code, cap),
      message: cutText(copy.error.message, cap),
    };
    if (error.code !== copy.error.code || error.message !== copy.error.message) cut.add('error');
    copy.error = error;
  }
  return copy;
}

/**
 * The open objects within `room` bytes (their `{}` already counted): each whole when it
 * fits, else its members that fit — the ones people read first, then the smallest, so
 * that most of them get in.
 */
function shareRoom(open: Open, room: number, cut: Set<string>): Open {
  const shared: Open = { config: {} };
  let left = room;
  for (const field of OPEN_FIELDS) {
    const value = open[field];
    if (value === undefined) continue;
    const wholeCost = jsonBytes(value) - 2;
    if (wholeCost <= left && depthOf(value) <= SNAPSHOT_MAX_DEPTH - 1) {
      shared[field] = value;
      left -= wholeCost;
      continue;
    }
    cut.add(field);
    const members = Object.entries(value)
      .map(([key, member]) => ({ key, member, cost: jsonBytes(key) + jsonBytes(member) + 2 }))
      .sort((a, b) => rank(a.key) - rank(b.key) || a.cost - b.cost);
    const kept: Record<string, unknown> = {};
    for (const { key, member, cost } of members) {
      if (cost > left || depthOf(member) > SNAPSHOT_MAX_DEPTH - 2) continue;
      kept[key] = member;
      left -= cost;
    }
    shared[field] = kept;
  }
  return shared;
}

const rank = (key: string): number => {
  const first = FIRST_MEMBERS.indexOf(key);
  return first === -1 ? FIRST_MEMBERS.length : first;
};
