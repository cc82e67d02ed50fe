import { describe, expect, it } from 'vitest';
import { bodyOf, type RawResponse, rawOf, sheetOf } from '../helpers/client.js';
import { useTarget } from '../helpers/stack.js';
import { HOSTILE_BODIES } from './hostile.bodies.js';
import type { Fixtures } from './hostile.cases.js';
import { HOSTILE_REQUESTS } from './hostile.requests.js';

const HOSTILE_CASES = [...HOSTILE_REQUESTS, ...HOSTILE_BODIES];

const t = useTarget();
const byId = (id: string) => ({ params: { path: { id } } });

/** What a problem must never show a client: where the code is, where the data is, what runs it. */
const INTERNALS = [
  /\bat .*\.(ts|js):\d+/, // a stack frame
  /\b(uploads|plans|exports|tmp)\/\w/, // an S3 key
  /"key":/, // a file's S3 key
  /\b[A-Z]\w+Exception\b|NoSuchKey|PreconditionFailed|SignatureDoesNotMatch/, // AWS error names
  /DynamoDB|dynalite|s3rver|TableName|ExclusiveStartKey|LastEvaluatedKey|arn:aws:/i,
];

function expectProblem(response: RawResponse, status: number, gateway = false): void {
  expect(response.status).toBe(status);
  // API Gateway answers its own refusals (authorizer, payload limit) in its own JSON.
  if (gateway && !t.local) return;
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.stringMatching(/\S/),
    correlationId: response.headers.get('x-correlation-id'),
  });
  const text = JSON.stringify(response.body);
  for (const internal of INTERNALS) expect(text).not.toMatch(internal);
}

async function fixtures(): Promise<Fixtures> {
  const { api } = t.client;
  const created = await api.POST('/workbooks', {
    body: {
      name: 'Hostile',
      sheets: [{ name: 'Rows', fields: [{ key: 'a', type: 'string' }] }],
      actions: [{ operation: 'submit', label: 'Submit' }],
    },
  });
  const workbook = bodyOf(created, 201).data;
  const file = await t.client.uploadByUrl('hostile.csv', 'a,b\n1,2\n');
  await api.POST('/files', { body: { name: 'second.csv' } });
  const files = bodyOf(await api.GET('/files', { params: { query: { limit: 1 } } }), 200);
  const submitted = await api.POST('/jobs', {
    body: { type: 'workbook', operation: 'submit', source: workbook.id, trigger: 'immediate' },
  });
  const job = bodyOf(submitted, 201).data;
  await t.client.pollJob(job.id, (j) => j.status === 'EXECUTING');
  return {
    raw: t.raw,
    workbookId: workbook.id,
    sheetId: sheetOf(workbook).id,
    fileId: file.id,
    executingJobId: job.id,
    filesCursor: String(files.next),
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
    const { api } = t.client;
    const x = (bytes: number) => 'x'.repeat(bytes);
    const workbook = await api.POST('/workbooks', {
      body: {
        name: 'At the bounds',
        sheets: [{ name: 'S', fields: [{ key: 'a', type: 'string' }] }],
        actions: [
          { operation: 'submit', label: 'Submit', inputForm: { fields: [{ key: 's', type: 'string' }] } },
        ],
      },
    });
    const created = await api.POST('/jobs', {
      body: {
        type: 'workbook',
        operation: 'submit',
        source: bodyOf(workbook, 201).data.id,
        trigger: 'immediate',
        input: { s: x(64 * 1024 - 8) }, // {"s":"…"}: exactly 64 KiB of JSON
        config: { t: x(64 * 1024 - 8) },
      },
    });
    const id = bodyOf(created, 201).data.id;
    await t.client.pollJob(id, (j) => j.status === 'EXECUTING');

    const ack = await api.POST('/jobs/{id}/ack', { ...byId(id), body: { progress: 50, info: x(10_000) } });
    expect(ack.response.status).toBe(200);
    const completed = await api.POST('/jobs/{id}/complete', {
      ...byId(id),
      body: { outcome: { message: 'done', rows: x(64 * 1024 - 28) }, info: x(10_000) },
    });

    expect(bodyOf(completed, 200).data.status).toBe('COMPLETED');
  });
});

describe('correlation ids', () => {
  it('names every request in a header, and a problem by the same id', async () => {
    const found = await t.client.api.GET('/jobs', { params: { query: { limit: 1 } } });
    expect(found.response.headers.get('x-correlation-id')).toMatch(/\S/);
    const missing = rawOf(await t.client.api.GET('/jobs/{id}', byId('job_01jdoesnotexist00000000000')));
    expectProblem(missing, 404);
    if (t.local)
      expect(missing.body).toMatchObject({ correlationId: missing.headers.get('apigw-requestid') });
  });
});

