/**
 * A manual extract's plan, reviewed and changed over HTTP before it runs (docs/plan.md):
 * GET /jobs/:id/plan, PATCH /jobs/:id/plan, the READY → PLANNING → READY round trip, and
 * the 400s and 409s a caller meets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/client.js';
import { type LocalStack, removeDataDir, startLocalStack, useTarget } from '../helpers/stack.js';

const t = useTarget();

const FIELDS = [
  { key: 'name', label: 'Full name', type: 'string', required: true },
  { key: 'email', type: 'string', required: true },
  { key: 'age', type: 'number' },
  { key: 'joined', type: 'date' },
];

/** `Mail` matches no field by name, `Notes` none at all; row 3 has a bad age, row 5 an ambiguous date. */
function peopleCsv(rows: number, delimiter = ',') {
  const lines = [['Full name', 'Mail', 'Age', 'Joined', 'Notes'].join(delimiter)];
  for (let i = 1; i <= rows; i++) {
    const age = i === 3 ? 'old' : String(20 + i);
    const joined = i === 5 ? '11/28/2026' : `2026-01-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push([`Person ${i}`, `p${i}@example.com`, age, joined, `note ${i}`].join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}

function expectProblem(response: { status: number; body: any }, status: number, detail: RegExp) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body.detail).toMatch(detail);
}

async function peopleSheet(api: ReturnType<typeof apiClient>) {
  const workbook = await api.call('POST', '/workbooks', {
    name: 'Contacts',
    sheets: [{ name: 'People', fields: FIELDS }],
  });
  expect(workbook.status, JSON.stringify(workbook.body)).toBe(201);
  return workbook.body.data.sheets[0].id as string;
}

/** A manual extract of `csv` into the sheet, once READY. */
async function readyExtract(
  api: ReturnType<typeof apiClient>,
  sheetId: string,
  csv: string,
  config: Record<string, unknown> = {},
) {
  const file = await api.uploadFile('people.csv', csv);
  const created = await api.call('POST', '/jobs', {
    type: 'file',
    operation: 'extract',
    source: file.id,
    destination: sheetId,
    config: { partSizeBytes: 1024, ...config },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.data.trigger).toBe('manual');
  return api.waitForJob(created.body.data.id, (job) => job.status === 'READY' || job.status === 'FAILED');
}

describe('reviewing and changing an extract’s plan before execute', () => {
  it('shows the plan, takes a mapping, plans again, and executes with that mapping', async () => {
    // Prepare
    const sheetId = await peopleSheet(t.api);
    const job = await readyExtract(t.api, sheetId, peopleCsv(30));
    expect(job.status).toBe('READY');

    // Act: review
    const review = await t.api.call('GET', `/jobs/${job.id}/plan`);

    // Assess
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const plan = review.body.data;
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
    const [table] = plan.tables;
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
    expect(table.sample.rows[2].messages).toEqual({ email: 'is required', age: '"old" is not a number' });
    expect(table.sample.rows[4].messages.joined).toMatch(/"11\/28\/2026" is ambiguous/);
    expect(plan.parts.count).toBe(job.parts);
    expect(job.parts).toBeGreaterThan(1);
    expect(plan.parts.byteRanges).toHaveLength(job.parts);
    expect(plan.parts.byteRanges.at(-1).endExclusive).toBe(plan.file.size);

    // Act + Assess: mappings that do not fit are refused, saying where
    const unknownColumn = await t.api.call('PATCH', `/jobs/${job.id}/plan`, { mapping: { Phone: 'email' } });
    expectProblem(unknownColumn, 400, /no column "Phone" in the header/);
    expect(unknownColumn.body.errors).toEqual([
      { pointer: '/mapping/Phone', detail: expect.stringMatching(/^no column "Phone"/) },
    ]);
    const unknownField = await t.api.call('PATCH', `/jobs/${job.id}/plan`, { mapping: { Mail: 'e_mail' } });
    expectProblem(unknownField, 400, /no field "e_mail" in sheet People/);
    expect(unknownField.body.errors[0].pointer).toBe('/mapping/Mail');
    // A column whose name holds `.` or `/` is one key of the pointer (RFC 6901: `/` is `~1`).
    const dotted = await t.api.call('PATCH', `/jobs/${job.id}/plan`, {
      mapping: { 'e.mail': 'email', 'in/out': 'email' },
    });
    expect(dotted.status).toBe(400);
    expect(dotted.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/mapping/e.mail',
      '/mapping/in~1out',
    ]);
    const twice = await t.api.call('PATCH', `/jobs/${job.id}/plan`, {
      mapping: { Mail: 'email', Notes: 'email' },
    });
    expectProblem(twice, 400, /field "email" is mapped from both "Mail" and "Notes"/);
    const unknownMember = await t.api.call('PATCH', `/jobs/${job.id}/plan`, { fields: {} });
    expectProblem(unknownMember, 400, /fields is not something an extract plan changes/);
    expect((await t.api.call('GET', `/jobs/${job.id}`)).body.data.status).toBe('READY');

    // Act: map Mail to email (it matched nothing by name) and leave Notes out
    const patched = await t.api.call('PATCH', `/jobs/${job.id}/plan`, {
      mapping: { Mail: 'email', Notes: null },
    });

    // Assess
    expect(patched.status, JSON.stringify(patched.body)).toBe(202);
    expect(patched.headers.get('location')).toBe(`/jobs/${job.id}/plan`);
    expect(patched.body.data).toMatchObject({
      status: 'PLANNING',
      config: { mapping: { Mail: 'email', Notes: null } },
    });
    const replanned = await t.api.waitForJob(job.id, (j) => j.status === 'READY');
    expect(replanned.parts).toBe(job.parts);
    const again = (await t.api.call('GET', `/jobs/${job.id}/plan`)).body.data;
    expect(again.mapping).toEqual({ Mail: 'email', Notes: null });
    expect(again.tables[0].columns[1]).toEqual({
      index: 1,
      name: 'Mail',
      field: 'email',
      matchedBy: 'mapping',
    });
    expect(again.tables[0].columns[4]).toEqual({
      index: 4,
      name: 'Notes',
      field: null,
      matchedBy: 'mapping',
    });
    expect(again.tables[0].unmatchedColumns).toEqual([]);
    expect(again.tables[0].missingFields).toEqual([]);
    expect(again.tables[0].sample.rows[0]).toEqual({
      row: 1,
      values: { name: 'Person 1', email: 'p1@example.com', age: 21, joined: '2026-01-02' },
      valid: true,
    });
    expect(again.tables[0].sample.rows[2].messages).toEqual({ age: '"old" is not a number' });

    // Act: execute the new plan
    const executed = await t.api.call('POST', `/jobs/${job.id}/execute`);
    expect(executed.status).toBe(202);
    const done = await t.api.waitForJob(job.id, (j) => ['COMPLETED', 'FAILED'].includes(j.status));

    // Assess: the records honour the patched mapping
    expect(done.status, JSON.stringify(done.error)).toBe('COMPLETED');
    expect(done.outcome).toMatchObject({ records: 30 });
    const records = await t.api.allRecords(sheetId);
    expect(records).toHaveLength(30);
    expect(records[0].values).toEqual({
      name: 'Person 1',
      email: 'p1@example.com',
      age: 21,
      joined: '2026-01-02',
    });
    expect(
      records.every((r: { values: Record<string, unknown> }) =>
        /^p\d+@example\.com$/.test(String(r.values.email)),
      ),
    ).toBe(true);
    expect(records.filter((r: { valid: boolean }) => !r.valid)).toHaveLength(2);

    // A plan carried out is no longer reviewed nor changed
    expectProblem(
      await t.api.call('GET', `/jobs/${job.id}/plan`),
      409,
      /is COMPLETED: its plan was carried out/,
    );
    expectProblem(
      await t.api.call('PATCH', `/jobs/${job.id}/plan`, { mapping: {} }),
      409,
      /is COMPLETED: its plan was carried out/,
    );
  });

  it('plans again with a new delimiter, and refuses a mapping sent with it', async () => {
    // Prepare: a `;` file read with `,`: the header is one cell
    const sheetId = await peopleSheet(t.api);
    const job = await readyExtract(t.api, sheetId, peopleCsv(5, ';'), { delimiter: ',' });
    const before = (await t.api.call('GET', `/jobs/${job.id}/plan`)).body.data;
    expect(before.delimiter).toBe(',');
    expect(before.tables[0].header).toEqual(['Full name;Mail;Age;Joined;Notes']);
    expect(before.tables[0].missingFields).toEqual(['name', 'email', 'age', 'joined']);

    // Act + Assess
    expectProblem(
      await t.api.call('PATCH', `/jobs/${job.id}/plan`, { delimiter: ';', mapping: { Mail: 'email' } }),
      400,
      /A new delimiter or header row makes a new header/,
    );
    const patched = await t.api.call('PATCH', `/jobs/${job.id}/plan`, { delimiter: ';' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(202);
    expect(patched.body.data).toMatchObject({ status: 'PLANNING', config: { delimiter: ';' } });
    await t.api.waitForJob(job.id, (j) => j.status === 'READY');
    const after = (await t.api.call('GET', `/jobs/${job.id}/plan`)).body.data;
    expect(after.delimiter).toBe(';');
    expect(after.tables[0].header).toEqual(['Full name', 'Mail', 'Age', 'Joined', 'Notes']);
    expect(after.tables[0].missingFields).toEqual(['email']);
    expect(after.tables[0].sample.rows).toHaveLength(5);
    expect(after.tables[0].sample.rows[1].values).toEqual({
      name: 'Person 2',
      email: null,
      age: 22,
      joined: '2026-01-03',
    });
  });

  it('refuses a mapping at creation that takes one field twice', async () => {
    const sheetId = await peopleSheet(t.api);
    const file = await t.api.uploadFile('people.csv', peopleCsv(2));
    const created = await t.api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: sheetId,
      config: { mapping: { Mail: 'email', Notes: 'email' } },
    });
    expectProblem(created, 400, /maps field "email" from both "Mail" and "Notes"/);
    expect(created.body.errors).toEqual([{ pointer: '/config/mapping/Notes', detail: expect.any(String) }]);
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
    const api = apiClient(stack);
    const sheetId = await peopleSheet(api);
    const file = await api.uploadFile('people.csv', peopleCsv(2));
    const created = await api.call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: sheetId,
    });
    expect(created.body.data.status).toBe('PLANNING');
    const id = created.body.data.id;

    // Act + Assess
    expectProblem(
      await api.call('GET', `/jobs/${id}/plan`),
      409,
      /is PLANNING: it is still planning, try again in a moment/,
    );
    expectProblem(
      await api.call('PATCH', `/jobs/${id}/plan`, { mapping: { Mail: 'email' } }),
      409,
      /is PLANNING: it is still planning, try again in a moment/,
    );
    const canceled = await api.call('POST', `/jobs/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expectProblem(
      await api.call('GET', `/jobs/${id}/plan`),
      409,
      /is CANCELED: it has no plan to be reviewed/,
    );
  }, 120_000);
});
