/**
 * A manual job's plan, reviewed and changed over HTTP before it runs (docs/plan.md):
 * GET /jobs/:id/plan, PATCH /jobs/:id/plan, the READY → PLANNING → READY round trip, and
 * the 400s and 409s a caller meets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bodyOf, problemOf, type TestClient, testClient } from '../helpers/client.js';
import { type LocalStack, removeDataDir, startLocalStack, useTarget } from '../helpers/stack.js';
import { byId, expectProblem, peopleCsv, peopleSheet } from './plan-review.steps.js';

const t = useTarget();
/** A manual extract of `csv` into the sheet, once READY. */
async function readyExtract(
  client: TestClient,
  sheetId: string,
  csv: string,
  config: Record<string, unknown> = {},
) {
  const file = await client.uploadByUrl('people.csv', csv);
  const created = await client.api.POST('/jobs', {
    body: {
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: sheetId,
      config: { partSizeBytes: 1024, ...config },
    },
  });
  const job = bodyOf(created, 201).data;
  expect(job.trigger).toBe('manual');
  return client.pollJob(job.id, (j) => j.status === 'READY' || j.status === 'FAILED');
}

/** The plan of a READY extract, as GET /jobs/:id/plan shows it. */
async function extractPlan(jobId: string) {
  const plan = bodyOf(await t.client.api.GET('/jobs/{id}/plan', byId(jobId)), 200).data;
  if (plan.operation !== 'extract') throw new Error(`job ${jobId} has a ${plan.operation} plan`);
  const table = plan.tables[0];
  if (!table) throw new Error(`job ${jobId}'s plan has no table`);
  return { plan, table };
}

