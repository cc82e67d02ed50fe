import type { CreateJobBody } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import { type ActionInput, bodyOf, hasEnded, problemOf, sheetOf } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();
const byId = (id: string) => ({ params: { path: { id } } });

const SUBMIT: ActionInput = {
  operation: 'submit',
  label: 'Submit',
  mode: 'foreground',
  primary: true,
  inputForm: {
    fields: [
      { key: 'note', type: 'string', required: true },
      { key: 'copies', type: 'number' },
      { key: 'priority', type: 'enum', options: ['low', 'high'] },
    ],
  },
};

async function workbookWithSubmit() {
  const created = await t.client.api.POST('/workbooks', {
    body: {
      name: 'Orders',
      sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
      actions: [SUBMIT],
    },
  });
  return bodyOf(created, 201).data;
}

/** A job of the `submit` action on a new workbook that declares it. */
async function createSubmitJob(fields: Omit<CreateJobBody, 'type' | 'operation' | 'source'>) {
  const workbook = await workbookWithSubmit();
  return t.client.api.POST('/jobs', {
    body: { type: 'workbook', operation: 'submit', source: workbook.id, ...fields },
  });
}

describe('custom actions carried out by an outside executor', () => {
  it('runs the whole loop: started → ack with progress → complete with an outcome', async () => {
    // Prepare
    const { api } = t.client;
    const created = bodyOf(
      await createSubmitJob({
        input: { note: 'ship it', copies: 2, priority: 'high' },
        trigger: 'immediate',
      }),
      201,
    ).data;
    expect(created.mode).toBe('foreground'); // the action's mode
    const started = await t.client.pollJob(created.id, (j) => j.status === 'EXECUTING');
    expect(started.parts).toBe(0);

    // Act: the executor reports.
    const ack = await api.POST('/jobs/{id}/ack', {
      ...byId(started.id),
      body: { progress: 40, info: 'sending to the warehouse', estimatedCompletionAt: '2030-01-01T00:00:00Z' },
    });
    const complete = await api.POST('/jobs/{id}/complete', {
      ...byId(started.id),
      body: {
        outcome: {
          message: 'Submitted 2 copies',
          heading: 'Done',
          next: { type: 'url', url: 'https://example.com/r/1' },
        },
      },
    });

    // Assess
    expect(bodyOf(ack, 200).data).toMatchObject({
      progress: 40,
      info: 'sending to the warehouse',
      status: 'EXECUTING',
    });
    expect(bodyOf(complete, 200).data).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      outcome: { message: 'Submitted 2 copies' },
    });
    const late = await api.POST('/jobs/{id}/ack', { ...byId(started.id), body: { progress: 90 } });
    expect(problemOf(late, 409).detail).toMatch(/already COMPLETED/);

    const deadline = Date.now() + 10_000;
    let topics: string[] = [];
    while (Date.now() < deadline && !topics.includes('job:completed')) {
      const events = await api.GET('/jobs/{id}/events', byId(started.id));
      topics = bodyOf(events, 200).data.map((e) => e.topic);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The ack's job:updated, and the last one (progress 100) that completion always sends.
    expect(topics).toEqual(['job:waiting', 'job:started', 'job:updated', 'job:updated', 'job:completed']);
    const feed = await api.GET('/events', { params: { query: { jobId: started.id, topic: 'job:updated' } } });
    expect(bodyOf(feed, 200).data.map((e) => e.progress)).toEqual([40, 100]);
  });

  it('refuses an operation the source does not declare, naming the declared ones', async () => {
    const workbook = await workbookWithSubmit();
    const response = await t.client.api.POST('/jobs', {
      body: { type: 'workbook', operation: 'publish', source: workbook.id },
    });
    expect(problemOf(response, 400).detail).toMatch(/"publish".*only the actions "submit"/);
  });

  it('checks the input against the action’s form', async () => {
    const response = await createSubmitJob({ input: { copies: 'two', priority: 'urgent' } });
    const pointers = problemOf(response, 400).errors?.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/input/note', '/input/copies', '/input/priority']));
  });

  it('adds actions to a workbook and its sheets with PATCH', async () => {
    const { api } = t.client;
    const created = await api.POST('/workbooks', {
      body: { name: 'Plain', sheets: [{ name: 'S', fields: [{ key: 'a', type: 'string' }] }] },
    });
    const workbook = bodyOf(created, 201).data;
    const sheetId = sheetOf(workbook).id;
    const patched = await api.PATCH('/workbooks/{id}', {
      ...byId(workbook.id),
      body: { sheets: [{ id: sheetId, actions: [{ operation: 'validate-addresses', label: 'Validate' }] }] },
    });
    expect(patched.response.status).toBe(200);
    const job = await api.POST('/jobs', {
      body: { type: 'sheet', operation: 'validate-addresses', source: sheetId },
    });
    expect(job.response.status).toBe(201);
    const builtIn = await api.PATCH('/workbooks/{id}', {
      ...byId(workbook.id),
      body: { actions: [{ operation: 'extract', label: 'x' }] },
    });
    expect(builtIn.response.status).toBe(400);
  });

  it('fails a job that no executor acknowledges within its ack timeout, saying why', async () => {
    const created = await createSubmitJob({
      input: { note: 'nobody listens' },
      config: { ackTimeoutSeconds: 2 },
      trigger: 'immediate',
    });
    const job = await t.client.pollJob(bodyOf(created, 201).data.id, hasEnded, 30_000);
    expect(job.status).toBe('FAILED');
    expect(job.error?.code).toBe('ack-timeout');
    expect(job.error?.message).toMatch(/No executor acknowledged this job within 2 s/);
  });

  it('lets an executor report failure, and refuses reports on built-in jobs', async () => {
    const { api } = t.client;
    const created = bodyOf(await createSubmitJob({ input: { note: 'x' }, trigger: 'immediate' }), 201).data;
    await t.client.pollJob(created.id, (j) => j.status === 'EXECUTING');
    const failed = await api.POST('/jobs/{id}/fail', {
      ...byId(created.id),
      body: { info: 'warehouse offline' },
    });
    expect(bodyOf(failed, 200).data).toMatchObject({
      status: 'FAILED',
      error: { code: 'executor-failed', message: 'warehouse offline' },
    });

    const file = await t.client.uploadByUrl('b.csv', 'a\n1\n');
    const extract = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate' },
    });
    const ack = await api.POST('/jobs/{id}/ack', {
      ...byId(bodyOf(extract, 201).data.id),
      body: { progress: 10 },
    });
    expect(ack.response.status).toBe(409);
  });
});

