import type { CreateJobBody } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import { bodyOf, type CreateWorkbookBody, problemIn, problemOf, sheetOf } from '../helpers/client.js';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();
const byId = (id: string) => ({ params: { path: { id } } });

describe('HTTP conventions', () => {
  it('says where a created resource lives in the Location of every 201', async () => {
    const { api } = t.client;
    const file = await api.POST('/files', { body: { name: 'people.csv' } });
    expect(file.response.headers.get('location')).toBe(`/files/${bodyOf(file, 201).data.id}`);

    const workbook = await api.POST('/workbooks', {
      body: { name: 'People', sheets: [{ name: 'People', fields: [{ key: 'name', type: 'string' }] }] },
    });
    const workbookId = bodyOf(workbook, 201).data.id;
    expect(workbook.response.headers.get('location')).toBe(`/workbooks/${workbookId}`);

    const job = await api.POST('/jobs', {
      body: { type: 'workbook', operation: 'export', source: workbookId },
    });
    const jobId = bodyOf(job, 201).data.id;
    expect(job.response.headers.get('location')).toBe(`/jobs/${jobId}`);
    const located = await api.GET('/jobs/{id}', byId(jobId));
    expect(bodyOf(located, 200).data.id).toBe(jobId);
  });
});

describe('a known path asked with a method it does not take', () => {
  it('answers 405 with the methods it takes in Allow and in the problem', async () => {
    // Wrong methods: requests the typed client cannot send.
    const response = await t.raw('PUT', '/jobs');
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(problemIn(response, 405)).toMatchObject({
      type: 'urn:partwise:problem:method-not-allowed',
      title: 'Method Not Allowed',
      status: 405,
      detail: expect.stringContaining('GET, POST'),
    });

    const one = await t.raw('PATCH', '/jobs/job_x/execute');
    expect(one.status).toBe(405);
    expect(one.headers.get('allow')).toBe('POST');
  });

  it('answers 404 for a path no route has', async () => {
    const response = await t.raw('GET', '/nowhere');
    expect(problemIn(response, 404).type).toBe('urn:partwise:problem:route-not-found');
  });
});

describe('Idempotency-Key', () => {
  it('answers the first job for the same request again, and 422 for a different request under the same key', async () => {
    // Prepare
    const { api } = t.client;
    const file = await t.client.uploadByUrl('idempotent.csv', 'a,b\n1,2\n');
    const key = { header: { 'Idempotency-Key': `key-${file.id}` } };
    const body: CreateJobBody = {
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { delimiter: ',' },
    };

    // Act
    const first = await api.POST('/jobs', { body, params: key });
    const reordered: CreateJobBody = {
      config: { delimiter: ',' },
      source: file.id,
      operation: 'extract',
      type: 'file',
    };
    const same = await api.POST('/jobs', { body: reordered, params: key });
    const different = await api.POST('/jobs', { body: { ...body, trigger: 'immediate' }, params: key });

    // Assess
    const firstId = bodyOf(first, 201).data.id;
    expect(bodyOf(same, 200).data.id).toBe(firstId);
    expect(problemOf(different, 422)).toMatchObject({
      type: 'urn:partwise:problem:idempotency-key-reused',
      title: 'Unprocessable Content',
      status: 422,
      detail: expect.stringMatching(/new key/),
    });
    const other = await api.POST('/jobs', {
      body: { ...body, trigger: 'immediate' },
      params: { header: { 'Idempotency-Key': `key-${file.id}-2` } },
    });
    expect(bodyOf(other, 201).data.id).not.toBe(firstId);
  });
});

describe('the events feed', () => {
  it('refuses a since that is no position in the feed, pointing at the parameter', async () => {
    const { api } = t.client;
    for (const since of ['garbage', '2026-11-30T00:00:00Z', 'evt_1', '-1', '1.5']) {
      const problem = problemOf(await api.GET('/events', { params: { query: { since } } }), 400);
      expect(problem.type).toBe('urn:partwise:problem:validation-failed');
      expect(problem.errors).toEqual([{ parameter: 'since', detail: expect.any(String) }]);
    }
    expect((await api.GET('/events', { params: { query: { since: '0' } } })).response.status).toBe(200);
  });
});

describe('PATCH /workbooks/:id with If-Match', () => {
  const blueprint: CreateWorkbookBody = {
    name: 'Orders',
    sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
  };
  const rename = (id: string, name: string, ifMatch?: string) =>
    t.client.api.PATCH('/workbooks/{id}', {
      params: { path: { id }, ...(ifMatch ? { header: { 'If-Match': ifMatch } } : {}) },
      body: { name },
    });

  it('returns an ETag on POST, GET and PATCH, and answers 412 to a change of a revision that is gone', async () => {
    // Prepare
    const { api } = t.client;
    const posted = await api.POST('/workbooks', { body: blueprint });
    const id = bodyOf(posted, 201).data.id;
    const read = await api.GET('/workbooks/{id}', byId(id));
    const etag = String(read.response.headers.get('etag'));
    expect(etag).toMatch(/^"r\d+"$/);
    expect(posted.response.headers.get('etag')).toBe(etag);

    // Act
    const first = await rename(id, 'Orders 2', etag);
    const second = await rename(id, 'Orders 3', etag);

    // Assess
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('etag')).not.toBe(etag);
    const refused = problemOf(second, 412);
    expect(refused).toMatchObject({ type: 'urn:partwise:problem:precondition-failed', status: 412 });
    expect(refused.detail).toMatch(/changed since you read it/);
    const now = await api.GET('/workbooks/{id}', byId(id));
    expect(bodyOf(now, 200).data.name).toBe('Orders 2');
    expect(now.response.headers.get('etag')).toBe(first.response.headers.get('etag'));
    const again = await rename(id, 'Orders 4', String(now.response.headers.get('etag')));
    expect(again.response.status).toBe(200);
  });

  it('loses no change when PATCHes without If-Match race', async () => {
    const { api } = t.client;
    const posted = bodyOf(await api.POST('/workbooks', { body: blueprint }), 201).data;
    const sheetId = sheetOf(posted).id;

    const [named, acted] = await Promise.all([
      rename(posted.id, 'Renamed'),
      api.PATCH('/workbooks/{id}', {
        ...byId(posted.id),
        body: { sheets: [{ id: sheetId, actions: [{ operation: 'go', label: 'Go' }] }] },
      }),
    ]);

    expect([named.response.status, acted.response.status]).toEqual([200, 200]);
    const now = bodyOf(await api.GET('/workbooks/{id}', byId(posted.id)), 200).data;
    expect(now.name).toBe('Renamed');
    expect(sheetOf(now).actions).toEqual([{ operation: 'go', label: 'Go' }]);
    expect(now.revision).toBe(3);
  });
});