describe('reviewing and changing an extract’s plan before execute', () => {
  it('shows the plan, takes a mapping, plans again, and executes with that mapping', async () => {
    // Prepare
    const { api } = t.client;
    const sheetId = await peopleSheet(t.client);
    const job = await readyExtract(t.client, sheetId, peopleCsv(30));
    expect(job.status).toBe('READY');

    // Act: review
    const { plan, table } = await extractPlan(job.id);

    // Assess
    expect(plan).toMatchObject({
      jobId: job.id,
      operation: 'extract',
      status: 'READY',
      format: 'csv',
      encoding: { name: 'utf-8', decidedBy: expect.stringMatching(/^detected/) },
      delimiter: ',',
      headerRow: 1,
      destination: sheetId,
    });
    expect(plan.tables).toHaveLength(1);
    expect(table.sheetId).toBe(sheetId);
    expect(table.header).toEqual(['Full name', 'Mail', 'Age', 'Joined', 'Notes']);
    expect(table.columns).toEqual([
      { index: 0, name: 'Full name', field: 'name', matchedBy: 'name' },
      { index: 1, name: 'Mail', field: null, matchedBy: null },
      { index: 2, name: 'Age', field: 'age', matchedBy: 'name' },
      { index: 3, name: 'Joined', field: 'joined', matchedBy: 'name' },
      { index: 4, name: 'Notes', field: null, matchedBy: null },
    ]);
    expect(table.unmatchedColumns).toEqual(['Mail', 'Notes']);
    expect(table.missingFields).toEqual(['email']);
    expect(table.missingRequiredFields).toEqual(['email']);
    expect(table.sample.rows).toHaveLength(20);
    expect(table.sample.more).toBe(true);
    expect(table.sample.rows[0]).toEqual({
      row: 1,
      values: { name: 'Person 1', email: null, age: 21, joined: '2026-01-02' },
      valid: false,
      messages: { email: 'is required' },
    });
    expect(table.sample.rows[2]?.messages).toEqual({ email: 'is required', age: '"old" is not a number' });
    expect(table.sample.rows[4]?.messages?.joined).toMatch(/"11\/28\/2026" is ambiguous/);
    expect(plan.parts.count).toBe(job.parts);
    expect(job.parts).toBeGreaterThan(1);
    expect(plan.parts.byteRanges).toHaveLength(job.parts);
    expect(plan.parts.byteRanges?.at(-1)?.endExclusive).toBe(plan.file.size);

    // Act + Assess: mappings that do not fit are refused, saying where
    const change = (body: Record<string, unknown>) => api.PATCH('/jobs/{id}/plan', { ...byId(job.id), body });
    const unknownColumn = await change({ mapping: { Phone: 'email' } });
    expectProblem(unknownColumn, 400, /no column "Phone" in the header/);
    expect(problemOf(unknownColumn, 400).errors).toEqual([
      { pointer: '/mapping/Phone', detail: expect.stringMatching(/^no column "Phone"/) },
    ]);
    const unknownField = await change({ mapping: { Mail: 'e_mail' } });
    expectProblem(unknownField, 400, /no field "e_mail" in sheet People/);
    expect(problemOf(unknownField, 400).errors?.[0]?.pointer).toBe('/mapping/Mail');
    // A column whose name holds `.` or `/` is one key of the pointer (RFC 6901: `/` is `~1`).
    const dotted = await change({ mapping: { 'e.mail': 'email', 'in/out': 'email' } });
    expect(
      problemOf(dotted, 400)
        .errors?.map((e) => e.pointer)
        .sort(),
    ).toEqual(['/mapping/e.mail', '/mapping/in~1out']);
    const twice = await change({ mapping: { Mail: 'email', Notes: 'email' } });
    expectProblem(twice, 400, /field "email" is mapped from both "Mail" and "Notes"/);
    const unknownMember = await change({ fields: {} });
    expectProblem(unknownMember, 400, /fields is not something an extract plan changes/);
    expect((await t.client.getJob(job.id)).status).toBe('READY');

    // Act: map Mail to email (it matched nothing by name) and leave Notes out
    const patched = await change({ mapping: { Mail: 'email', Notes: null } });

    // Assess
    expect(patched.response.headers.get('location')).toBe(`/jobs/${job.id}/plan`);
    expect(bodyOf(patched, 202).data).toMatchObject({
      status: 'PLANNING',
      config: { mapping: { Mail: 'email', Notes: null } },
    });
    const replanned = await t.client.pollJob(job.id, (j) => j.status === 'READY');
    expect(replanned.parts).toBe(job.parts);
    const again = await extractPlan(job.id);
    expect(again.plan.mapping).toEqual({ Mail: 'email', Notes: null });
    expect(again.table.columns[1]).toEqual({ index: 1, name: 'Mail', field: 'email', matchedBy: 'mapping' });
    expect(again.table.columns[4]).toEqual({ index: 4, name: 'Notes', field: null, matchedBy: 'mapping' });
    expect(again.table.unmatchedColumns).toEqual([]);
    expect(again.table.missingFields).toEqual([]);
    expect(again.table.sample.rows[0]).toEqual({
      row: 1,
      values: { name: 'Person 1', email: 'p1@example.com', age: 21, joined: '2026-01-02' },
      valid: true,
    });
    expect(again.table.sample.rows[2]?.messages).toEqual({ age: '"old" is not a number' });

    // Act: execute the new plan
    const executed = await api.POST('/jobs/{id}/execute', byId(job.id));
    expect(executed.response.status).toBe(202);
    const done = await t.client.pollJob(job.id, (j) => ['COMPLETED', 'FAILED'].includes(j.status));

    // Assess: the records honour the patched mapping
    expect(done.status, JSON.stringify(done.error)).toBe('COMPLETED');
    expect(done.outcome).toMatchObject({ records: 30 });
    const records = await t.client.allRecords(sheetId);
    expect(records).toHaveLength(30);
    expect(records[0]?.values).toEqual({
      name: 'Person 1',
      email: 'p1@example.com',
      age: 21,
      joined: '2026-01-02',
    });
    expect(records.every((r) => /^p\d+@example\.com$/.test(String(r.values.email)))).toBe(true);
    expect(records.filter((r) => !r.valid)).toHaveLength(2);

    // A plan carried out is no longer reviewed nor changed
    expectProblem(
      await api.GET('/jobs/{id}/plan', byId(job.id)),
      409,
      /is COMPLETED: its plan was carried out/,
    );
    expectProblem(await change({ mapping: {} }), 409, /is COMPLETED: its plan was carried out/);
  });

  it('plans again with a new delimiter, and refuses a mapping sent with it', async () => {
    // Prepare: a `;` file read with `,`: the header is one cell
    const { api } = t.client;
    const sheetId = await peopleSheet(t.client);
    const job = await readyExtract(t.client, sheetId, peopleCsv(5, ';'), { delimiter: ',' });
    const before = await extractPlan(job.id);
    expect(before.plan.delimiter).toBe(',');
    expect(before.table.header).toEqual(['Full name;Mail;Age;Joined;Notes']);
    expect(before.table.missingFields).toEqual(['name', 'email', 'age', 'joined']);

    // Act + Assess
    const change = (body: Record<string, unknown>) => api.PATCH('/jobs/{id}/plan', { ...byId(job.id), body });
    expectProblem(
      await change({ delimiter: ';', mapping: { Mail: 'email' } }),
      400,
      /A new delimiter or header row makes a new header/,
    );
    const patched = await change({ delimiter: ';' });
    expect(bodyOf(patched, 202).data).toMatchObject({ status: 'PLANNING', config: { delimiter: ';' } });
    await t.client.pollJob(job.id, (j) => j.status === 'READY');
    const after = await extractPlan(job.id);
    expect(after.plan.delimiter).toBe(';');
    expect(after.table.header).toEqual(['Full name', 'Mail', 'Age', 'Joined', 'Notes']);
    expect(after.table.missingFields).toEqual(['email']);
    expect(after.table.sample.rows).toHaveLength(5);
    expect(after.table.sample.rows[1]?.values).toEqual({
      name: 'Person 2',
      email: null,
      age: 22,
      joined: '2026-01-03',
    });
  });

  it('refuses a mapping at creation that takes one field twice', async () => {
    const sheetId = await peopleSheet(t.client);
    const file = await t.client.uploadByUrl('people.csv', peopleCsv(2));
    const created = await t.client.api.POST('/jobs', {
      body: {
        type: 'file',
        operation: 'extract',
        source: file.id,
        destination: sheetId,
        config: { mapping: { Mail: 'email', Notes: 'email' } },
      },
    });
    expectProblem(created, 400, /maps field "email" from both "Mail" and "Notes"/);
    expect(problemOf(created, 400).errors).toEqual([
      { pointer: '/config/mapping/Notes', detail: expect.any(String) },
    ]);
  });
});

