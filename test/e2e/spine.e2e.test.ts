import type { CreateJobBody, Problem } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  destinationOf,
  problemIn,
  problemOf,
  rawRequest,
  sheetOf,
  testClient,
} from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';

/** A second environment's key (local stack only; against a deployment set PARTWISE_OTHER_API_KEY). */
const OTHER_KEY = process.env.PARTWISE_OTHER_API_KEY ?? 'pw_other-environment-key';
const t = useTarget({ env: { PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_other' }) } });

const FIELD_KEYS = ['id', 'full_name', 'note', 'amount'];

/** A problem a client may read: its detail says what went wrong, and no stack trace shows. */
function expectProblem(problem: Problem, detail: RegExp) {
  expect(problem).toMatchObject({ title: expect.any(String), type: expect.any(String) });
  expect(problem.detail).toMatch(detail);
  expect(JSON.stringify(problem)).not.toMatch(/at .*\.(ts|js):\d+/); // never a stack trace
}

const job = (id: string) => ({ params: { path: { id } } });

describe('extract a CSV end to end', () => {
  it('extracts 100,000 rows with quoted commas, quotes and newlines into exact records, in many parts', async () => {
    // Prepare
    const { api } = t.client;
    const csv = generateCsv(100_000, 42);
    const file = await t.client.uploadByUrl('people.csv', csv.text);

    // Act
    const created = await api.POST('/jobs', {
      body: {
        type: 'file',
        operation: 'extract',
        source: file.id,
        config: { partSizeBytes: 262_144 },
        trigger: 'immediate',
      },
    });
    const planning = bodyOf(created, 201).data;
    expect(planning).toMatchObject({ status: 'PLANNING', operation: 'extract', source: file.id });
    const done = await t.client.pollJob(
      planning.id,
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
    );

    // Assess
    expect(done.status).toBe('COMPLETED');
    expect(done.parts).toBeGreaterThan(10);
    expect(done.processed).toBe(done.parts);
    expect(done.progress).toBe(100);
    expect(done.outcome).toMatchObject({ records: 100_000 });
    expect(done.destination).toMatch(/^wb_/);

    const workbook = bodyOf(await api.GET('/workbooks/{id}', job(destinationOf(done))), 200).data;
    const sheet = sheetOf(workbook);
    expect(sheet.fields.map((f) => f.key)).toEqual(FIELD_KEYS);

    const records = await t.client.allRecords(sheet.id);
    expect(records.length).toBe(csv.rows.length);
    const mismatch = records.findIndex((record, i) =>
      FIELD_KEYS.some((key, c) => record.values[key] !== csv.rows[i]?.[c]),
    );
    expect(mismatch).toBe(-1);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);

    const events = bodyOf(await api.GET('/jobs/{id}/events', job(done.id)), 200).data;
    const topics = events.map((e) => e.topic);
    expect(topics[0]).toBe('job:waiting');
    expect(topics[1]).toBe('job:started');
    expect(topics.at(-1)).toBe('job:completed');
    expect(topics.slice(2, -1).length).toBeGreaterThanOrEqual(1);
    expect(topics.slice(2, -1).every((t) => t === 'job:updated')).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(topics.length);
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

    const parts = bodyOf(
      await api.GET('/jobs/{id}/parts', { params: { path: { id: done.id }, query: { limit: 1000 } } }),
      200,
    ).data;
    expect(parts).toHaveLength(done.parts);
    expect(parts.every((p) => p.status === 'COMPLETED')).toBe(true);
    const rowsInParts = parts.reduce((sum, p) => sum + (p.stats?.rows ?? Number.NaN), 0);
    expect(rowsInParts).toBe(100_000);
  }, 240_000);

  it('keeps a manual job READY until it is executed, then runs it', async () => {
    const { api } = t.client;
    const csv = generateCsv(500, 7, { crlf: true, bom: true });
    const created = bodyOf(await api.POST('/files', { body: { name: 'small.csv' } }), 201).data;
    const upload = bodyOf(await t.client.putContent(created.id, csv.text, 'text/csv'), 200).data;
    expect(upload).toMatchObject({ status: 'available', size: Buffer.byteLength(csv.text) });

    const manual = bodyOf(
      await api.POST('/jobs', {
        body: { type: 'file', operation: 'extract', source: created.id, config: { partSizeBytes: 4096 } },
      }),
      201,
    ).data;
    const ready = await t.client.pollJob(manual.id, (j) => j.status !== 'PLANNING');
    expect(ready.status).toBe('READY');
    expect(ready.parts).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await t.client.getJob(manual.id)).status).toBe('READY');

    const executed = await api.POST('/jobs/{id}/execute', job(manual.id));
    expect(executed.response.status).toBe(202);
    const done = await t.client.pollJob(manual.id, (j) => j.status === 'COMPLETED' || j.status === 'FAILED');
    expect(done.status).toBe('COMPLETED');
    const workbook = bodyOf(await api.GET('/workbooks/{id}', job(destinationOf(done))), 200).data;
    const records = await t.client.allRecords(sheetOf(workbook).id);
    expect(records.map((r) => FIELD_KEYS.map((k) => r.values[k]))).toEqual(csv.rows);

    const again = await api.POST('/jobs/{id}/execute', job(done.id));
    expectProblem(problemOf(again, 409), /COMPLETED/);
  }, 120_000);

  it('returns the same job for a repeated Idempotency-Key', async () => {
    const { api } = t.client;
    const file = await t.client.uploadByUrl('tiny.csv', 'a,b\n1,2\n');
    const body: CreateJobBody = { type: 'file', operation: 'extract', source: file.id };
    const header = { 'Idempotency-Key': `key-${file.id}` };
    const first = bodyOf(await api.POST('/jobs', { body, params: { header } }), 201).data;
    const second = bodyOf(await api.POST('/jobs', { body, params: { header } }), 200).data;
    expect(second.id).toBe(first.id);
  });

  it('deletes a finished job with job:deleted, and refuses to delete an executing one', async () => {
    const { api } = t.client;
    const file = await t.client.uploadByUrl('del.csv', 'a,b\n1,2\n');
    const created = bodyOf(
      await api.POST('/jobs', {
        body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate' },
      }),
      201,
    ).data;
    await t.client.pollJob(created.id, (j) => j.status === 'COMPLETED');
    const deleted = await api.DELETE('/jobs/{id}', job(created.id));
    expect(deleted.response.status).toBe(200);
    expect((await api.GET('/jobs/{id}', job(created.id))).response.status).toBe(404);
    const deadline = Date.now() + 10_000;
    let topics: string[] = [];
    while (Date.now() < deadline && !topics.includes('job:deleted')) {
      const feed = await api.GET('/events', { params: { query: { jobId: created.id } } });
      topics = bodyOf(feed, 200).data.map((e) => e.topic);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(topics).toContain('job:deleted');

    // A job of a custom action stays EXECUTING until its executor reports: it cannot be deleted.
    const workbook = bodyOf(
      await api.POST('/workbooks', {
        body: {
          name: 'W',
          sheets: [{ name: 'S', fields: [{ key: 'a', type: 'string' }] }],
          actions: [{ operation: 'hold', label: 'Hold' }],
        },
      }),
      201,
    ).data;
    const held = bodyOf(
      await api.POST('/jobs', {
        body: { type: 'workbook', operation: 'hold', source: workbook.id, trigger: 'immediate' },
      }),
      201,
    ).data;
    await t.client.pollJob(held.id, (j) => j.status === 'EXECUTING');
    expectProblem(problemOf(await api.DELETE('/jobs/{id}', job(held.id)), 409), /EXECUTING/);
  });

  it('lists jobs newest first, filtered by status, with a cursor', async () => {
    const { api } = t.client;
    const page = bodyOf(
      await api.GET('/jobs', { params: { query: { status: 'COMPLETED', limit: 2 } } }),
      200,
    );
    expect(page.data).toHaveLength(2);
    expect(page.data.every((j) => j.status === 'COMPLETED')).toBe(true);
    expect(page.next).toEqual(expect.any(String));
    const next = bodyOf(
      await api.GET('/jobs', {
        params: { query: { status: 'COMPLETED', limit: 2, next: String(page.next) } },
      }),
      200,
    );
    expect(next.data[0]?.id).not.toBe(page.data[0]?.id);
  });
});

describe('bad requests get a clear 4xx problem', () => {
  it('answers 401 without an API key, and with an unknown one', async () => {
    expectProblem(problemIn(await rawRequest(t.target, null)('GET', '/jobs'), 401), /API key/i);
    expectProblem(problemIn(await rawRequest(t.target, 'pw_not-a-key')('GET', '/jobs'), 401), /API key/i);
  });

  it('serves /health without a key', async () => {
    const health = await rawRequest(t.target, null)('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { data: { status: 'ok' } } });
  });

  it('rejects malformed JSON', async () => {
    const response = await t.raw('POST', '/jobs', '{"type": "file",', { 'content-type': 'application/json' });
    expectProblem(problemIn(response, 400), /not valid JSON/);
  });

  it('rejects an unknown operation, naming the built-in ones', async () => {
    const response = await t.client.api.POST('/jobs', {
      body: { type: 'file', operation: 'transmogrify', source: 'file_x' },
    });
    expectProblem(problemOf(response, 400), /Unknown operation "transmogrify".*extract/);
  });

  it('rejects a job without a source', async () => {
    // No source: a body the typed client cannot send.
    const problem = problemIn(await t.raw('POST', '/jobs', { type: 'file', operation: 'extract' }), 400);
    expectProblem(problem, /source/);
    expect(problem.errors).toContainEqual(expect.objectContaining({ pointer: '/source' }));
  });

  it('rejects a source that is not a file of this environment', async () => {
    const response = await t.client.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: 'file_01jdoesnotexist0000000000' },
    });
    expectProblem(problemOf(response, 404), /file_01jdoesnotexist0000000000 was not found/);
  });

  it.runIf(!remoteTarget || process.env.PARTWISE_OTHER_API_KEY)(
    'never lets another environment see or use this one’s file or job',
    async () => {
      const { api } = t.client;
      const other = testClient(t.target, OTHER_KEY);
      const file = await other.uploadByUrl('theirs.csv', 'a\n1\n');
      const theirJob = bodyOf(
        await other.api.POST('/jobs', { body: { type: 'file', operation: 'extract', source: file.id } }),
        201,
      ).data;

      expectProblem(
        problemOf(
          await api.POST('/jobs', { body: { type: 'file', operation: 'extract', source: file.id } }),
          404,
        ),
        /was not found/,
      );
      expectProblem(problemOf(await api.GET('/files/{id}', job(file.id)), 404), /was not found/);
      expectProblem(problemOf(await api.GET('/jobs/{id}', job(theirJob.id)), 404), /was not found/);
      expectProblem(problemOf(await api.POST('/jobs/{id}/execute', job(theirJob.id)), 404), /was not found/);
      const mine = bodyOf(await api.GET('/jobs', { params: { query: { limit: 100 } } }), 200).data;
      expect(mine.map((j) => j.id)).not.toContain(theirJob.id);
    },
  );

  it('rejects a wrong type for the operation and a bad config', async () => {
    const { api } = t.client;
    expectProblem(
      problemOf(
        await api.POST('/jobs', { body: { type: 'sheet', operation: 'extract', source: 'sh_x' } }),
        400,
      ),
      /takes type "file"/,
    );
    const file = await t.client.uploadByUrl('cfg.csv', 'a\n1\n');
    const response = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, config: { partSizeBytes: 10 } },
    });
    const problem = problemOf(response, 400);
    expectProblem(problem, /config/);
    expect(problem.errors).toContainEqual(expect.objectContaining({ pointer: '/config/partSizeBytes' }));
  });

  it('rejects executing an unknown job and unknown routes', async () => {
    expectProblem(
      problemOf(await t.client.api.POST('/jobs/{id}/execute', job('job_nope')), 404),
      /not found/,
    );
    expectProblem(problemIn(await t.raw('GET', '/nowhere'), 404), /no route/i);
  });

  it('rejects a job on a file whose content was never uploaded', async () => {
    const { api } = t.client;
    const created = bodyOf(await api.POST('/files', { body: { name: 'empty.csv' } }), 201).data;
    const response = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: created.id },
    });
    expectProblem(problemOf(response, 400), /no content yet/);
  });
});
