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
