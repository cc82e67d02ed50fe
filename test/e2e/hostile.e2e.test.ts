import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../helpers/client.js';
import { useTarget } from '../helpers/stack.js';
import { HOSTILE_BODIES } from './hostile.bodies.js';
import type { Fixtures } from './hostile.cases.js';
import { HOSTILE_REQUESTS } from './hostile.requests.js';

const HOSTILE_CASES = [...HOSTILE_REQUESTS, ...HOSTILE_BODIES];

const t = useTarget();

/** What a problem must never show a client: where the code is, where the data is, what runs it. */
const INTERNALS = [
  /\bat .*\.(ts|js):\d+/, // a stack frame
  /\b(uploads|plans|exports|tmp)\/\w/, // an S3 key
  /"key":/, // a file's S3 key
  /\b[A-Z]\w+Exception\b|NoSuchKey|PreconditionFailed|SignatureDoesNotMatch/, // AWS error names
  /DynamoDB|dynalite|s3rver|TableName|ExclusiveStartKey|LastEvaluatedKey|arn:aws:/i,
];

function expectProblem(response: ApiResponse<any>, status: number, gateway = false): void {
  expect(response.status).toBe(status);
  // API Gateway answers its own refusals (authorizer, payload limit) in its own JSON.
  if (gateway && !t.local) return;
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.stringMatching(/\S/),
  });
  expect(response.body.correlationId).toBe(response.headers.get('x-correlation-id'));
  const text = JSON.stringify(response.body);
  for (const internal of INTERNALS) expect(text).not.toMatch(internal);
}

