/**
 * Delivers what state changes committed to their jobs' outboxes: events are stored for
 * the feed and published to EventBridge, commands are sent to the parts queue, and only
 * then are the entries cleared. A crash in between repeats the delivery (at least
 * once); event ids never change, so subscribers de-duplicate.
 *
 * An event EventBridge refuses for good (or that keeps failing while others go) is held
 * in the event dead letter, which alarms, and leaves the outbox with the rest: left
 * there, it would be relayed and refused again on every stream retry and every sweep,
 * and hold back the events behind it. If the dead letter cannot take it, the relay fails
 * and nothing is cleared.
 *
 * Three relays see each outbox: the one right after the commit, the stream's (locally, the
 * poll's) and the sweeper's. Each claims the outbox before it delivers (a conditional write
 * on the job item, which the commit itself makes when the relay right after it will run), so
 * that one delivers it and the others leave it alone: duplicates come only from a crash
 * between the publish and the clear, or from a claim that lapsed on a relay still at work.
 */
import { randomUUID } from 'node:crypto';
import { type JobEvent, withBoundedSnapshot } from '../domain/events.js';
import { faultPoint } from '../faults.js';
import { logger } from '../logger.js';
import type { ClaimRequest, JobRecord, QueueMessage, RefusedEvent } from '../ports.js';
import type { Services } from '../services.js';

/** What one relay did, for its caller's log. */
export interface RelayReport {
  /** The jobs whose outboxes this relay delivered. */
  jobs: number;
  published: number;
  /** Events the bus would not take, now held in the event dead letter. */
  deadLettered: RefusedEvent[];
  commands: number;
}

/** How long a relay's claim on an outbox holds: a relay that crashed holding one delays the outbox this long. */
export const RELAY_CLAIM_SECONDS = 30;

/** How long the stream's relay waits for another relay to finish with an outbox before leaving it to the sweeper. */
const CLAIM_WAIT_MS = 2000;
const CLAIM_POLL_MS = 100;

/** A new claim for one relay's delivery. */
export function claimRequest(): ClaimRequest {
  return { token: randomUUID(), leaseSeconds: RELAY_CLAIM_SECONDS };
}

/** A job's outbox to deliver, with the claim its relay holds on it (none: relayed as read). */
interface Delivery {
  record: JobRecord;
  token?: string;
}

/**
 * Relays the records' outboxes as read, without claiming them: for callers that hold the
 * claims or relay what no other relay sees (tests). The relays of the service claim first
 * (`relayCommitted`, `relayStreamed`, `relayPending`).
 */
export async function relayOutboxes(services: Services, records: JobRecord[]): Promise<RelayReport> {
  return deliver(
    services,
    records.map((record) => ({ record })),
  );
}

async function deliver(services: Services, deliveries: Delivery[]): Promise<RelayReport> {
  try {
    return await publishAndClear(services, deliveries);
  } catch (error) {
    // Given back at once, so that the next relay (the stream's retry, the poll) need not wait for the lease.
    await Promise.allSettled(
      deliveries.flatMap(({ record, token }) =>
        token === undefined ? [] : [services.jobs.releaseOutbox(record.job.id, token)],
      ),
    );
    throw error;
  }
}

async function publishAndClear(services: Services, deliveries: Delivery[]): Promise<RelayReport> {
  const events: JobEvent[] = [];
  const commands: QueueMessage[] = [];
  for (const { record } of deliveries) {
    for (const entry of record.outbox) {
      // Entries committed before snapshots were bounded are bounded now: such an event
      // would not fit an event item nor a PutEvents entry.
      if ('event' in entry) events.push(withBoundedSnapshot(entry.event));
      else commands.push(entry.command);
    }
  }
  const report: RelayReport = {
    jobs: deliveries.length,
    published: 0,
    deadLettered: [],
    commands: commands.length,
  };
  if (events.length === 0 && commands.length === 0) return report;
  // Per job, in the order the job committed them.
  events.sort((a, b) => a.jobId.localeCompare(b.jobId) || a.sequence - b.sequence);
  await services.events.put(events);
  report.deadLettered = await services.publisher.publish(events);
  await services.eventDeadLetter.hold(report.deadLettered);
  report.published = events.length - report.deadLettered.length;
  recordRelayed(services, events, report.deadLettered);
  await services.queue.send(commands);
  faultPoint('relay:after-publish');
  for (const { record, token } of deliveries) {
    await services.jobs.clearOutbox(
      record.job.id,
      record.outbox.map((entry) => entry.id),
      token,
    );
  }
  return report;
}

