import { describe, expect, it } from 'vitest';
import { generateCsv } from '../helpers/csv.js';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();

const SUBMIT = {
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
  const created = await t.api.call('POST', '/workbooks', {
    name: 'Orders',
    sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
    actions: [SUBMIT],
  });
  expect(created.status).toBe(201);
  return created.body.data;
}

/** A job of the `submit` action on a new workbook that declares it. */
async function createSubmitJob(fields: Record<string, unknown>) {
  const workbook = await workbookWithSubmit();
  return t.api.call('POST', '/jobs', {
    type: 'workbook',
    operation: 'submit',
    source: workbook.id,
    ...fields,
  });
}

const isFinal = (job: { status: string }) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(job.status);

describe('custom actions carried out by an outside executor', () => {
  it('runs the whole loop: started → ack with progress → complete with an outcome', async () => {
    // Prepare
    const created = await createSubmitJob({
      input: { note: 'ship it', copies: 2, priority: 'high' },
      trigger: 'immediate',
    });
    expect(created.status).toBe(201);
    expect(created.body.data.mode).toBe('foreground'); // the action's mode
    const started = await t.api.waitForJob(created.body.data.id, (j) => j.status === 'EXECUTING');
    expect(started.parts).toBe(0);

    // Act: the executor reports.
    const ack = await t.api.call('POST', `/jobs/${started.id}/ack`, {
      progress: 40,
      info: 'sending to the warehouse',
      estimatedCompletionAt: '2030-01-01T00:00:00Z',
    });
    const complete = await t.api.call('POST', `/jobs/${started.id}/complete`, {
      outcome: {
        message: 'Submitted 2 copies',
        heading: 'Done',
        next: { type: 'url', url: 'https://example.com/r/1' },
      },
    });

    // Assess
    expect(ack.status).toBe(200);
    expect(ack.body.data).toMatchObject({
      progress: 40,
      info: 'sending to the warehouse',
      status: 'EXECUTING',
    });
    expect(complete.body.data).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      outcome: { message: 'Submitted 2 copies' },
    });
    const late = await t.api.call('POST', `/jobs/${started.id}/ack`, { progress: 90 });
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/already COMPLETED/);

    const deadline = Date.now() + 10_000;
    let topics: string[] = [];
    while (Date.now() < deadline && !topics.includes('job:completed')) {
      const events = await t.api.call('GET', `/jobs/${started.id}/events`);
      topics = events.body.data.map((e: { topic: string }) => e.topic);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The ack's job:updated, and the last one (progress 100) that completion always sends.
    expect(topics).toEqual(['job:waiting', 'job:started', 'job:updated', 'job:updated', 'job:completed']);
    const feed = await t.api.call('GET', `/events?jobId=${started.id}&topic=job:updated`);
    expect(feed.body.data.map((e: { progress: number }) => e.progress)).toEqual([40, 100]);
  });

  it('refuses an operation the source does not declare, naming the declared ones', async () => {
    const workbook = await workbookWithSubmit();
    const response = await t.api.call('POST', '/jobs', {
      type: 'workbook',
      operation: 'publish',
      source: workbook.id,
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/"publish".*only the actions "submit"/);
  });

  it('checks the input against the action’s form', async () => {
    const response = await createSubmitJob({ input: { copies: 'two', priority: 'urgent' } });
    expect(response.status).toBe(400);
    const pointers = response.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/input/note', '/input/copies', '/input/priority']));
  });

  it('adds actions to a workbook and its sheets with PATCH', async () => {
    const created = await t.api.call('POST', '/workbooks', {
      name: 'Plain',
      sheets: [{ name: 'S', fields: [{ key: 'a', type: 'string' }] }],
    });
    const sheetId = created.body.data.sheets[0].id;
    const patched = await t.api.call('PATCH', `/workbooks/${created.body.data.id}`, {
      sheets: [{ id: sheetId, actions: [{ operation: 'validate-addresses', label: 'Validate' }] }],
    });
    expect(patched.status).toBe(200);
    const job = await t.api.call('POST', '/jobs', {
      type: 'sheet',
      operation: 'validate-addresses',
      source: sheetId,
    });
    expect(job.status).toBe(201);
    expect(
      (
        await t.api.call('PATCH', `/workbooks/${created.body.data.id}`, {
          actions: [{ operation: 'extract', label: 'x' }],
        })
      ).status,
    ).toBe(400);
  });

  it('fails a job that no executor acknowledges within its ack timeout, saying why', async () => {
    const created = await createSubmitJob({
      input: { note: 'nobody listens' },
      config: { ackTimeoutSeconds: 2 },
      trigger: 'immediate',
    });
    const job = await t.api.waitForJob(created.body.data.id, isFinal, 30_000);
    expect(job.status).toBe('FAILED');
    expect(job.error.code).toBe('ack-timeout');
    expect(job.error.message).toMatch(/No executor acknowledged this job within 2 s/);
  });

  it('lets an executor report failure, and refuses reports on built-in jobs', async () => {
    const created = await createSubmitJob({ input: { note: 'x' }, trigger: 'immediate' });
    await t.api.waitForJob(created.body.data.id, (j) => j.status === 'EXECUTING');
    const failed = await t.api.call('POST', `/jobs/${created.body.data.id}/fail`, {
      info: 'warehouse offline',
    });
    expect(failed.body.data).toMatchObject({
      status: 'FAILED',
      error: { code: 'executor-failed', message: 'warehouse offline' },
    });

    const file = await t.api.uploadFile('b.csv', 'a\n1\n');
    const extract = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      trigger: 'immediate',
    });
    const ack = await t.api.call('POST', `/jobs/${extract.body.data.id}/ack`, { progress: 10 });
    expect(ack.status).toBe(409);
  });
});

describe('cancel', () => {
  it('cancels a waiting job, and refuses to cancel it twice', async () => {
    const created = await createSubmitJob({ input: { note: 'x' } });
    await t.api.waitForJob(created.body.data.id, (j) => j.status === 'READY');
    const canceled = await t.api.call('POST', `/jobs/${created.body.data.id}/cancel`);
    expect(canceled.body.data.status).toBe('CANCELED');
    expect((await t.api.call('POST', `/jobs/${created.body.data.id}/cancel`)).status).toBe(409);
    expect((await t.api.call('POST', `/jobs/${created.body.data.id}/execute`)).status).toBe(409);
  });

  it('stops an executing extract: the parts still queued are skipped', async () => {
    const file = await t.api.uploadFile('cancel.csv', generateCsv(40_000, 9).text);
    const created = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: 4096 },
      trigger: 'immediate',
    });
    const running = await t.api.waitForJob(
      created.body.data.id,
      (j) => j.status === 'EXECUTING' || isFinal(j),
    );
    expect(running.status).toBe('EXECUTING');
    const canceled = await t.api.call('POST', `/jobs/${created.body.data.id}/cancel`);
    expect(canceled.body.data.status).toBe('CANCELED');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = (await t.api.call('GET', `/jobs/${created.body.data.id}`)).body.data;
    expect(after.status).toBe('CANCELED');
    expect(after.processed).toBeLessThan(after.parts);
  });
});
