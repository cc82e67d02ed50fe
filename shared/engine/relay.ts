import type { JobEvent } from '../domain/events.js';
import { faultPoint } from '../faults.js';
import type { JobRecord, QueueMessage } from '../ports.js';
import type { Services } from '../services.js';

/**
 * Delivers what state changes committed to their jobs' outboxes: events are stored for
 * the feed and published to EventBridge, commands are sent to the parts queue, and only
 * then are the entries cleared. A crash in between repeats the delivery (at least
 * once); event ids never change, so subscribers de-duplicate.
 */
export async function relayOutboxes(services: Services, records: JobRecord[]): Promise<void> {
  const events: JobEvent[] = [];
  const commands: QueueMessage[] = [];
  for (const record of records) {
    for (const entry of record.outbox) {
      if ('event' in entry) events.push(entry.event);
      else commands.push(entry.command);
    }
  }
  if (events.length === 0 && commands.length === 0) return;
  // Per job, in the order the job committed them.
  events.sort((a, b) => a.jobId.localeCompare(b.jobId) || a.sequence - b.sequence);
  await services.events.put(events);
  await services.publisher.publish(events);
  await services.queue.send(commands);
  faultPoint('relay:after-publish');
  for (const record of records) {
    await services.jobs.clearOutbox(
      record.job.id,
      record.outbox.map((entry) => entry.id),
    );
  }
}
