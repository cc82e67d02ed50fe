import type { CreateJobBody, Job, Problem } from 'partwise/client';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bodyOf,
  type CreatedFile,
  destinationOf,
  sheetOf,
  type TestClient,
  testClient,
  type Workbook,
} from '../helpers/client.js';
import { stringAt } from '../helpers/json-members.js';
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
const byId = (id: string) => ({ params: { path: { id } } });

/** What the owner made: a file, a workbook with records and an action, and jobs in every state a route acts on. */
interface Owned {
  file: CreatedFile;
  workbook: Workbook;
  sheetId: string;
  records: number;
  completed: Job;
  ready: Job;
  outside: Job;
}

async function makeResources(owner: TestClient): Promise<Owned> {
  const { api } = owner;
  const file = await owner.uploadByUrl('people.csv', 'name,age\nAda,36\nGrace,45\n');
  const extract = await api.POST('/jobs', {
    body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate' },
  });
  const completed = await owner.pollJob(bodyOf(extract, 201).data.id, (job) => job.status === 'COMPLETED');
  const read = await api.GET('/workbooks/{id}', byId(destinationOf(completed)));
  const workbook = bodyOf(read, 200).data;
  await api.PATCH('/workbooks/{id}', {
    ...byId(workbook.id),
    body: { actions: [{ operation: 'submit', label: 'Submit' }] },
  });
  const created = await api.POST('/jobs', { body: { type: 'file', operation: 'extract', source: file.id } });
  const ready = bodyOf(created, 201).data;
  await owner.pollJob(ready.id, (job) => job.status === 'READY');
  const action = await api.POST('/jobs', {
    body: { type: 'workbook', operation: 'submit', source: workbook.id, trigger: 'immediate' },
  });
  const outside = bodyOf(action, 201).data;
  await owner.pollJob(outside.id, (job) => job.status === 'EXECUTING');
  return {
    file,
    workbook,
    sheetId: sheetOf(workbook).id,
    records: 2,
    completed,
    ready,
    outside,
  };
}

type Answer = { error?: Problem; response: Response };

/** Each authenticated route that names a resource, as an intruder calls it. */
function resourceRoutes(o: Owned, intruder: TestClient): [route: string, send: () => Promise<Answer>][] {
  const { api } = intruder;
  return [
    [`GET /files/${o.file.id}`, () => api.GET('/files/{id}', byId(o.file.id))],
    [`GET /files/${o.file.id}/content`, () => api.GET('/files/{id}/content', byId(o.file.id))],
    [
      `PUT /files/${o.file.id}/content`,
      () => intruder.putContent(o.file.id, 'name,age\nMallory,1\n', 'text/csv'),
    ],
    [`DELETE /files/${o.file.id}`, () => api.DELETE('/files/{id}', byId(o.file.id))],
    [`GET /workbooks/${o.workbook.id}`, () => api.GET('/workbooks/{id}', byId(o.workbook.id))],
    [
      `PATCH /workbooks/${o.workbook.id}`,
      () => api.PATCH('/workbooks/{id}', { ...byId(o.workbook.id), body: { name: 'taken over' } }),
    ],
    [`DELETE /workbooks/${o.workbook.id}`, () => api.DELETE('/workbooks/{id}', byId(o.workbook.id))],
    [`GET /sheets/${o.sheetId}`, () => api.GET('/sheets/{id}', byId(o.sheetId))],
    [`GET /sheets/${o.sheetId}/records`, () => api.GET('/sheets/{id}/records', byId(o.sheetId))],
    [`GET /jobs/${o.completed.id}`, () => api.GET('/jobs/{id}', byId(o.completed.id))],
    [`GET /jobs/${o.completed.id}/parts`, () => api.GET('/jobs/{id}/parts', byId(o.completed.id))],
    [`GET /jobs/${o.completed.id}/events`, () => api.GET('/jobs/{id}/events', byId(o.completed.id))],
    [`DELETE /jobs/${o.completed.id}`, () => api.DELETE('/jobs/{id}', byId(o.completed.id))],
    [`POST /jobs/${o.ready.id}/execute`, () => api.POST('/jobs/{id}/execute', byId(o.ready.id))],
    [`POST /jobs/${o.ready.id}/cancel`, () => api.POST('/jobs/{id}/cancel', byId(o.ready.id))],
    [`DELETE /jobs/${o.ready.id}`, () => api.DELETE('/jobs/{id}', byId(o.ready.id))],
    [
      `POST /jobs/${o.outside.id}/ack`,
      () => api.POST('/jobs/{id}/ack', { ...byId(o.outside.id), body: { progress: 99 } }),
    ],
    [
      `POST /jobs/${o.outside.id}/complete`,
      () =>
        api.POST('/jobs/{id}/complete', { ...byId(o.outside.id), body: { outcome: { message: 'stolen' } } }),
    ],
    [
      `POST /jobs/${o.outside.id}/fail`,
      () => api.POST('/jobs/{id}/fail', { ...byId(o.outside.id), body: { info: 'sabotage' } }),
    ],
    [`POST /jobs/${o.outside.id}/cancel`, () => api.POST('/jobs/{id}/cancel', byId(o.outside.id))],
  ];
}

