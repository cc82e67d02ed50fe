import { describe, expect, it } from 'vitest';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();

describe('HTTP conventions', () => {
  it('says where a created resource lives in the Location of every 201', async () => {
    const file = await t.api.call('POST', '/files', { name: 'people.csv' });
    expect(file.status).toBe(201);
    expect(file.headers.get('location')).toBe(`/files/${file.body.data.id}`);

    const workbook = await t.api.call('POST', '/workbooks', {
      name: 'People',
      sheets: [{ name: 'People', fields: [{ key: 'name', type: 'string' }] }],
    });
    expect(workbook.status).toBe(201);
    expect(workbook.headers.get('location')).toBe(`/workbooks/${workbook.body.data.id}`);

    const job = await t.api.call('POST', '/jobs', {
      type: 'workbook',
      operation: 'export',
      source: workbook.body.data.id,
    });
    expect(job.status).toBe(201);
    expect(job.headers.get('location')).toBe(`/jobs/${job.body.data.id}`);
    const located = await t.api.call('GET', String(job.headers.get('location')));
    expect(located.body.data.id).toBe(job.body.data.id);
  });
});

describe('a known path asked with a method it does not take', () => {
  it('answers 405 with the methods it takes in Allow and in the problem', async () => {
    const response = await t.api.call('PUT', '/jobs');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      type: 'urn:partwise:problem:method-not-allowed',
      title: 'Method Not Allowed',
      status: 405,
      detail: expect.stringContaining('GET, POST'),
    });

    const one = await t.api.call('PATCH', '/jobs/job_x/execute');
    expect(one.status).toBe(405);
    expect(one.headers.get('allow')).toBe('POST');
  });

  it('answers 404 for a path no route has', async () => {
    const response = await t.api.call('GET', '/nowhere');
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('urn:partwise:problem:route-not-found');
  });
});

describe('Idempotency-Key', () => {
  it('answers the first job for the same request again, and 422 for a different request under the same key', async () => {
    // Prepare
    const file = await t.api.uploadFile('idempotent.csv', 'a,b\n1,2\n');
    const key = `key-${file.id}`;
    const body = { type: 'file', operation: 'extract', source: file.id, config: { delimiter: ',' } };

    // Act
    const first = await t.api.call('POST', '/jobs', body, { 'idempotency-key': key });
    const reordered = { config: { delimiter: ',' }, source: file.id, operation: 'extract', type: 'file' };
    const same = await t.api.call('POST', '/jobs', reordered, { 'idempotency-key': key });
    const different = await t.api.call(
      'POST',
      '/jobs',
      { ...body, trigger: 'immediate' },
      { 'idempotency-key': key },
    );

    // Assess
    expect(first.status).toBe(201);
    expect(same.status).toBe(200);
    expect(same.body.data.id).toBe(first.body.data.id);
    expect(different.status).toBe(422);
    expect(different.headers.get('content-type')).toContain('application/problem+json');
    expect(different.body).toMatchObject({
      type: 'urn:partwise:problem:idempotency-key-reused',
      title: 'Unprocessable Content',
      status: 422,
      detail: expect.stringMatching(/new key/),
    });
    const other = await t.api.call(
      'POST',
      '/jobs',
      { ...body, trigger: 'immediate' },
      { 'idempotency-key': `${key}-2` },
    );
    expect(other.status).toBe(201);
    expect(other.body.data.id).not.toBe(first.body.data.id);
  });
});

describe('the events feed', () => {
  it('refuses a since that is no position in the feed, pointing at the parameter', async () => {
    for (const since of ['garbage', '2026-11-30T00:00:00Z', 'evt_1', '-1', '1.5']) {
      const response = await t.api.call('GET', `/events?since=${encodeURIComponent(since)}`);
      expect(response.status).toBe(400);
      expect(response.body.type).toBe('urn:partwise:problem:validation-failed');
      expect(response.body.errors).toEqual([{ parameter: 'since', detail: expect.any(String) }]);
    }
    expect((await t.api.call('GET', '/events?since=0')).status).toBe(200);
  });
});

describe('PATCH /workbooks/:id with If-Match', () => {
  const blueprint = {
    name: 'Orders',
    sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
  };

  it('returns an ETag on POST, GET and PATCH, and answers 412 to a change of a revision that is gone', async () => {
    // Prepare
    const posted = await t.api.call('POST', '/workbooks', blueprint);
    const id = posted.body.data.id;
    const read = await t.api.call('GET', `/workbooks/${id}`);
    const etag = String(read.headers.get('etag'));
    expect(etag).toMatch(/^"r\d+"$/);
    expect(posted.headers.get('etag')).toBe(etag);

    // Act
    const first = await t.api.call('PATCH', `/workbooks/${id}`, { name: 'Orders 2' }, { 'if-match': etag });
    const second = await t.api.call('PATCH', `/workbooks/${id}`, { name: 'Orders 3' }, { 'if-match': etag });

    // Assess
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).not.toBe(etag);
    expect(second.status).toBe(412);
    expect(second.body).toMatchObject({ type: 'urn:partwise:problem:precondition-failed', status: 412 });
    expect(second.body.detail).toMatch(/changed since you read it/);
    const now = await t.api.call('GET', `/workbooks/${id}`);
    expect(now.body.data.name).toBe('Orders 2');
    expect(now.headers.get('etag')).toBe(first.headers.get('etag'));
    const again = await t.api.call(
      'PATCH',
      `/workbooks/${id}`,
      { name: 'Orders 4' },
      { 'if-match': String(now.headers.get('etag')) },
    );
    expect(again.status).toBe(200);
  });

  it('loses no change when PATCHes without If-Match race', async () => {
    const posted = await t.api.call('POST', '/workbooks', blueprint);
    const id = posted.body.data.id;
    const sheetId = posted.body.data.sheets[0].id;

    const [named, acted] = await Promise.all([
      t.api.call('PATCH', `/workbooks/${id}`, { name: 'Renamed' }),
      t.api.call('PATCH', `/workbooks/${id}`, {
        sheets: [{ id: sheetId, actions: [{ operation: 'go', label: 'Go' }] }],
      }),
    ]);

    expect([named.status, acted.status]).toEqual([200, 200]);
    const now = (await t.api.call('GET', `/workbooks/${id}`)).body.data;
    expect(now.name).toBe('Renamed');
    expect(now.sheets[0].actions).toEqual([{ operation: 'go', label: 'Go' }]);
    expect(now.revision).toBe(3);
  });
});
