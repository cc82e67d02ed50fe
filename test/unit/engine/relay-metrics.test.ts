import { describe, expect, it } from 'vitest';
import { type JobEvent, type JobTopic, jobEvent } from '../../../shared/domain/events.js';
import type { Job } from '../../../shared/domain/job.js';
import { relayOutboxes } from '../../../shared/engine/relay.js';
import type { JobRecord } from '../../../shared/ports.js';
import type { Services } from '../../../shared/services.js';
import { recordingMetrics } from '../../helpers/metrics.js';
import { memoryServices, newJob } from '../operations/memory-services.js';

const NOW = new Date('2026-11-28T10:00:00.000Z');

function recordWith(
  job: Job,
  events: { topic: JobTopic; sequence: number; committedMsAgo: number }[],
): JobRecord {
  return {
    job,
    version: 1,
    eventCount: events.length,
    executeRequested: false,
    state: {},
    lastProgressEventAt: 0,
    outbox: events.map(({ topic, sequence, committedMsAgo }) => ({
      id: `evt_${job.id}_${sequence}`,
      event: jobEvent(
        `evt_${job.id}_${sequence}`,
        topic,
        job,
        sequence,
        new Date(NOW.getTime() - committedMsAgo).toISOString(),
      ),
    })),
  };
}

/** Services whose bus refuses the events named, and which record what they measure. */
function relayServices(job: Job, refuse: (event: JobEvent) => boolean = () => false) {
  const { services } = memoryServices(job);
  const metrics = recordingMetrics();
  const relaying: Services = {
    ...services,
    metrics,
    now: () => NOW,
    events: { ...services.events, put: async () => {} },
    jobs: { ...services.jobs, clearOutbox: async () => {} },
    publisher: {
      publish: async (events) =>
        events
          .filter(refuse)
          .map((event) => ({ event, code: 'MalformedDetail', reason: 'refused in a test' })),
    },
  };
  return { services: relaying, metrics };
}

describe('the relay’s metrics', () => {
  it('counts a job’s creation by its first event, its end by job:completed or job:failed, by operation', async () => {
    // Prepare
    const extract = newJob({ id: 'job_a', operation: 'extract', type: 'file', source: 'file_a' });
    const map = newJob({ id: 'job_b', operation: 'map', type: 'sheet', source: 'sheet_b' });
    const { services, metrics } = relayServices(extract);
    const records = [
      recordWith(extract, [
        { topic: 'job:waiting', sequence: 1, committedMsAgo: 900 },
        { topic: 'job:started', sequence: 2, committedMsAgo: 500 },
        { topic: 'job:completed', sequence: 3, committedMsAgo: 100 },
      ]),
      // A job planned again after a review: its second job:waiting is not a creation.
      recordWith(map, [
        { topic: 'job:waiting', sequence: 4, committedMsAgo: 50 },
        { topic: 'job:failed', sequence: 5, committedMsAgo: 20 },
      ]),
    ];

    // Act
    await relayOutboxes(services, records);

    // Assess
    expect(metrics.recorded.filter((m) => m.kind !== 'eventRelayed')).toEqual([
      { kind: 'jobCreated', operation: 'extract' },
      { kind: 'jobEnded', operation: 'extract', status: 'COMPLETED' },
      { kind: 'jobEnded', operation: 'map', status: 'FAILED' },
    ]);
    expect(metrics.recorded.flatMap((m) => (m.kind === 'eventRelayed' ? [m.lagMs] : []))).toEqual([
      900, 500, 100, 50, 20,
    ]);
  });

  it('measures and counts only what the bus took: a refused event is held, not published', async () => {
    const job = newJob({ id: 'job_c', operation: 'export', type: 'sheet', source: 'sheet_c' });
    const { services, metrics } = relayServices(job, (event) => event.topic === 'job:completed');

    await relayOutboxes(services, [
      recordWith(job, [{ topic: 'job:completed', sequence: 7, committedMsAgo: 30 }]),
    ]);

    expect(metrics.recorded).toEqual([]);
  });
});