/**
 * The lag of each published event, and the lifecycle changes operators count: a job's first
 * event (`job:waiting`, sequence 1) is its creation; `job:completed` and `job:failed` its end.
 * A batch the relay repeats after a crash counts again (at least once, as the events are).
 */
function recordRelayed(services: Services, events: JobEvent[], refused: RefusedEvent[]): void {
  const now = services.now().getTime();
  const held = new Set(refused.map((r) => r.event.id));
  for (const event of events) {
    if (held.has(event.id)) continue;
    services.metrics.eventRelayed(now - Date.parse(event.createdAt));
    if (event.topic === 'job:waiting' && event.sequence === 1) services.metrics.jobCreated(event.operation);
    else if (event.topic === 'job:completed') services.metrics.jobEnded(event.operation, 'COMPLETED');
    else if (event.topic === 'job:failed') services.metrics.jobEnded(event.operation, 'FAILED');
  }
}

/**
 * Delivers a job's outbox right after the commit that filled it, when the services say so
 * (`relayAfterCommit`): what a commit announces or asks for goes out without waiting for the
 * stream (or the local poll). The commit claimed the outbox in its own write (`claim`, from
 * `claimRequest`); without that claim, it is claimed here. Held by another relay, it is left
 * to that relay and the backstop: two relays never both publish it. A crash here leaves the
 * entries in the outbox under a claim that lapses (`RELAY_CLAIM_SECONDS`); a failure gives
 * the claim back. Never fails its caller: the commit stands.
 */
export async function relayCommitted(
  services: Services,
  record: JobRecord | undefined,
  claim?: ClaimRequest,
): Promise<void> {
  if (!services.relayAfterCommit || !record || record.outbox.length === 0) return;
  const jobId = record.job.id;
  try {
    let delivery: Delivery | undefined;
    if (claim && record.relayClaim?.token === claim.token) delivery = { record, token: claim.token };
    else {
      const request = claimRequest();
      const outcome = await services.jobs.claimOutbox(jobId, request);
      if ('claimed' in outcome) delivery = { record: outcome.claimed, token: request.token };
    }
    if (delivery) await deliver(services, [delivery]);
  } catch (error) {
    logger.warn('relay after commit failed; the stream relay delivers the outbox', {
      jobId,
      error: error instanceof Error ? error : String(error),
    });
  }
}

/**
 * The stream's relay: the jobs whose items a write left with outbox entries. Each outbox is
 * claimed first and delivered as the claim read it (entries committed since go too: their
 * own stream records will find them gone). An outbox another relay holds — mostly the relay
 * after the commit, still at work — is waited for, up to `CLAIM_WAIT_MS`, then left to its
 * holder, and to the sweeper should the holder have crashed.
 */
export async function relayStreamed(services: Services, jobIds: string[]): Promise<RelayReport> {
  const claimed = await Promise.all(jobIds.map((jobId) => claimWaiting(services, jobId)));
  return deliver(
    services,
    claimed.filter((delivery): delivery is Delivery => delivery !== undefined),
  );
}

/**
 * The sweeper's relay: the outboxes of `records` that no other relay holds, claimed and
 * delivered; with `takeOver`, held ones too (their relays are known to be gone).
 */
export async function relayPending(
  services: Services,
  records: JobRecord[],
  { takeOver = false } = {},
): Promise<RelayReport> {
  const claimed: Delivery[] = [];
  for (const { job } of records) {
    const request = { ...claimRequest(), takeOver };
    const outcome = await services.jobs.claimOutbox(job.id, request);
    if ('claimed' in outcome) claimed.push({ record: outcome.claimed, token: request.token });
  }
  return deliver(services, claimed);
}

async function claimWaiting(services: Services, jobId: string): Promise<Delivery | undefined> {
  const request = claimRequest();
  const started = Date.now();
  for (;;) {
    const outcome = await services.jobs.claimOutbox(jobId, request);
    if ('claimed' in outcome) return { record: outcome.claimed, token: request.token };
    if ('empty' in outcome) return undefined;
    if (Date.now() - started >= CLAIM_WAIT_MS) {
      logger.info('another relay holds the outbox; left to it (and to the sweeper, should it have stopped)', {
        jobId,
        heldUntil: outcome.heldUntil,
      });
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }
}