/** POST /jobs bodies that name the owner's resources as source or destination. */
function jobsOnOwnedResources(o: Owned): CreateJobBody[] {
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
  let owner: TestClient;
  let intruder: TestClient;
  let owned: Owned;

  beforeAll(async () => {
    owner = testClient(t.target, OTHER_KEY);
    intruder = t.client;
    owned = await makeResources(owner);
  }, 120_000);

  it('answers 404 to another environment on every route that names a resource', async () => {
    const answers: string[] = [];
    for (const [route, send] of resourceRoutes(owned, intruder)) {
      const { error, response } = await send();
      answers.push(`${route} → ${response.status} ${error?.detail ?? ''}`);
      expect(response.headers.get('content-type'), route).toContain('application/problem+json');
    }
    // One line per route, so a failure names the route that leaked.
    expect(answers.filter((line) => !/→ 404 .*was not found in this environment/.test(line))).toEqual([]);
  });

  it('refuses to start a job on another environment’s file, workbook or sheet, as if it did not exist', async () => {
    const ownFile = await intruder.uploadByUrl('own.csv', 'name\nMallory\n');
    const bodies: CreateJobBody[] = [
      ...jobsOnOwnedResources(owned),
      // Its own file, into the owner's workbook.
      { type: 'file', operation: 'extract', source: ownFile.id, destination: owned.workbook.id },
    ];
    const answers: string[] = [];
    for (const body of bodies) {
      const { error, response } = await intruder.api.POST('/jobs', { body });
      answers.push(`${body.operation} ${body.source} → ${response.status} ${error?.detail ?? ''}`);
    }
    expect(answers.filter((line) => !/→ 404 .*was not found in this environment/.test(line))).toEqual([]);
  });

  it('lists none of another environment’s jobs, files, workbooks or events', async () => {
    const { api } = intruder;
    const ids = [owned.file.id, owned.workbook.id, owned.completed.id, owned.ready.id, owned.outside.id];
    const limit = { params: { query: { limit: 100 } } };
    const lists: [path: string, page: { data?: { data: unknown[] }; response: Response }][] = [
      ['/jobs', await api.GET('/jobs', limit)],
      ['/files', await api.GET('/files', limit)],
      ['/workbooks', await api.GET('/workbooks', limit)],
      ['/events', await api.GET('/events', limit)],
    ];
    for (const [path, page] of lists) {
      const listed = JSON.stringify(bodyOf(page, 200).data);
      for (const id of ids) expect(listed, `${path} lists ${id}`).not.toContain(id);
    }
    const filtered = await api.GET('/events', { params: { query: { jobId: owned.completed.id } } });
    expect(bodyOf(filtered, 200).data).toEqual([]);
    const bySource = await api.GET('/jobs', { params: { query: { source: owned.file.id } } });
    expect(bodyOf(bySource, 200).data).toEqual([]);
  });

  it('leaves the owner’s resources exactly as they were', async () => {
    const { api } = owner;
    const file = bodyOf(await api.GET('/files/{id}', byId(owned.file.id)), 200).data;
    expect(file).toMatchObject({
      status: 'available',
      size: Buffer.byteLength('name,age\nAda,36\nGrace,45\n'),
    });
    const workbook = bodyOf(await api.GET('/workbooks/{id}', byId(owned.workbook.id)), 200).data;
    expect(workbook.name).toBe(owned.workbook.name);
    expect(await owner.allRecords(owned.sheetId)).toHaveLength(owned.records);
    expect((await owner.getJob(owned.completed.id)).status).toBe('COMPLETED');
    expect((await owner.getJob(owned.ready.id)).status).toBe('READY');
    expect(await owner.getJob(owned.outside.id)).toMatchObject({ status: 'EXECUTING', progress: 0 });
    const theirJobs = await api.GET('/jobs', { params: { query: { source: owned.file.id, limit: 100 } } });
    expect(bodyOf(theirJobs, 200).data).toHaveLength(2);
  });
});