describe('a plan that is not ready', () => {
  const stacks: LocalStack[] = [];
  afterAll(async () => {
    for (const stack of stacks) {
      await stack.stop();
      await removeDataDir(stack.dataDir);
    }
  });

  it('answers 409 while the job is still planning', async () => {
    // Prepare: a local stack that loses every `plan` command, so the job stays PLANNING
    const stack = await startLocalStack({
      env: { PARTWISE_FAULTS: JSON.stringify({ loseMessages: ['plan'] }) },
    });
    stacks.push(stack);
    const client = testClient(stack);
    const sheetId = await peopleSheet(client);
    const file = await client.uploadByUrl('people.csv', peopleCsv(2));
    const created = await client.api.POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id, destination: sheetId },
    });
    const job = bodyOf(created, 201).data;
    expect(job.status).toBe('PLANNING');

    // Act + Assess
    expectProblem(
      await client.api.GET('/jobs/{id}/plan', byId(job.id)),
      409,
      /is PLANNING: it is still planning, try again in a moment/,
    );
    expectProblem(
      await client.api.PATCH('/jobs/{id}/plan', { ...byId(job.id), body: { mapping: { Mail: 'email' } } }),
      409,
      /is PLANNING: it is still planning, try again in a moment/,
    );
    const canceled = await client.api.POST('/jobs/{id}/cancel', byId(job.id));
    expect(canceled.response.status).toBe(200);
    expectProblem(
      await client.api.GET('/jobs/{id}/plan', byId(job.id)),
      409,
      /is CANCELED: it has no plan to be reviewed/,
    );
  }, 120_000);
});
