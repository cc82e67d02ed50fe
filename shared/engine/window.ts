/**
 * The dispatch window (docs/fairness.md): a job keeps at most its window of parts in flight
 * and sends more as they finish, so the one parts queue interleaves the parts of every
 * executing job. The cursor on the job item says which parts were handed to the queue; it
 * moves by a conditional write *before* the parts are sent, so a crash in between leaves
 * parts pending below the cursor — the sweeper resends those (`lostBelowCursor`), never a
 * part beyond it.
 */
import { inFlightOf, startCursor, topUpCount, windowOf } from '../domain/fairness.js';
import { attemptOf, partsSettled } from '../domain/job.js';
import { faultPoint } from '../faults.js';
import type { JobChanges, JobRecord } from '../ports.js';
import type { Services } from '../services.js';
import { partMessagesOf } from './dispatch.js';
import { releaseInFlight, roomUnderCap } from './environment-cap.js';

/** Top-ups that lose the race for the cursor to another part's try again, this many times at most. */
const MAX_RACES = 20;

/**
 * The cursor of an attempt that starts now, as a change for the commit that starts it;
 * none when the window is off (the job is then dispatched in chunks).
 */
export function windowedDispatch(services: Services, record: JobRecord, attempt: number): JobChanges {
  const window = windowOf(services.fairness ?? { partsInFlightPerJob: 0 }, record.job.priority);
  if (window === 0) return {};
  // A retry keeps the parts already finished: they are not in flight.
  const settled = attempt === 1 ? 0 : record.job.processed;
  return { dispatch: startCursor(window, attempt, settled) };
}

/**
 * Sends as many of the job's next parts as its window (and its environment's cap,
 * environment-cap.ts) has room for, if that is worth a
 * send (domain/fairness.ts `topUpCount`). Called after every part is counted, by the
 * first dispatch of an attempt and by the sweeper. A job without a cursor, not executing,
 * or in another attempt than the cursor's is left alone. Of concurrent callers exactly one
 * moves the cursor at a time; the others read the job again and top up what is left.
 */
export async function topUpDispatch(services: Services, first: JobRecord): Promise<void> {
  let record: JobRecord | undefined = first;
  for (let race = 0; race < MAX_RACES && record; race++) {
    const cursor = record.dispatch;
    const { job } = record;
    if (!cursor || !isWindowed(record)) return;
    if (job.status !== 'EXECUTING' || partsSettled(job)) return releaseInFlight(services, record);
    const settled = job.processed + job.failed;
    const unsent = job.parts - cursor.next;
    const wanted = topUpCount(cursor, settled, unsent);
    if (wanted === 0) return;
    const own = inFlightOf(cursor, settled);
    const room = await roomUnderCap(services, record, own, wanted);
    const count = room ? topUpCount(cursor, settled, unsent, room.allowed) : wanted;
    if (count === 0) return;
    const { to, parts } = await nextParts(services, record, count);
    // Declared before the cursor moves: a crash between leaves the declaration too high
    // (safe for a cap), and the job's next top-up declares again.
    const claimed = room ? await room.claim(own + parts.length) : true;
    if (claimed && (await services.jobs.advanceDispatch(record, to, cursor.sent + parts.length))) {
      faultPoint('window:after-advance');
      await send(services, record, cursor.next, to, parts);
      return;
    }
    record = await services.jobs.get(job.id);
  }
}

/**
 * The next `count` parts to send and where the cursor goes after them: the next indexes in
 * a first attempt; in a retry, the next parts not finished (a retry reruns only those).
 */
async function nextParts(
  services: Services,
  record: JobRecord,
  count: number,
): Promise<{ to: number; parts: number[] }> {
  const { next } = record.dispatch ?? { next: 0 };
  if (attemptOf(record.job) === 1) {
    const to = Math.min(record.job.parts, next + count);
    return { to, parts: Array.from({ length: to - next }, (_, i) => next + i) };
  }
  const pending = (await services.jobs.pendingParts(record)).filter((part) => part >= next);
  const parts = pending.slice(0, count);
  const last = parts.at(-1);
  return { to: parts.length < count || last === undefined ? record.job.parts : last + 1, parts };
}

async function send(
  services: Services,
  record: JobRecord,
  from: number,
  to: number,
  parts: number[],
): Promise<void> {
  if (parts.length === 0) return;
  const wanted = new Set(parts);
  const messages = await partMessagesOf(services, record, from, to);
  await services.queue.send(messages.filter((message) => wanted.has(message.part)));
}

/**
 * For the sweeper: the pending parts it may resend. Below the cursor they were sent and
 * lost (or a crash came between the cursor and the send); beyond it they were never sent,
 * and sending them would defeat the window — the top-up sends them in turn.
 */
export function lostBelowCursor(record: JobRecord, pending: number[]): number[] {
  const cursor = record.dispatch;
  if (!cursor || !isWindowed(record)) return pending;
  return pending.filter((part) => part < cursor.next);
}

/** Whether the job's current attempt is dispatched by its window (else in chunks). */
export function isWindowed(record: JobRecord): boolean {
  return record.dispatch !== undefined && record.dispatch.attempt === attemptOf(record.job);
}