describe.runIf(canRun)('Idempotency-Key', () => {
  it('belongs to the environment that sent it: the same key elsewhere makes another job', async () => {
    // Prepare
    const other = testClient(t.target, OTHER_KEY);
    const mine = await t.client.uploadByUrl('mine.csv', 'a\n1\n');
    const theirs = await other.uploadByUrl('theirs.csv', 'a\n1\n');
    const key = { header: { 'Idempotency-Key': `shared-key-${mine.id}` } };

    // Act
    const first = await t.client.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: mine.id },
      params: key,
    });
    const elsewhere = await other.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: theirs.id },
      params: key,
    });
    const again = await other.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: theirs.id },
      params: key,
    });

    // Assess
    expect([first.response.status, elsewhere.response.status, again.response.status]).toEqual([
      201, 201, 200,
    ]);
    const firstJob = bodyOf(first, 201).data;
    const elsewhereJob = bodyOf(elsewhere, 201).data;
    expect(elsewhereJob.id).not.toBe(firstJob.id);
    expect(elsewhereJob.source).toBe(theirs.id);
    expect(bodyOf(again, 200).data.id).toBe(elsewhereJob.id);
    expect((await t.client.api.GET('/jobs/{id}', byId(elsewhereJob.id))).response.status).toBe(404);
    expect((await other.api.GET('/jobs/{id}', byId(firstJob.id))).response.status).toBe(404);
  });

  it('makes one job of twenty concurrent requests with the same key', async () => {
    // Prepare
    const file = await t.client.uploadByUrl('once.csv', 'a,b\n1,2\n');
    const body: CreateJobBody = { type: 'file', operation: 'extract', source: file.id };
    const key = { header: { 'Idempotency-Key': `burst-${file.id}` } };

    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.client.api.POST('/jobs', { body, params: key })),
    );

    // Assess
    expect(responses.filter((r) => r.response.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.response.status === 200)).toHaveLength(19);
    const ids = responses.map((r) => r.data?.data.id);
    expect(new Set(ids).size).toBe(1);
    const jobId = stringAt(ids, 0);
    const listed = await t.client.api.GET('/jobs', { params: { query: { source: file.id, limit: 100 } } });
    expect(bodyOf(listed, 200).data.map((job) => job.id)).toEqual([jobId]);
    // And the one job runs once: one job:waiting, one plan.
    await t.client.pollJob(jobId, (job) => job.status === 'READY');
    const events = await waitFor(
      `the events of job ${jobId}`,
      async () => bodyOf(await t.client.api.GET('/jobs/{id}/events', byId(jobId)), 200).data,
      (list) => list.length > 0,
    );
    expect(events.map((event) => event.topic)).toEqual(['job:waiting']);
  });
});
