import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { Field } from '../../../shared/domain/resources.js';
import { mappingProblems, matchColumns } from '../../../shared/operations/columns.js';
import { extract } from '../../../shared/operations/extract.js';
import { map } from '../../../shared/operations/map.js';
import { bufferedWorkbook } from '../formats/xlsx-fixtures.js';
import { memoryServices, newJob, putRecords, record, storeFile, storeSheet } from './memory-services.js';

const people: Field[] = [
  { key: 'name', label: 'Full name', type: 'string', required: true },
  { key: 'email', type: 'string', required: true },
  { key: 'age', type: 'number' },
  { key: 'joined', type: 'date' },
];

/** `Mail` matches no field by name; `Notes` matches none at all. Row 3 holds a bad age, row 5 a bad date, row 7 is short. */
function peopleCsv(rows: number, delimiter = ',') {
  const lines = [['Full name', 'Mail', 'Age', 'Joined', 'Notes'].join(delimiter)];
  for (let i = 1; i <= rows; i++) {
    const age = i === 3 ? 'old' : String(20 + i);
    const joined = i === 5 ? '11/28/2026' : `2026-01-${String((i % 28) + 1).padStart(2, '0')}`;
    const cells = [`Person ${i}`, `p${i}@example.com`, age, joined, `note ${i}`];
    lines.push((i === 7 ? cells.slice(0, 3) : cells).join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}

/** An extract of `content` into a sheet of `people`, planned as the engine plans it. */
async function plannedExtract(
  name: string,
  content: string | Uint8Array,
  config: Record<string, unknown> = {},
) {
  const job = newJob({
    operation: 'extract',
    type: 'file',
    source: 'file_a',
    destination: 'sh_people',
    status: 'READY',
  });
  const env = memoryServices(job);
  await storeSheet(env.resources, { id: 'sh_people', name: 'People', fields: people });
  const file = storeFile(env, name, content);
  job.config = await extract.validate(
    { environmentId: 'env_test', type: 'file', source: file.id, destination: 'sh_people', config },
    env.services,
  );
  const plan = await extract.plan(job, env.services);
  job.parts = plan.parts;
  return { job, env, state: plan.state };
}

const review = async (planned: Awaited<ReturnType<typeof plannedExtract>>) => {
  if (!extract.review) throw new Error('extract has no review');
  return (await extract.review(planned.job, planned.state, planned.env.services)) as any;
};

describe('columns and a caller’s mapping', () => {
  it('puts the columns a mapping names where it says, and matches the rest by name', () => {
    const match = matchColumns(['Full name', 'Mail', 'Age', 'Notes'], people, { Mail: 'email', Notes: null });
    expect(match).toEqual({
      columns: [0, 1, 2, -1],
      unmatchedColumns: [],
      missingFields: ['joined'],
      mapped: [1, 3],
    });
  });

  it('lets a mapping take a field a column would have matched by name, leaving that column unmatched', () => {
    const match = matchColumns(['Age', 'Years'], people, { Years: 'age' });
    expect(match.columns[2]).toBe(1);
    expect(match.unmatchedColumns).toEqual(['Age']);
  });

  it('reports unknown columns, unknown fields, a field taken twice and a column named twice', () => {
    const table = { sheet: 'People', header: ['Full name', 'Mail', 'Age', ''], fields: people };
    expect(
      mappingProblems([table], {
        Phone: 'email',
        Mail: 'e_mail',
        Age: 'name',
        'Full name': 'name',
        '(column 4)': null,
        '(column 3)': null,
      }),
    ).toEqual([
      {
        column: 'Phone',
        detail: expect.stringMatching(/^no column "Phone" in the header \("Full name", "Mail"/),
      },
      {
        column: 'Mail',
        detail: expect.stringMatching(/^no field "e_mail" in sheet People \(its fields: "name"/),
      },
      {
        column: 'Age',
        detail: expect.stringMatching(/field "name" is mapped from both "Age" and "Full name"/),
      },
      {
        column: 'Full name',
        detail: expect.stringMatching(/field "name" is mapped from both "Full name" and "Age"/),
      },
      { column: '(column 3)', detail: '"(column 3)" and "Age" name the same column' },
    ]);
  });
});

describe('the review of an extract', () => {
  it('shows the format, encoding, delimiter, header, how columns match, and the first 20 rows typed', async () => {
    // Prepare
    const planned = await plannedExtract('people.csv', peopleCsv(30, ';'), { partSizeBytes: 1024 });

    // Act
    const shown = await review(planned);

    // Assess
    expect(shown).toMatchObject({
      file: { id: 'file_a', name: 'people.csv' },
      format: 'csv',
      encoding: { name: 'utf-8', decidedBy: expect.stringMatching(/^detected/) },
      delimiter: ';',
      headerRow: 1,
      mapping: {},
    });
    const [table] = shown.tables;
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
    expect(table.sample.rows[4].messages.joined).toMatch(/is ambiguous/);
    expect(table.sample.rows[6].messages.joined).toMatch(/the row has 3 of the header's 5 cells/);
    // The parts tile the file after the header.
    const ranges = shown.parts.byteRanges;
    expect(shown.parts.count).toBe(planned.job.parts);
    expect(ranges).toHaveLength(planned.job.parts);
    expect(planned.job.parts).toBeGreaterThan(1);
    expect(ranges.at(-1).endExclusive).toBe(shown.file.size);
    for (const [i, range] of ranges.entries()) {
      expect(range.bytes).toBe(range.endExclusive - range.start);
      if (i > 0) expect(range.start).toBe(ranges[i - 1].endExclusive);
    }
  });

  it('reads only the head of a large file for its sample', async () => {
    // Prepare
    const planned = await plannedExtract('big.csv', peopleCsv(12_000), { partSizeBytes: 131_072 });
    const { blobs } = planned.env.services;
    let bytesRead = 0;
    const read = blobs.read.bind(blobs);
    blobs.read = async (key, range, options) => {
      const stream = await read(key, range, options);
      stream.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
      });
      return stream;
    };

    // Act
    const shown = await review(planned);

    // Assess
    expect(shown.tables[0].sample.rows).toHaveLength(20);
    expect(shown.file.size).toBeGreaterThan(500_000);
    expect(bytesRead).toBeLessThan(16 * 1024);
  });

  it('shows the columns a mapping placed as matched by mapping, and types the rows by it', async () => {
    const planned = await plannedExtract('people.csv', peopleCsv(3), {
      mapping: { Mail: 'email', Notes: null },
    });
    const [table] = (await review(planned)).tables;
    expect(table.columns[1]).toEqual({ index: 1, name: 'Mail', field: 'email', matchedBy: 'mapping' });
    expect(table.columns[4]).toEqual({ index: 4, name: 'Notes', field: null, matchedBy: 'mapping' });
    expect(table.unmatchedColumns).toEqual([]);
    expect(table.missingFields).toEqual([]);
    expect(table.sample.rows[0]).toEqual({
      row: 1,
      values: { name: 'Person 1', email: 'p1@example.com', age: 21, joined: '2026-01-02' },
      valid: true,
    });
    expect(table.sample.more).toBe(false);
  });

  it('shows the lines of an NDJSON file that are no object among its sampled rows', async () => {
    const ndjson =
      '{"name":"Ada","email":"ada@example.com","age":"x"}\n[1,2]\n{"name":"Bob","email":"b@x"}\n';
    const shown = await review(await plannedExtract('people.ndjson', ndjson));
    expect(shown.format).toBe('ndjson');
    expect(shown.tables[0].sample).toEqual({
      rows: [
        {
          row: 1,
          values: { name: 'Ada', email: 'ada@example.com', age: 'x', joined: null },
          valid: false,
          messages: { age: '"x" is not a number' },
        },
        { row: 2, values: { name: 'Bob', email: 'b@x', age: null, joined: null }, valid: true },
      ],
      rejected: [{ line: 2, reason: expect.stringMatching(/not a JSON object|object/) }],
      more: false,
    });
  });

  it('samples an XLSX worksheet through the in-place reader, with one part per worksheet', async () => {
    const xlsx = await bufferedWorkbook({
      People: [
        ['Full name', 'email', 'age'],
        ['Ada', 'a@x', 'young'],
      ],
    });
    const shown = await review(await plannedExtract('people.xlsx', xlsx));
    expect(shown.format).toBe('xlsx');
    expect(shown.encoding).toBeUndefined();
    expect(shown.parts).toEqual({ count: 1, tables: [{ part: 0, table: 'People' }] });
    expect(shown.tables[0].sample.rows).toEqual([
      {
        row: 1,
        values: { name: 'Ada', email: 'a@x', age: 'young', joined: null },
        valid: false,
        messages: { age: '"young" is not a number' },
      },
    ]);
  });
});

describe('changing an extract’s plan', () => {
  const revise = async (
    planned: Awaited<ReturnType<typeof plannedExtract>>,
    patch: Record<string, unknown>,
  ) => {
    if (!extract.revisePlan) throw new Error('extract has no revisePlan');
    return extract.revisePlan(planned.job, planned.state, patch, planned.env.services);
  };

  it('returns the config with the mapping, which the next plan applies', async () => {
    const planned = await plannedExtract('people.csv', peopleCsv(3), { partSizeBytes: 1024 });
    const config = await revise(planned, { mapping: { Mail: 'email' } });
    expect(config).toEqual({ partSizeBytes: 1024, mapping: { Mail: 'email' } });
    planned.job.config = config;
    const again = await extract.plan(planned.job, planned.env.services);
    expect(again.state).toMatchObject({ targets: [{ missingFields: [], unmatchedColumns: ['Notes'] }] });
  });

  it('refuses a mapping that does not fit, pointing at each entry', async () => {
    const planned = await plannedExtract('people.csv', peopleCsv(3));
    const refused = revise(planned, {
      mapping: { Phone: 'email', Mail: 'e_mail', Age: 'name', Joined: 'name' },
    });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      message: expect.stringMatching(/^The mapping does not fit the plan: "Phone": no column "Phone"/),
      errors: [
        { path: ['body', 'mapping', 'Phone'], detail: expect.stringMatching(/no column "Phone"/) },
        { path: ['body', 'mapping', 'Mail'], detail: expect.stringMatching(/no field "e_mail"/) },
        {
          path: ['body', 'mapping', 'Age'],
          detail: expect.stringMatching(/field "name" is mapped from both/),
        },
        {
          path: ['body', 'mapping', 'Joined'],
          detail: expect.stringMatching(/field "name" is mapped from both/),
        },
      ],
    });
  });

  it('drops the mapping with a new delimiter, and refuses one sent along with it', async () => {
    const planned = await plannedExtract('people.csv', peopleCsv(3), { mapping: { Mail: 'email' } });
    expect(await revise(planned, { delimiter: ';' })).toEqual({ delimiter: ';' });
    await expect(revise(planned, { delimiter: ';', mapping: {} })).rejects.toMatchObject({
      errors: [{ path: ['body', 'mapping'], detail: 'cannot be sent with a new delimiter or header row' }],
    });
  });

  it('refuses an empty change, unknown members and a delimiter for a file that has none', async () => {
    const planned = await plannedExtract('people.csv', peopleCsv(3));
    await expect(revise(planned, {})).rejects.toThrow(/changes nothing/);
    await expect(revise(planned, { fields: {} })).rejects.toMatchObject({
      errors: [
        {
          path: ['body', 'fields'],
          detail: expect.stringMatching(/is not something an extract plan changes/),
        },
      ],
    });
    await expect(revise(planned, { delimiter: '""' })).rejects.toMatchObject({
      errors: [{ path: ['body', 'delimiter'] }],
    });
    const ndjson = await plannedExtract('people.ndjson', '{"name":"Ada"}\n');
    await expect(revise(ndjson, { delimiter: ';' })).rejects.toThrow(/only CSV and TSV have a delimiter/);
  });

  it('fails the plan of a created job whose mapping names a column the file does not have', async () => {
    const planned = plannedExtract('people.csv', peopleCsv(3), { mapping: { Phone: 'email' } });
    await expect(planned).rejects.toBeInstanceOf(ValidationError);
    await expect(planned).rejects.toThrow(/config.mapping does not fit the file: "Phone": no column "Phone"/);
  });

  it('refuses at creation a mapping that takes a field twice or names a field the sheet lacks', async () => {
    await expect(
      plannedExtract('people.csv', peopleCsv(3), { mapping: { Mail: 'email', Notes: 'email' } }),
    ).rejects.toMatchObject({ errors: [{ path: ['body', 'config', 'mapping', 'Notes'] }] });
    await expect(
      plannedExtract('people.csv', peopleCsv(3), { mapping: { Mail: 'mail' } }),
    ).rejects.toMatchObject({
      errors: [{ path: ['body', 'config', 'mapping', 'Mail'], detail: 'no field "mail" in sheet People' }],
    });
  });
});

describe('the review of a map', () => {
  it('shows each destination field’s source, the fields with none, and 20 source records mapped', async () => {
    // Prepare
    const job = newJob({
      operation: 'map',
      type: 'sheet',
      source: 'sh_src',
      destination: 'sh_people',
      status: 'READY',
    });
    const env = memoryServices(job);
    const source: Field[] = [
      { key: 'full_name', type: 'string' },
      { key: 'years', type: 'string' },
      { key: 'city', type: 'string' },
    ];
    await storeSheet(env.resources, { id: 'sh_src', name: 'Source', fields: source });
    await storeSheet(env.resources, { id: 'sh_people', name: 'People', fields: people });
    for (const s of [0, 1]) {
      const records = Array.from({ length: 15 }, (_, i) =>
        record(`1.${s}.${i}`, { full_name: `n${s}.${i}`, years: i === 2 ? 'many' : String(i), city: 'Oslo' }),
      );
      await putRecords(env, 'sh_src', 1_000_000 + s, records);
    }
    job.config = await map.validate(
      {
        environmentId: 'env_test',
        type: 'sheet',
        source: 'sh_src',
        destination: 'sh_people',
        config: { mappings: [{ fields: { name: 'full_name', age: 'years' } }] },
      },
      env.services,
    );
    const plan = await map.plan(job, env.services);
    job.parts = plan.parts;

    // Act
    const shown = (await map.review?.(job, plan.state, env.services)) as any;

    // Assess
    expect(shown.parts).toEqual({ count: 2 });
    const [mapping] = shown.mappings;
    expect(mapping).toMatchObject({
      sourceSheet: { id: 'sh_src', name: 'Source' },
      destinationSheet: { id: 'sh_people', name: 'People' },
      fields: [
        { field: 'name', type: 'string', required: true, from: 'full_name' },
        { field: 'email', type: 'string', required: true, from: null },
        { field: 'age', type: 'number', required: false, from: 'years' },
        { field: 'joined', type: 'date', required: false, from: null },
      ],
      unmappedDestinationFields: ['email', 'joined'],
      missingRequiredFields: ['email'],
      unusedSourceFields: ['city'],
      parts: 2,
    });
    expect(mapping.sample.rows).toHaveLength(20);
    expect(mapping.sample.more).toBe(true);
    expect(mapping.sample.rows[2]).toEqual({
      row: 3,
      values: { name: 'n0.2', email: null, age: 'many', joined: null },
      valid: false,
      messages: { email: 'is required', age: '"many" is not a number' },
    });
    expect(mapping.sample.rows[19].values.name).toBe('n1.4');
  });
});

describe('planning an extract again', () => {
  it('makes the workbook it created again from the new header, under the same ids, not a second one', async () => {
    // Prepare: an extract with no destination, planned once with the wrong header row
    const job = newJob({ operation: 'extract', type: 'file', source: 'file_a', status: 'READY' });
    const env = memoryServices(job);
    storeFile(env, 'people.csv', `exported by a tool\n${peopleCsv(3)}`);
    job.config = await extract.validate(
      { environmentId: 'env_test', type: 'file', source: 'file_a', config: {} },
      env.services,
    );
    const first = await extract.plan(job, env.services);
    if (first.destination) job.destination = first.destination;
    const firstBook = await env.resources.getWorkbook(job.destination ?? '');
    expect(firstBook?.sheets[0]?.fields.map((f) => f.key)).toEqual(['exported_by_a_tool']);

    // Act
    job.config = await (extract.revisePlan as NonNullable<typeof extract.revisePlan>)(
      job,
      first.state,
      { headerRow: 2 },
      env.services,
    );
    const second = await extract.plan(job, env.services);

    // Assess
    expect(second.destination).toBe(first.destination);
    const book = await env.resources.getWorkbook(job.destination ?? '');
    expect(book?.sheets.map((s) => s.id)).toEqual(firstBook?.sheets.map((s) => s.id));
    expect(book?.sheets[0]?.fields.map((f) => f.key)).toEqual([
      'full_name',
      'mail',
      'age',
      'joined',
      'notes',
    ]);
    expect((await env.resources.listWorkbooks('env_test', 100)).workbooks).toHaveLength(1);
    expect(second.state).toMatchObject({
      headerRow: 2,
      targets: [{ missingFields: [], unmatchedColumns: [] }],
    });
  });
});
