import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';

/** A second environment's key (local stack only; against a deployment set PARTWISE_OTHER_API_KEY). */
const OTHER_KEY = process.env.PARTWISE_OTHER_API_KEY ?? 'pw_other-environment-key';
const t = useTarget({ env: { PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_other' }) } });

const FIELD_KEYS = ['id', 'full_name', 'note', 'amount'];

function expectProblem(
  response: { status: number; headers: Headers; body: any },
  status: number,
  detail: RegExp,
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(response.body.detail).toMatch(detail);
  expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/); // never a stack trace
}

describe('extract a CSV end to end', () => {
  it('extracts 100,000 rows with quoted commas, quotes and newlines into exact records, in many parts', async () => {
    // Prepare
    const csv = generateCsv(100_000, 42);
    const file = await t.api.uploadFile('people.csv', csv.text);

    // Act
    const created = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: 262_144 },
      trigger: 'immediate',
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ status: 'PLANNING', operation: 'extract', source: file.id });
    const job = await t.api.waitForJob(
      created.body.data.id,
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
    );

    // Assess
    expect(job.status).toBe('COMPLETED');
    expect(job.parts).toBeGreaterThan(10);
    expect(job.processed).toBe(job.parts);
    expect(job.progress).toBe(100);
    expect(job.outcome).toMatchObject({ records: 100_000 });
    expect(job.destination).toMatch(/^wb_/);

    const workbook = await t.api.call('GET', `/workbooks/${job.destination}`);
    const sheet = workbook.body.data.sheets[0];
    expect(sheet.fields.map((f: { key: string }) => f.key)).toEqual(FIELD_KEYS);

    const records = await t.api.allRecords(sheet.id);
    expect(records.length).toBe(csv.rows.length);
    const mismatch = records.findIndex((record, i) =>
      FIELD_KEYS.some((key, c) => record.values[key] !== csv.rows[i]?.[c]),
    );
    expect(mismatch).toBe(-1);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);

    const events = await t.api.call('GET', `/jobs/${job.id}/events`);
    const topics: string[] = events.body.data.map((e: { topic: string }) => e.topic);
    expect(topics[0]).toBe('job:waiting');
    expect(topics[1]).toBe('job:started');
    expect(topics.at(-1)).toBe('job:completed');
    expect(topics.slice(2, -1).length).toBeGreaterThanOrEqual(1);
    expect(topics.slice(2, -1).every((t) => t === 'job:updated')).toBe(true);
    expect(new Set(events.body.data.map((e: { id: string }) => e.id)).size).toBe(topics.length);
    const sequences = events.body.data.map((e: { sequence: number }) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

    const parts = await t.api.call('GET', `/jobs/${job.id}/parts?limit=1000`);
    expect(parts.body.data).toHaveLength(job.parts);
    expect(parts.body.data.every((p: { status: string }) => p.status === 'COMPLETED')).toBe(true);
    const rowsInParts = parts.body.data.reduce(
      (sum: number, p: { stats: { rows: number } }) => sum + p.stats.rows,
      0,
    );
    expect(rowsInParts).toBe(100_000);
  }, 240_000);

  it('keeps a manual job READY until it is executed, then runs it', async () => {
    const csv = generateCsv(500, 7, { crlf: true, bom: true });
    const created = await t.api.call('POST', '/files', { name: 'small.csv' });
    const upload = await t.api.call('PUT', `/files/${created.body.data.id}/content`, csv.text, {
      'content-type': 'text/csv',
    });
    expect(upload.status).toBe(200);
    expect(upload.body.data).toMatchObject({ status: 'available', size: Buffer.byteLength(csv.text) });

    const job = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: created.body.data.id,
      config: { partSizeBytes: 4096 },
    });
    const ready = await t.api.waitForJob(job.body.data.id, (j) => j.status !== 'PLANNING');
    expect(ready.status).toBe('READY');
    expect(ready.parts).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await t.api.call('GET', `/jobs/${job.body.data.id}`)).body.data.status).toBe('READY');

    const executed = await t.api.call('POST', `/jobs/${job.body.data.id}/execute`);
    expect(executed.status).toBe(202);
    const done = await t.api.waitForJob(
      job.body.data.id,
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
    );
    expect(done.status).toBe('COMPLETED');
    const workbook = await t.api.call('GET', `/workbooks/${done.destination}`);
    const records = await t.api.allRecords(workbook.body.data.sheets[0].id);
    expect(records.map((r) => FIELD_KEYS.map((k) => r.values[k]))).toEqual(csv.rows);

    const again = await t.api.call('POST', `/jobs/${done.id}/execute`);
    expectProblem(again, 409, /COMPLETED/);
  }, 120_000);

  it('returns the same job for a repeated Idempotency-Key', async () => {
    const file = await t.api.uploadFile('tiny.csv', 'a,b\n1,2\n');
    const body = { type: 'file', operation: 'extract', source: file.id };
    const first = await t.api.call('POST', '/jobs', body, { 'idempotency-key': `key-${file.id}` });
    const second = await t.api.call('POST', '/jobs', body, { 'idempotency-key': `key-${file.id}` });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.data.id).toBe(first.body.data.id);
  });

  it('deletes a finished job with job:deleted, and refuses to delete an executing one', async () => {
    const file = await t.api.uploadFile('del.csv', 'a,b\n1,2\n');
    const job = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      trigger: 'immediate',
    });
    await t.api.waitForJob(job.body.data.id, (j) => j.status === 'COMPLETED');
    const deleted = await t.api.call('DELETE', `/jobs/${job.body.data.id}`);
    expect(deleted.status).toBe(200);
    expect((await t.api.call('GET', `/jobs/${job.body.data.id}`)).status).toBe(404);
    const deadline = Date.now() + 10_000;
    let topics: string[] = [];
    while (Date.now() < deadline && !topics.includes('job:deleted')) {
      const feed = await t.api.call('GET', `/events?jobId=${job.body.data.id}`);
      topics = feed.body.data.map((e: { topic: string }) => e.topic);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(topics).toContain('job:deleted');

    // A job of a custom action stays EXECUTING until its executor reports: it cannot be deleted.
    const workbook = await t.api.call('POST', '/workbooks', {
      name: 'W',
      sheets: [{ name: 'S', fields: [{ key: 'a', type: 'string' }] }],
      actions: [{ operation: 'hold', label: 'Hold' }],
    });
    const held = await t.api.call('POST', '/jobs', {
      type: 'workbook',
      operation: 'hold',
      source: workbook.body.data.id,
      trigger: 'immediate',
    });
    await t.api.waitForJob(held.body.data.id, (j) => j.status === 'EXECUTING');
    expectProblem(await t.api.call('DELETE', `/jobs/${held.body.data.id}`), 409, /EXECUTING/);
  });

  it('lists jobs newest first, filtered by status, with a cursor', async () => {
    const page = await t.api.call('GET', '/jobs?status=COMPLETED&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(2);
    expect(page.body.data.every((j: { status: string }) => j.status === 'COMPLETED')).toBe(true);
    expect(page.body.next).toEqual(expect.any(String));
    const next = await t.api.call('GET', `/jobs?status=COMPLETED&limit=2&next=${page.body.next}`);
    expect(next.body.data[0]?.id).not.toBe(page.body.data[0].id);
  });
});

