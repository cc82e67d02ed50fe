import { type JobEvent, withBoundedSnapshot } from '../domain/events.js';
import { faultPoint } from '../faults.js';
import { logger } from '../logger.js';
import type { JobRecord, QueueMessage, RefusedEvent } from '../ports.js';
import type { Services } from '../services.js';

/** What one relay did, for its caller's log. */
export interface RelayReport {
  published: number;
  /** Events the bus would not take, now held in the event dead letter. */
  deadLettered: RefusedEvent[];
  commands: number;
}

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
 */
export async function relayOutboxes(services: Services, records: JobRecord[]): Promise<RelayReport> {
  const events: JobEvent[] = [];
  const commands: QueueMessage[] = [];
  for (const record of records) {
    for (const entry of record.outbox) {
      // Entries committed before snapshots were bounded are bounded now: such an event
      // would not fit an event item nor a PutEvents entry.
      if ('event' in entry) events.push(withBoundedSnapshot(entry.event));
      else commands.push(entry.command);
    }
  }
  const report: RelayReport = { published: 0, deadLettered: [], commands: commands.length };
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
  for (const record of records) {
    await services.jobs.clearOutbox(
      record.job.id,
      record.outbox.map((entry) => entry.id),
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
 * stream (or the local poll). It is the relay above, so a crash or a failure here leaves the
 * entries in the outbox for the backstop relay, and a delivery both make carries the same
 * event ids (subscribers de-duplicate on them, docs/events.md). Never fails its caller: the
 * commit stands.
 */
export async function relayCommitted(services: Services, record: JobRecord | undefined): Promise<void> {
  if (!services.relayAfterCommit || !record || record.outbox.length === 0) return;
  try {
    await relayOutboxes(services, [record]);
  } catch (error) {
    logger.warn('relay after commit failed; the stream relay delivers the outbox', {
      jobId: record.job.id,
      error: error instanceof Error ? error : String(error),
    });
  }
}

/**
 * The stream's relay: the jobs whose items a write left with outbox entries. A relay after
 * the commit has mostly delivered them already, so each job is read again and only what its
 * outbox still holds goes (entries committed since go too: their own stream records will
 * find them gone).
 */
export async function relayStreamed(services: Services, jobIds: string[]): Promise<RelayReport> {
  const records = await Promise.all(jobIds.map((jobId) => services.jobs.withOutbox(jobId)));
  return relayOutboxes(
    services,
    records.filter((record): record is JobRecord => record !== undefined),
  );
}