describe('files never show their S3 key, and download under any name', () => {
  it('leaves the key out of every file it returns', async () => {
    const { api } = t.client;
    const created = bodyOf(await api.POST('/files', { body: { name: 'keyless.csv' } }), 201).data;
    const uploaded = bodyOf(await t.client.putContent(created.id, 'a\n1\n', 'text/csv'), 200).data;
    const fetched = bodyOf(await api.GET('/files/{id}', byId(created.id)), 200).data;
    const listed = bodyOf(await api.GET('/files', { params: { query: { limit: 100 } } }), 200).data;
    for (const file of [created, uploaded, fetched, ...listed]) expect(file).not.toHaveProperty('key');
  });

  it('downloads a file whose name holds CR, LF, NUL, a quote and non-Latin-1 text', async () => {
    const name = 'a\r\nb\u0000ü日本"x.csv';
    const created = bodyOf(await t.client.api.POST('/files', { body: { name } }), 201).data;
    await t.client.putContent(created.id, 'a\n1\n', 'text/csv');

    const redirect = await t.client.api.GET('/files/{id}/content', byId(created.id));
    expect(redirect.response.status).toBe(303);
    const download = await fetch(String(redirect.response.headers.get('location')));

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
  const createFile = async (body: { name: string; size?: number }) =>
    bodyOf(await t.client.api.POST('/files', { body }), 201).data;
  const getFile = (id: string) => t.client.api.GET('/files/{id}', byId(id));

  it('expire after 15 minutes and say which headers the PUT must send', async () => {
    const created = await createFile({ name: 'sized.csv', size: 4 });
    expect(created).toMatchObject({ uploadUrlExpiresIn: 900, expectedSize: 4 });
    expect(created.uploadHeaders).toEqual({ 'if-none-match': '*', 'content-length': '4' });
    expect(new URL(created.uploadUrl).searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it('refuse a PUT that leaves out the signed If-None-Match', async () => {
    const created = await createFile({ name: 'unsigned.csv' });
    expect(await put(created.uploadUrl, 'a\n1\n', {})).toBe(403);
    expect(bodyOf(await getFile(created.id), 200).data.status).toBe('pending');
  });

  it('upload once: a second upload, after the file is available, changes nothing', async () => {
    const created = await createFile({ name: 'once.csv' });
    expect(await put(created.uploadUrl, 'a\nfirst\n')).toBe(200);
    expect(bodyOf(await getFile(created.id), 200).data.status).toBe('available');

    expect(await put(created.uploadUrl, 'a\nsecond, longer\n')).toBe(412);

    const redirect = await t.client.api.GET('/files/{id}/content', byId(created.id));
    expect(await (await fetch(String(redirect.response.headers.get('location')))).text()).toBe('a\nfirst\n');
  });

  it('take only the declared size', async () => {
    const created = await createFile({ name: 'declared.csv', size: 10 });
    // The body's Content-Length is not the signed one: S3, and the local S3, refuse it.
    expect(await put(created.uploadUrl, 'abc')).toBe(403);
    expect(bodyOf(await getFile(created.id), 200).data.status).toBe('pending');

    expect(await put(created.uploadUrl, '0123456789')).toBe(200);
    expect(bodyOf(await getFile(created.id), 200).data).toMatchObject({ status: 'available', size: 10 });
  });

  it('upload after DELETE /files/:id into nothing a caller can see', async () => {
    const { api } = t.client;
    const created = await createFile({ name: 'deleted.csv' });
    expect((await api.DELETE('/files/{id}', byId(created.id))).response.status).toBe(200);

    expect(await put(created.uploadUrl, 'a\nlate\n')).toBe(200);

    expectProblem(rawOf(await getFile(created.id)), 404);
    expectProblem(rawOf(await api.DELETE('/files/{id}', byId(created.id))), 404);
    const listed = bodyOf(await api.GET('/files', { params: { query: { limit: 100 } } }), 200).data;
    expect(listed.map((file) => file.id)).not.toContain(created.id);
  });
});

describe('an extract reads the content it planned on', () => {
  it('fails with "the file changed after the job was planned" when the file is replaced before it runs', async () => {
    // Prepare: a job planned on the first content.
    const { api } = t.client;
    const fileId = bodyOf(await api.POST('/files', { body: { name: 'replaced.csv' } }), 201).data.id;
    await t.client.putContent(fileId, 'a,b\n1,2\n', 'text/csv');
    const created = await api.POST('/jobs', { body: { type: 'file', operation: 'extract', source: fileId } });
    const job = bodyOf(created, 201).data;
    await t.client.pollJob(job.id, (j) => j.status === 'READY');

    // Act: the content changes, then the job runs.
    await t.client.putContent(fileId, 'a,b\n3,4\n5,6\n', 'text/csv');
    await api.POST('/jobs/{id}/execute', byId(job.id));

    // Assess
    const ended = await t.client.pollJob(job.id, (j) => ['COMPLETED', 'FAILED'].includes(j.status));
    expect(ended.status).toBe('FAILED');
    expect(ended.error?.message).toMatch(/the file changed after the job was planned/);
  });
});

describe('after the corpus', () => {
  it('still answers /health and still completes an ordinary extract', async () => {
    const { api } = t.client;
    expect((await api.GET('/health')).response.status).toBe(200);
    const file = await t.client.uploadByUrl('ordinary.csv', 'name,amount\nAda,1\nGrace,2\n');
    const created = await api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate' },
    });
    const done = await t.client.pollJob(bodyOf(created, 201).data.id, (j) =>
      ['COMPLETED', 'FAILED'].includes(j.status),
    );
    expect(done).toMatchObject({ status: 'COMPLETED', processed: done.parts });
    expect(done.outcome?.ledger).toMatchObject({ rowsRead: 2, recordsStored: 2 });
  });
});