describe('cancel', () => {
  it('cancels a waiting job, and refuses to cancel it twice', async () => {
    const { api } = t.client;
    const created = bodyOf(await createSubmitJob({ input: { note: 'x' } }), 201).data;
    await t.client.pollJob(created.id, (j) => j.status === 'READY');
    const canceled = await api.POST('/jobs/{id}/cancel', byId(created.id));
    expect(bodyOf(canceled, 200).data.status).toBe('CANCELED');
    expect((await api.POST('/jobs/{id}/cancel', byId(created.id))).response.status).toBe(409);
    expect((await api.POST('/jobs/{id}/execute', byId(created.id))).response.status).toBe(409);
  });

  it('stops an executing extract: the parts still queued are skipped', async () => {
    const { api } = t.client;
    const file = await t.client.uploadByUrl('cancel.csv', generateCsv(40_000, 9).text);
    const created = await api.POST('/jobs', {
      body: {
        type: 'file',
        operation: 'extract',
        source: file.id,
        config: { partSizeBytes: 4096 },
        trigger: 'immediate',
      },
    });
    const id = bodyOf(created, 201).data.id;
    const running = await t.client.pollJob(id, (j) => j.status === 'EXECUTING' || hasEnded(j));
    expect(running.status).toBe('EXECUTING');
    const canceled = await api.POST('/jobs/{id}/cancel', byId(id));
    expect(bodyOf(canceled, 200).data.status).toBe('CANCELED');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await t.client.getJob(id);
    expect(after.status).toBe('CANCELED');
    expect(after.processed).toBeLessThan(after.parts);
  });
});
