import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/client.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Every resource belongs to the environment of the key that made it, and no other
 * environment can see it (DESIGN §6): through every authenticated route, a key of another
 * environment gets 404 — as for a resource that does not exist — and changes nothing.
 * Against a deployment, set PARTWISE_OTHER_API_KEY to a key of a second environment.
 */
const OTHER_KEY = process.env.PARTWISE_OTHER_API_KEY ?? 'pw_tenancy-other-environment-key';
const t = useTarget({
  env: { PARTWISE_LOCAL_API_KEYS: JSON.stringify({ [OTHER_KEY]: 'env_tenancy_other' }) },
});
const canRun = !remoteTarget || Boolean(process.env.PARTWISE_OTHER_API_KEY);

type Api = ReturnType<typeof apiClient>;

/** What the owner made: a file, a workbook with records and an action, and jobs in every state a route acts on. */
interface Owned {
  file: { id: string };
  workbook: { id: string; name: string; sheets: { id: string }[] };
  sheetId: string;
  records: number;
  completed: { id: string };
  ready: { id: string };
  outside: { id: string };
}

async function makeResources(owner: Api): Promise<Owned> {
  const file = await owner.uploadFile('people.csv', 'name,age\nAda,36\nGrace,45\n');
  const extract = await owner.call('POST', '/jobs', {
    type: 'file',
    operation: 'extract',
    source: file.id,
    trigger: 'immediate',
  });
  const completed = await owner.waitForJob(extract.body.data.id, (job) => job.status === 'COMPLETED');
  const workbook = (await owner.call('GET', `/workbooks/${completed.destination}`)).body.data;
  await owner.call('PATCH', `/workbooks/${workbook.id}`, {
    actions: [{ operation: 'submit', label: 'Submit' }],
  });
  const ready = await owner.call('POST', '/jobs', { type: 'file', operation: 'extract', source: file.id });
  await owner.waitForJob(ready.body.data.id, (job) => job.status === 'READY');
  const outside = await owner.call('POST', '/jobs', {
    type: 'workbook',
    operation: 'submit',
    source: workbook.id,
    trigger: 'immediate',
  });
  await owner.waitForJob(outside.body.data.id, (job) => job.status === 'EXECUTING');
  return {
    file,
    workbook,
    sheetId: workbook.sheets[0].id,
    records: 2,
    completed,
    ready: ready.body.data,
    outside: outside.body.data,
  };
}

/** The route, as an intruder calls it, for each authenticated route that names a resource. */
function resourceRoutes(o: Owned): [method: string, path: string, body?: unknown][] {
  return [
    ['GET', `/files/${o.file.id}`],
    ['GET', `/files/${o.file.id}/content`],
    ['PUT', `/files/${o.file.id}/content`, 'name,age\nMallory,1\n'],
    ['DELETE', `/files/${o.file.id}`],
    ['GET', `/workbooks/${o.workbook.id}`],
    ['PATCH', `/workbooks/${o.workbook.id}`, { name: 'taken over' }],
    ['DELETE', `/workbooks/${o.workbook.id}`],
    ['GET', `/sheets/${o.sheetId}`],
    ['GET', `/sheets/${o.sheetId}/records`],
    ['GET', `/jobs/${o.completed.id}`],
    ['GET', `/jobs/${o.completed.id}/parts`],
    ['GET', `/jobs/${o.completed.id}/events`],
    ['DELETE', `/jobs/${o.completed.id}`],
    ['POST', `/jobs/${o.ready.id}/execute`],
    ['POST', `/jobs/${o.ready.id}/cancel`],
    ['DELETE', `/jobs/${o.ready.id}`],
    ['POST', `/jobs/${o.outside.id}/ack`, { progress: 99 }],
    ['POST', `/jobs/${o.outside.id}/complete`, { outcome: { message: 'stolen' } }],
    ['POST', `/jobs/${o.outside.id}/fail`, { info: 'sabotage' }],
    ['POST', `/jobs/${o.outside.id}/cancel`],
  ];
}

/** POST /jobs bodies that name the owner's resources as source or destination. */
function jobsOnOwnedResources(o: Owned): Record<string, unknown>[] {
  return [
    { type: 'file', operation: 'extract', source: o.file.id },
    { type: 'file', operation: 'extract', source: o.file.id, destination: o.workbook.id },
    { type: 'workbook', operation: 'submit', source: o.workbook.id },
    { type: 'sheet', operation: 'export', source: o.sheetId },
    { type: 'sheet', operation: 'delete', source: o.sheetId },
    {
      type: 'workbook',
      operation: 'map',
      source: o.workbook.id,
      destination: o.workbook.id,
      config: {
        mappings: [{ sourceSheet: o.sheetId, destinationSheet: o.sheetId, fields: { name: 'name' } }],
      },
    },
  ];
}