describe('bad requests get a clear 4xx problem', () => {
  it('answers 401 without an API key, and with an unknown one', async () => {
    expectProblem(await apiClient(t.target, null).call('GET', '/jobs'), 401, /API key/i);
    expectProblem(await apiClient(t.target, 'pw_not-a-key').call('GET', '/jobs'), 401, /API key/i);
  });

  it('serves /health without a key', async () => {
    const health = await apiClient(t.target, null).call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.data.status).toBe('ok');
  });

  it('rejects malformed JSON', async () => {
    expectProblem(
      await t.api.call('POST', '/jobs', '{"type": "file",', { 'content-type': 'application/json' }),
      400,
      /not valid JSON/,
    );
  });

  it('rejects an unknown operation, naming the built-in ones', async () => {
    const response = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'transmogrify',
      source: 'file_x',
    });
    expectProblem(response, 400, /Unknown operation "transmogrify".*extract/);
  });

  it('rejects a job without a source', async () => {
    const response = await t.api.call('POST', '/jobs', { type: 'file', operation: 'extract' });
    expectProblem(response, 400, /source/);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '/source' }));
  });

  it('rejects a source that is not a file of this environment', async () => {
    const response = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: 'file_01jdoesnotexist0000000000',
    });
    expectProblem(response, 404, /file_01jdoesnotexist0000000000 was not found/);
  });

  it.runIf(!remoteTarget || process.env.PARTWISE_OTHER_API_KEY)(
    'never lets another environment see or use this one’s file or job',
    async () => {
      const other = apiClient(t.target, OTHER_KEY);
      const file = await other.uploadFile('theirs.csv', 'a\n1\n');
      const theirJob = await other.call('POST', '/jobs', {
        type: 'file',
        operation: 'extract',
        source: file.id,
      });
      expect(theirJob.status).toBe(201);

      expectProblem(
        await t.api.call('POST', '/jobs', { type: 'file', operation: 'extract', source: file.id }),
        404,
        /was not found/,
      );
      expectProblem(await t.api.call('GET', `/files/${file.id}`), 404, /was not found/);
      expectProblem(await t.api.call('GET', `/jobs/${theirJob.body.data.id}`), 404, /was not found/);
      expectProblem(await t.api.call('POST', `/jobs/${theirJob.body.data.id}/execute`), 404, /was not found/);
      const mine = await t.api.call('GET', '/jobs?limit=100');
      expect(mine.body.data.map((j: { id: string }) => j.id)).not.toContain(theirJob.body.data.id);
    },
  );

  it('rejects a wrong type for the operation and a bad config', async () => {
    expectProblem(
      await t.api.call('POST', '/jobs', { type: 'sheet', operation: 'extract', source: 'sh_x' }),
      400,
      /takes type "file"/,
    );
    const file = await t.api.uploadFile('cfg.csv', 'a\n1\n');
    const response = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: 10 },
    });
    expectProblem(response, 400, /config/);
    expect(response.body.errors).toContainEqual(
      expect.objectContaining({ pointer: '/config/partSizeBytes' }),
    );
  });

  it('rejects executing an unknown job and unknown routes', async () => {
    expectProblem(await t.api.call('POST', '/jobs/job_nope/execute'), 404, /not found/);
    expectProblem(await t.api.call('GET', '/nowhere'), 404, /no route/i);
  });

  it('rejects a job on a file whose content was never uploaded', async () => {
    const created = await t.api.call('POST', '/files', { name: 'empty.csv' });
    const response = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: created.body.data.id,
    });
    expectProblem(response, 400, /no content yet/);
  });
});
