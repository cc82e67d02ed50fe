/** Job events as the service emits them, in each carrier's shape, for the subscriber-side tests. */
import { type JobEvent, type JobTopic, jobEvent } from '../../shared/domain/events.js';
import { newId } from '../../shared/domain/ids.js';
import type { Job } from '../../shared/domain/job.js';
import type { JobStatus } from '../../shared/domain/status.js';
import { jobFixture } from '../helpers/jobs.js';

const STATUS_OF: Record<JobTopic, JobStatus> = {
  'job:waiting': 'PLANNING',
  'job:started': 'EXECUTING',
  'job:updated': 'EXECUTING',
  'job:completed': 'COMPLETED',
  'job:failed': 'FAILED',
  'job:canceled': 'CANCELED',
  'job:deleted': 'COMPLETED',
};

export function sampleJob(overrides: Partial<Job> = {}): Job {
  const now = '2026-01-02T03:04:05.678Z';
  return jobFixture({
    type: 'workbook',
    operation: 'submit',
    source: 'wb_0123456789abcdefghijklmnop',
    trigger: 'immediate',
    mode: 'foreground',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  });
}

/** An event of `topic` with a job in the state that topic announces. */
export function sampleEvent(topic: JobTopic, job: Partial<Job> = {}): JobEvent {
  const status = job.status ?? STATUS_OF[topic];
  const at = '2026-01-02T03:04:06.000Z';
  const finished = ['COMPLETED', 'FAILED', 'CANCELED'].includes(status) ? { finishedAt: at } : {};
  const started = status === 'PLANNING' || status === 'READY' ? {} : { startedAt: at };
  const failed =
    status === 'FAILED' ? { error: { code: 'executor-failed', message: 'warehouse offline' } } : {};
  const snapshot = sampleJob({ status, ...started, ...finished, ...failed, ...job });
  return jobEvent(newId('event'), topic, snapshot, 1, at);
}

/** As an EventBridge rule's target (or a webhook) receives it. */
export function eventBridgeEnvelope(event: JobEvent, source = 'partwise') {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': event.topic,
    source,
    account: '000000000000',
    time: event.createdAt,
    region: 'us-east-1',
    resources: [],
    detail: event,
  };
}

/** As GET /events/stream sends it, once parsed. */
export function sseMessage(event: JobEvent) {
  return { id: event.id, event: event.topic, data: JSON.stringify(event) };
}