describe.runIf(canRun)('environments never see one another’s resources', () => {
  let owner: Api;
  let intruder: Api;
  let owned: Owned;

  beforeAll(async () => {
    owner = apiClient(t.target, OTHER_KEY);
    intruder = t.api;
    owned = await makeResources(owner);
  }, 120_000);

  it('answers 404 to another environment on every route that names a resource', async () => {
    const answers: string[] = [];
    for (const [method, path, body] of resourceRoutes(owned)) {
      const response = await intruder.call(
        method,
        path,
        body,
        typeof body === 'string' ? { 'content-type': 'text/csv' } : {},
      );
      answers.push(`${method} ${path} → ${response.status} ${response.body?.detail ?? ''}`);
      expect(response.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
    }
    // One line per route, so a failure names the route that leaked.
    expect(answers.filter((line) => !/→ 404 .*was not found in this environment/.test(line))).toEqual([]);
  });

  it('refuses to start a job on another environment’s file, workbook or sheet, as if it did not exist', async () => {
    const ownFile = await intruder.uploadFile('own.csv', 'name\nMallory\n');
    const bodies = [
      ...jobsOnOwnedResources(owned),
      // Its own file, into the owner's workbook.
      { type: 'file', operation: 'extract', source: ownFile.id, destination: owned.workbook.id },
    ];
    const answers: string[] = [];
    for (const body of bodies) {
      const response = await intruder.call('POST', '/jobs', body);
      answers.push(`${body.operation} ${body.source} → ${response.status} ${response.body?.detail ?? ''}`);
    }
    expect(answers.filter((line) => !/→ 404 .*was not found in this environment/.test(line))).toEqual([]);
  });

  it('lists none of another environment’s jobs, files, workbooks or events', async () => {
    const ids = [owned.file.id, owned.workbook.id, owned.completed.id, owned.ready.id, owned.outside.id];
    for (const path of ['/jobs?limit=100', '/files?limit=100', '/workbooks?limit=100', '/events?limit=100']) {
      const page = await intruder.call('GET', path);
      expect(page.status, path).toBe(200);
      const listed = JSON.stringify(page.body.data);
      for (const id of ids) expect(listed, `${path} lists ${id}`).not.toContain(id);
    }
    const filtered = await intruder.call('GET', `/events?jobId=${owned.completed.id}`);
    expect(filtered.body.data).toEqual([]);
    const bySource = await intruder.call('GET', `/jobs?source=${owned.file.id}`);
    expect(bySource.body.data).toEqual([]);
  });

  it('leaves the owner’s resources exactly as they were', async () => {
    const file = await owner.call('GET', `/files/${owned.file.id}`);
    expect(file.body.data).toMatchObject({
      status: 'available',
      size: Buffer.byteLength('name,age\nAda,36\nGrace,45\n'),
    });
    const workbook = await owner.call('GET', `/workbooks/${owned.workbook.id}`);
    expect(workbook.body.data.name).toBe(owned.workbook.name);
    expect(await owner.allRecords(owned.sheetId)).toHaveLength(owned.records);
    expect((await owner.call('GET', `/jobs/${owned.completed.id}`)).body.data.status).toBe('COMPLETED');
    expect((await owner.call('GET', `/jobs/${owned.ready.id}`)).body.data.status).toBe('READY');
    expect((await owner.call('GET', `/jobs/${owned.outside.id}`)).body.data).toMatchObject({
      status: 'EXECUTING',
      progress: 0,
    });
    const theirJobs = await owner.call('GET', `/jobs?source=${owned.file.id}&limit=100`);
    expect(theirJobs.body.data).toHaveLength(2);
  });
});

describe.runIf(canRun)('Idempotency-Key', () => {
  it('belongs to the environment that sent it: the same key elsewhere makes another job', async () => {
    // Prepare
    const other = apiClient(t.target, OTHER_KEY);
    const mine = await t.api.uploadFile('mine.csv', 'a\n1\n');
    const theirs = await other.uploadFile('theirs.csv', 'a\n1\n');
    const key = `shared-key-${mine.id}`;

    // Act
    const first = await t.api.call(
      'POST',
      '/jobs',
      { type: 'file', operation: 'extract', source: mine.id },
      { 'idempotency-key': key },
    );
    const elsewhere = await other.call(
      'POST',
      '/jobs',
      { type: 'file', operation: 'extract', source: theirs.id },
      { 'idempotency-key': key },
    );
    const again = await other.call(
      'POST',
      '/jobs',
      { type: 'file', operation: 'extract', source: theirs.id },
      { 'idempotency-key': key },
    );

    // Assess
    expect([first.status, elsewhere.status, again.status]).toEqual([201, 201, 200]);
    expect(elsewhere.body.data.id).not.toBe(first.body.data.id);
    expect(elsewhere.body.data.source).toBe(theirs.id);
    expect(again.body.data.id).toBe(elsewhere.body.data.id);
    expect((await t.api.call('GET', `/jobs/${elsewhere.body.data.id}`)).status).toBe(404);
    expect((await other.call('GET', `/jobs/${first.body.data.id}`)).status).toBe(404);
  });

  it('makes one job of twenty concurrent requests with the same key', async () => {
    // Prepare
    const file = await t.api.uploadFile('once.csv', 'a,b\n1,2\n');
    const body = { type: 'file', operation: 'extract', source: file.id };

    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.api.call('POST', '/jobs', body, { 'idempotency-key': `burst-${file.id}` }),
      ),
    );

    // Assess
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(responses.map((r) => r.body.data.id)).size).toBe(1);
    const listed = await t.api.call('GET', `/jobs?source=${file.id}&limit=100`);
    expect(listed.body.data.map((job: { id: string }) => job.id)).toEqual([responses[0]?.body.data.id]);
    // And the one job runs once: one job:waiting, one plan.
    const jobId = responses[0]?.body.data.id;
    await t.api.waitForJob(jobId, (job) => job.status === 'READY');
    const events = await waitFor(
      `the events of job ${jobId}`,
      async () => (await t.api.call('GET', `/jobs/${jobId}/events`)).body.data as { topic: string }[],
      (list) => list.length > 0,
    );
    expect(events.map((event) => event.topic)).toEqual(['job:waiting']);
  });
});