async function fixtures(): Promise<Fixtures> {
  const { call } = t.api;
  const workbook = await call('POST', '/workbooks', {
    name: 'Hostile',
    sheets: [{ name: 'Rows', fields: [{ key: 'a', type: 'string' }] }],
    actions: [{ operation: 'submit', label: 'Submit' }],
  });
  const file = await t.api.uploadFile('hostile.csv', 'a,b\n1,2\n');
  await call('POST', '/files', { name: 'second.csv' });
  const files = await call('GET', '/files?limit=1');
  const job = await call('POST', '/jobs', {
    type: 'workbook',
    operation: 'submit',
    source: workbook.body.data.id,
    trigger: 'immediate',
  });
  await t.api.waitForJob(job.body.data.id, (j) => j.status === 'EXECUTING');
  return {
    call,
    async sendBytes(method, path, body, headers) {
      const response = await fetch(`${t.target.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${t.target.apiKey}`, ...headers },
        body,
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    workbookId: workbook.body.data.id,
    sheetId: workbook.body.data.sheets[0].id,
    fileId: file.id,
    executingJobId: job.body.data.id,
    filesCursor: files.body.next,
  };
}

let fx: Fixtures | undefined;
const fixture = async () => {
  fx ??= await fixtures();
  return fx;
};

describe('a hostile request gets a 4xx problem with no internals, never a 5xx', () => {
  it('has a corpus of at least 60 requests', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(HOSTILE_CASES)('$name → $status', async (hostile) => {
    expectProblem(await hostile.send(await fixture()), hostile.status, hostile.gateway);
  });
});

describe('requests at the bounds', () => {
  it('run a job whose input, config and outcome each hold 64 KB of JSON, reported on at once', async () => {
    const x = (bytes: number) => 'x'.repeat(bytes);
    const workbook = await t.api.call('POST', '/workbooks', {
      name: 'At the bounds',
      sheets: [{ name: 'S', fields: [{ key: 'a', type: 'string' }] }],
      actions: [
        { operation: 'submit', label: 'Submit', inputForm: { fields: [{ key: 's', type: 'string' }] } },
      ],
    });
    const created = await t.api.call('POST', '/jobs', {
      type: 'workbook',
      operation: 'submit',
      source: workbook.body.data.id,
      trigger: 'immediate',
      input: { s: x(64 * 1024 - 8) }, // {"s":"…"}: exactly 64 KiB of JSON
      config: { t: x(64 * 1024 - 8) },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    await t.api.waitForJob(id, (j) => j.status === 'EXECUTING');

    expect((await t.api.call('POST', `/jobs/${id}/ack`, { progress: 50, info: x(10_000) })).status).toBe(200);
    const completed = await t.api.call('POST', `/jobs/${id}/complete`, {
      outcome: { message: 'done', rows: x(64 * 1024 - 28) },
      info: x(10_000),
    });

    expect(completed.status).toBe(200);
    expect(completed.body.data.status).toBe('COMPLETED');
  });
});

describe('correlation ids', () => {
  it('names every request in a header, and a problem by the same id', async () => {
    const found = await t.api.call('GET', '/jobs?limit=1');
    expect(found.headers.get('x-correlation-id')).toMatch(/\S/);
    const missing = await t.api.call('GET', '/jobs/job_01jdoesnotexist00000000000');
    expectProblem(missing, 404);
    if (t.local) expect(missing.body.correlationId).toBe(missing.headers.get('apigw-requestid'));
  });
});

describe('files never show their S3 key, and download under any name', () => {
  it('leaves the key out of every file it returns', async () => {
    const created = await t.api.call('POST', '/files', { name: 'keyless.csv' });
    const uploaded = await t.api.call('PUT', `/files/${created.body.data.id}/content`, 'a\n1\n', {
      'content-type': 'text/csv',
    });
    const fetched = await t.api.call('GET', `/files/${created.body.data.id}`);
    const listed = await t.api.call('GET', '/files?limit=100');
    for (const file of [created.body.data, uploaded.body.data, fetched.body.data, ...listed.body.data])
      expect(file).not.toHaveProperty('key');
  });

  it('downloads a file whose name holds CR, LF, NUL, a quote and non-Latin-1 text', async () => {
    const name = 'a\r\nb\u0000ü日本"x.csv';
    const created = await t.api.call('POST', '/files', { name });
    await t.api.call('PUT', `/files/${created.body.data.id}/content`, 'a\n1\n', {
      'content-type': 'text/csv',
    });

    const redirect = await t.api.call('GET', `/files/${created.body.data.id}/content`);
    expect(redirect.status).toBe(303);
    const download = await fetch(String(redirect.headers.get('location')));

    expect(download.status).toBe(200);
    expect(await download.text()).toBe('a\n1\n');
    const disposition = String(download.headers.get('content-disposition'));
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1] ?? '')).toBe(name);
  });
});

describe('upload URLs cannot leave untracked objects behind', () => {
  const put = (url: string, body: string, headers: Record<string, string> = { 'if-none-match': '*' }) =>
    fetch(url, { method: 'PUT', body, headers }).then((response) => response.status);

  it('expire after 15 minutes and say which headers the PUT must send', async () => {
    const created = await t.api.call('POST', '/files', { name: 'sized.csv', size: 4 });
    expect(created.body.data).toMatchObject({ uploadUrlExpiresIn: 900, expectedSize: 4 });
    expect(created.body.data.uploadHeaders).toEqual({ 'if-none-match': '*', 'content-length': '4' });
    expect(new URL(created.body.data.uploadUrl).searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it('refuse a PUT that leaves out the signed If-None-Match', async () => {
    const created = await t.api.call('POST', '/files', { name: 'unsigned.csv' });
    expect(await put(created.body.data.uploadUrl, 'a\n1\n', {})).toBe(403);
    expect((await t.api.call('GET', `/files/${created.body.data.id}`)).body.data.status).toBe('pending');
  });

  it('upload once: a second upload, after the file is available, changes nothing', async () => {
    const created = await t.api.call('POST', '/files', { name: 'once.csv' });
    expect(await put(created.body.data.uploadUrl, 'a\nfirst\n')).toBe(200);
    expect((await t.api.call('GET', `/files/${created.body.data.id}`)).body.data.status).toBe('available');

    expect(await put(created.body.data.uploadUrl, 'a\nsecond, longer\n')).toBe(412);

    const redirect = await t.api.call('GET', `/files/${created.body.data.id}/content`);
    expect(await (await fetch(String(redirect.headers.get('location')))).text()).toBe('a\nfirst\n');
  });

  it('take only the declared size', async () => {
    const created = await t.api.call('POST', '/files', { name: 'declared.csv', size: 10 });
    await put(created.body.data.uploadUrl, 'abc'); // S3 refuses it; the local S3 stores it
    expect((await t.api.call('GET', `/files/${created.body.data.id}`)).body.data.status).toBe('pending');

    expect(await put(created.body.data.uploadUrl, '0123456789')).toBe(200);
    const fetched = await t.api.call('GET', `/files/${created.body.data.id}`);
    expect(fetched.body.data).toMatchObject({ status: 'available', size: 10 });
  });

  it('upload after DELETE /files/:id into nothing a caller can see', async () => {
    const created = await t.api.call('POST', '/files', { name: 'deleted.csv' });
    expect((await t.api.call('DELETE', `/files/${created.body.data.id}`)).status).toBe(200);

    expect(await put(created.body.data.uploadUrl, 'a\nlate\n')).toBe(200);

    expectProblem(await t.api.call('GET', `/files/${created.body.data.id}`), 404);
    expectProblem(await t.api.call('DELETE', `/files/${created.body.data.id}`), 404);
    const listed = await t.api.call('GET', '/files?limit=100');
    expect(listed.body.data.map((file: { id: string }) => file.id)).not.toContain(created.body.data.id);
  });
});

describe('an extract reads the content it planned on', () => {
  it('fails with "the file changed after the job was planned" when the file is replaced before it runs', async () => {
    // Prepare: a job planned on the first content.
    const created = await t.api.call('POST', '/files', { name: 'replaced.csv' });
    const fileId = created.body.data.id;
    await t.api.call('PUT', `/files/${fileId}/content`, 'a,b\n1,2\n', { 'content-type': 'text/csv' });
    const job = await t.api.call('POST', '/jobs', { type: 'file', operation: 'extract', source: fileId });
    await t.api.waitForJob(job.body.data.id, (j) => j.status === 'READY');

    // Act: the content changes, then the job runs.
    await t.api.call('PUT', `/files/${fileId}/content`, 'a,b\n3,4\n5,6\n', { 'content-type': 'text/csv' });
    await t.api.call('POST', `/jobs/${job.body.data.id}/execute`);

    // Assess
    const ended = await t.api.waitForJob(job.body.data.id, (j) => ['COMPLETED', 'FAILED'].includes(j.status));
    expect(ended.status).toBe('FAILED');
    expect(ended.error.message).toMatch(/the file changed after the job was planned/);
  });
});

describe('after the corpus', () => {
  it('still answers /health and still completes an ordinary extract', async () => {
    expect((await t.api.call('GET', '/health')).status).toBe(200);
    const file = await t.api.uploadFile('ordinary.csv', 'name,amount\nAda,1\nGrace,2\n');
    const job = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      trigger: 'immediate',
    });
    const done = await t.api.waitForJob(job.body.data.id, (j) => ['COMPLETED', 'FAILED'].includes(j.status));
    expect(done).toMatchObject({ status: 'COMPLETED', processed: done.parts });
    expect(done.outcome.ledger).toMatchObject({ rowsRead: 2, recordsStored: 2 });
  });
});
