/**
 * The schemas hold for what the system really emits: a local stack (or the deployment
 * under test) drives jobs through every topic, and every event — in GET /events and, on
 * the local stack, as published to EventBridge (events.jsonl) — validates against the
 * schema of its detail-type.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateJobBody, components } from 'partwise/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_TOPICS } from '../../shared/domain/events.js';
import eventSchema from '../../shared/events/schemas/job-event.schema.json' with { type: 'json' };
import snapshotSchema from '../../shared/events/schemas/job-snapshot.schema.json' with { type: 'json' };
import { validateJobEvent } from '../../shared/events/schemas.js';
import { bodyOf, hasEnded } from '../helpers/client.js';
import { memberAt, stringAt } from '../helpers/json-members.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';

type JobEvent = components['schemas']['JobEvent'];

const context = useTarget();
const client = () => context.client;
const byId = (id: string) => ({ params: { path: { id } } });

/** The jobs driven here, and the topics each must have emitted, in order. */
const expected = new Map<string, string[]>();
let feed: JobEvent[] = [];

async function createJob(body: CreateJobBody): Promise<string> {
  return bodyOf(await client().api.POST('/jobs', { body }), 201).data.id;
}

async function driveEveryTopic() {
  // An extract runs its parts inside partwise, completes, and is deleted.
  const file = await client().uploadByUrl(
    'people.csv',
    'name,email\nAda,ada@example.com\nGrace,grace@example.com\n',
  );
  const extract = await createJob({
    type: 'file',
    operation: 'extract',
    source: file.id,
    trigger: 'immediate',
  });
  await client().pollJob(extract, hasEnded);
  expect((await client().api.DELETE('/jobs/{id}', byId(extract))).response.status).toBe(200);
  expected.set(extract, ['job:waiting', 'job:started', 'job:updated', 'job:completed', 'job:deleted']);

  // Custom actions are carried out outside: acknowledged then failed, or completed, or never acknowledged.
  const workbook = await client().api.POST('/workbooks', {
    body: {
      name: 'Orders',
      sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
      actions: [{ operation: 'submit', label: 'Submit' }],
    },
  });
  const action: CreateJobBody = {
    type: 'workbook',
    operation: 'submit',
    source: bodyOf(workbook, 201).data.id,
  };
  const [failing, completing, unacknowledged, canceled] = await Promise.all([
    createJob({ ...action, trigger: 'immediate' }),
    createJob({ ...action, trigger: 'immediate' }),
    createJob({ ...action, trigger: 'immediate', config: { ackTimeoutSeconds: 1 } }),
    createJob(action),
  ]);
  const { api } = client();
  await client().pollJob(failing, (job) => job.status === 'EXECUTING');
  await api.POST('/jobs/{id}/ack', {
    ...byId(failing),
    body: { progress: 30, info: 'talking to the warehouse' },
  });
  await api.POST('/jobs/{id}/fail', { ...byId(failing), body: { info: 'warehouse offline' } });
  expected.set(failing, ['job:waiting', 'job:started', 'job:updated', 'job:failed']);

  await client().pollJob(completing, (job) => job.status === 'EXECUTING');
  await api.POST('/jobs/{id}/ack', {
    ...byId(completing),
    body: { progress: 12.5, estimatedCompletionAt: '2030-01-01T00:00:00Z' },
  });
  await api.POST('/jobs/{id}/complete', {
    ...byId(completing),
    body: { outcome: { message: 'Submitted', heading: 'Done' } },
  });
  // The ack's job:updated, then the last one, with the final progress, beside job:completed.
  expected.set(completing, ['job:waiting', 'job:started', 'job:updated', 'job:updated', 'job:completed']);

  await client().pollJob(canceled, (job) => job.status === 'READY');
  expect((await api.POST('/jobs/{id}/cancel', byId(canceled))).response.status).toBe(200);
  expected.set(canceled, ['job:waiting', 'job:canceled']);

  expect((await client().pollJob(unacknowledged, hasEnded, 60_000)).error?.code).toBe('ack-timeout');
  expected.set(unacknowledged, ['job:waiting', 'job:started', 'job:failed']);
}

/** Our jobs' events from GET /events, paged with `since`, once each job's last event is in. */
async function readFeed(): Promise<JobEvent[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const events: JobEvent[] = [];
    let since: string | undefined;
    for (;;) {
      const answer = await client().api.GET('/events', {
        params: { query: { limit: 100, ...(since ? { since } : {}) } },
      });
      const page = bodyOf(answer, 200);
      events.push(...page.data.filter((event) => expected.has(event.jobId)));
      if (page.data.length < 100) break;
      since = page.next ?? undefined;
    }
    const complete = [...expected].every(([jobId, topics]) =>
      events.some((event) => event.jobId === jobId && event.topic === topics.at(-1)),
    );
    if (complete) return events;
    if (Date.now() > deadline)
      throw new Error(`the feed lacks events: ${JSON.stringify(events.map((e) => e.topic))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function expectValid(event: unknown, where: string) {
  const result = validateJobEvent(event);
  expect(result.valid ? [] : result.violations, `${where}: ${JSON.stringify(event)}`).toEqual([]);
}

beforeAll(async () => {
  await driveEveryTopic();
  feed = await readFeed();
}, 120_000);

describe('events the system emits', () => {
  it('cover every topic, in order within each job', () => {
    expect(new Set(feed.map((event) => event.topic))).toEqual(new Set(JOB_TOPICS));
    for (const [jobId, topics] of expected) {
      const mine = feed.filter((event) => event.jobId === jobId);
      expect(
        mine.map((event) => event.topic),
        jobId,
      ).toEqual(topics);
      expect(mine.map((event) => event.sequence)).toEqual(topics.map((_, i) => i + 1));
    }
  });

  it('each validate against the schema of their topic (GET /events)', () => {
    for (const event of feed) expectValid(event, 'GET /events');
  });

  it('repeat the snapshot’s fields at the top, so a rule can match on them', () => {
    for (const { job, ...event } of feed) {
      expect(event).toMatchObject({
        jobId: job.id,
        environmentId: job.environmentId,
        operation: job.operation,
        status: job.status,
        parts: job.parts,
        processed: job.processed,
        progress: job.progress,
      });
    }
  });

  it('hold only fields the schemas document', () => {
    const documented = new Set(Object.keys(eventSchema.properties));
    const documentedInJob = new Set(Object.keys(snapshotSchema.properties));
    for (const event of feed) {
      expect(Object.keys(event).filter((key) => !documented.has(key))).toEqual([]);
      expect(Object.keys(event.job).filter((key) => !documentedInJob.has(key))).toEqual([]);
    }
  });

  it.runIf(!remoteTarget)(
    'reach EventBridge as detail-type = topic, source = partwise, each detail valid (events.jsonl)',
    async () => {
      const log = await readFile(join(context.local!.dataDir, 'events.jsonl'), 'utf8');
      const published = log
        .split('\n')
        .filter(Boolean)
        .map((line): unknown => JSON.parse(line))
        .filter((envelope) => expected.has(stringAt(envelope, 'detail', 'jobId')));
      for (const envelope of published) {
        expect(envelope).toMatchObject({
          source: 'partwise',
          'detail-type': memberAt(envelope, 'detail', 'topic'),
        });
        expectValid(memberAt(envelope, 'detail'), 'events.jsonl');
      }
      // Every event of the feed was published, and nothing else (the relay may publish twice).
      expect(new Set(published.map((envelope) => memberAt(envelope, 'detail', 'id')))).toEqual(
        new Set(feed.map((e) => e.id)),
      );
    },
  );
});
