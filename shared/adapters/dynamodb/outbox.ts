/**
 * A job's outbox between its commit and its relay: the claim one relay holds while it
 * delivers the entries (so the relay after the commit, the stream's and the sweeper's do not
 * all publish them), and the clearing of what was delivered.
 */
import type { ClaimOutcome, ClaimRequest, OutboxClaim } from '../../ports.js';
import { isConditionFailed, rethrow } from './errors.js';
import { UpdateBuilder } from './expressions.js';
import { readJobItem, updateJobItem } from './job-indexes.js';
import { recordFromItem } from './job-item.js';

/** The attribute a claim is stored in. */
const CLAIM = 'relayClaim';

/** A claim that lapsed is taken over, so a claim found after a miss is read again a few times. */
const CLAIM_TRIES = 3;

/** Claims the outbox unless it is empty or another relay's claim has not lapsed. */
export async function claimOutbox(jobId: string, request: ClaimRequest): Promise<ClaimOutcome> {
  for (let attempt = 1; ; attempt++) {
    const now = new Date().toISOString();
    const update = new UpdateBuilder().set(CLAIM, claimFor(request));
    const conditions = [`size(${update.name('outbox')}) > ${update.value(0)}`];
    // Every name and value placed must be used: the free-claim test only without `takeOver`.
    if (!request.takeOver)
      conditions.push(
        `(attribute_not_exists(${update.name(CLAIM)}) OR ${update.name(`${CLAIM}.until`)} < ${update.value(now)})`,
      );
    try {
      const written = await updateJobItem(jobId, update, conditions.join(' AND '));
      return { claimed: recordFromItem(written ?? {}) };
    } catch (error) {
      if (!isConditionFailed(error)) return rethrow(error, `claim the outbox of job ${jobId}`);
    }
    const item = await readJobItem(jobId);
    const record = item ? recordFromItem(item) : undefined;
    if (!record || record.outbox.length === 0) return { empty: true };
    const held = record.relayClaim;
    // Lapsed between the write and the read: take it over, unless that keeps happening.
    if (held && (held.until >= new Date().toISOString() || attempt >= CLAIM_TRIES))
      return { heldUntil: held.until };
  }
}

/** Gives up the claim `token` names, if it still holds the outbox. */
export async function releaseOutbox(jobId: string, token: string): Promise<void> {
  const update = new UpdateBuilder().remove(CLAIM);
  try {
    await updateJobItem(jobId, update, `${update.name(`${CLAIM}.token`)} = ${update.value(token)}`, 'NONE');
  } catch (error) {
    if (!isConditionFailed(error)) rethrow(error, `release the outbox of job ${jobId}`);
  }
}

/**
 * Removes relayed entries, and the claim `token` names if it still holds the outbox; a
 * drained job leaves the outbox index. When the entries are all the outbox holds (the usual
 * case), one write does all of it; otherwise the entries go first and the index attributes
 * only if nothing arrived in between.
 */
export async function clearOutbox(jobId: string, entryIds: string[], token?: string): Promise<void> {
  if (entryIds.length === 0) return;
  if (await clearWholeOutbox(jobId, entryIds, token)) return;
  // The claim goes with the entries while it is still ours; the entries go in any case.
  let remaining = token === undefined ? false : await removeEntries(jobId, entryIds, token);
  if (remaining === false) remaining = await removeEntries(jobId, entryIds);
  if (remaining === false || remaining > 0) return;
  // Drained: leave the outbox index, unless an entry arrived in between.
  const drained = new UpdateBuilder().remove('outboxShard').remove('outboxAt');
  try {
    await updateJobItem(jobId, drained, `size(${drained.name('outbox')}) = ${drained.value(0)}`, 'NONE');
  } catch (error) {
    if (!isConditionFailed(error)) rethrow(error, `clear the outbox of job ${jobId}`);
  }
}

/**
 * Removes the entries (and the claim, when `token` is given and still holds it). Resolves to
 * the entries left, or false when the condition failed: the job is gone, or the claim is
 * another relay's.
 */
async function removeEntries(jobId: string, entryIds: string[], token?: string): Promise<number | false> {
  const update = new UpdateBuilder();
  for (const id of entryIds) update.remove(`outbox.${id}`);
  const conditions = [`attribute_exists(${update.name('pk')})`];
  if (token !== undefined) {
    update.remove(CLAIM);
    conditions.push(`${update.name(`${CLAIM}.token`)} = ${update.value(token)}`);
  }
  try {
    const written = await updateJobItem(jobId, update, conditions.join(' AND '));
    return Object.keys((written?.outbox ?? {}) as object).length;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrow(error, `clear the outbox of job ${jobId}`);
  }
}

/** Clears the outbox and leaves the index in one write, if `entryIds` are exactly its entries. */
async function clearWholeOutbox(jobId: string, entryIds: string[], token?: string): Promise<boolean> {
  const ids = [...new Set(entryIds)];
  const update = new UpdateBuilder();
  for (const id of ids) update.remove(`outbox.${id}`);
  update.remove('outboxShard').remove('outboxAt');
  const exactly = [
    `attribute_exists(${update.name('pk')})`,
    `size(${update.name('outbox')}) = ${update.value(ids.length)}`,
    ...ids.map((id) => `attribute_exists(${update.name(`outbox.${id}`)})`),
  ];
  if (token !== undefined) {
    update.remove(CLAIM);
    exactly.push(`${update.name(`${CLAIM}.token`)} = ${update.value(token)}`);
  }
  try {
    await updateJobItem(jobId, update, exactly.join(' AND '), 'NONE');
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrow(error, `clear the outbox of job ${jobId}`);
  }
}

/** Sets the claim in a commit's own write, unless a relay holds the outbox already. */
export function claimInCommit(update: UpdateBuilder, request: ClaimRequest | undefined): void {
  if (request) update.setIfNotExists(CLAIM, claimFor(request));
}

/** The claim as stored: its lease ends by this clock, the one every lapse is judged by. */
function claimFor({ token, leaseSeconds }: ClaimRequest): OutboxClaim {
  return { token, until: new Date(Date.now() + leaseSeconds * 1000).toISOString() };
}
