import type { CreateJobBody } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import { writeXlsx } from '../../shared/formats/xlsx/write.js';
import { bodyOf, destinationOf, problemOf, sheetOf, type TestClient } from '../helpers/client.js';
import { memberAt, numberAt, stringAt } from '../helpers/json-members.js';
import { useTarget } from '../helpers/stack.js';
import { generateTypedCsv, TYPED_FIELDS } from './data-plane.fixture.js';
import { dataPlaneSteps } from './data-plane.steps.js';

const t = useTarget();
const byId = (id: string) => ({ params: { path: { id } } });
/** The typed client and its raw API. */
const client = (): TestClient => t.client;
const api = () => t.client.api;

/** Rows of the chain (DATA_PLANE_ROWS=3000 for a quick run; the 1,000,000-row run is the benchmark's). */
const ROWS = Number(process.env.DATA_PLANE_ROWS ?? 100_000);
const KEYS = TYPED_FIELDS.map((f) => f.key);

const { runJob, typedWorkbook, download, expectRecords, smallTypedSheet } = dataPlaneSteps(client);

describe('the data plane, as one chain over the API', () => {
  it(`extracts ${ROWS.toLocaleString('en-US')} rows, maps them to types, deletes the invalid, exports CSV and extracts it again`, async () => {
    // Prepare
    const csv = generateTypedCsv(ROWS, 11);
    const invalid = csv.expected.filter((e) => e.invalid.length > 0);
    const valid = csv.expected.filter((e) => e.invalid.length === 0);
    expect(invalid.length).toBeGreaterThan(ROWS / 20); // the fixture does exercise invalid values
    const file = await client().uploadByUrl('people.csv', csv.text);

    // Act + Assess: extract into a new workbook of text fields
    const extracted = await runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: Math.max(4096, ROWS * 3) },
    });
    expect(extracted).toMatchObject({ status: 'COMPLETED', outcome: { records: ROWS, invalid: 0 } });
    expect(extracted.parts).toBeGreaterThan(10);
    const source = bodyOf(await api().GET('/workbooks/{id}', byId(destinationOf(extracted))), 200).data;
    const sourceSheet = sheetOf(source);
    expect(sourceSheet.fields.map((f) => f.key)).toEqual(KEYS);
    const texts = await client().allRecords(sourceSheet.id);
    expect(texts.length).toBe(ROWS);
    expect(texts.findIndex((r, i) => KEYS.some((k, c) => r.values[k] !== csv.rows[i]?.[c]))).toBe(-1);

    // map into a typed workbook
    const typed = await typedWorkbook('Typed people');
    const mapBody: CreateJobBody = {
      type: 'workbook',
      operation: 'map',
      source: source.id,
      destination: typed.id,
      config: {
        mappings: [
          {
            sourceSheet: sourceSheet.id,
            destinationSheet: 'People',
            fields: Object.fromEntries(KEYS.map((k) => [k, k])),
          },
        ],
      },
    };
    const mapped = await runJob(mapBody);
    // One map part per source segment that holds records: an extract part whose byte range
    // held no row start (the last one, often) wrote an empty segment, which map skips.
    const extractParts = await api().GET('/jobs/{id}/parts', {
      params: { path: { id: extracted.id }, query: { limit: 1000 } },
    });
    const filled = bodyOf(extractParts, 200).data.filter((p) => numberAt(p, 'stats', 'rows') > 0).length;
    expect(mapped).toMatchObject({ status: 'COMPLETED', parts: filled });
    expect(mapped.outcome).toMatchObject({ records: ROWS, invalid: invalid.length, valid: valid.length });
    const typedSheet = sheetOf(typed).id;
    const first = await client().allRecords(typedSheet);
    expectRecords(first, csv.expected);
    expect(new Set(first.map((r) => r.id)).size).toBe(ROWS);
    const sheet = bodyOf(await api().GET('/sheets/{id}', byId(typedSheet)), 200).data;
    expect(sheet.counts).toEqual({ records: ROWS, valid: valid.length, invalid: invalid.length });

    // the same map again gives the same destination, not twice the records
    const again = await runJob(mapBody);
    expect(again.outcome).toMatchObject({ records: ROWS, mappings: [{ replacedEarlierMap: true }] });
    expect(await client().allRecords(typedSheet)).toEqual(first);

    // records filtered by validity
    const page = await api().GET('/sheets/{id}/records', {
      params: { path: { id: typedSheet }, query: { valid: 'false', limit: 1000, offset: 1000 } },
    });
    expect(bodyOf(page, 200).total).toBe(invalid.length);
    expectRecords(bodyOf(page, 200).data, invalid.slice(1000, 2000));

    // delete the invalid records
    const deleted = await runJob({
      type: 'sheet',
      operation: 'delete',
      source: typedSheet,
      config: { filter: { valid: false } },
    });
    expect(deleted).toMatchObject({
      status: 'COMPLETED',
      outcome: { deleted: invalid.length, kept: valid.length },
    });
    const kept = await client().allRecords(typedSheet);
    expectRecords(kept, valid);
    expect(kept.map((r) => r.id)).toEqual(first.filter((r) => r.valid).map((r) => r.id));

    // export CSV: one file, downloadable
    const exported = await runJob({
      type: 'sheet',
      operation: 'export',
      source: typedSheet,
      config: { format: 'csv' },
    });
    expect(exported).toMatchObject({ status: 'COMPLETED', destination: expect.stringMatching(/^file_/) });
    expect(exported.outcome).toMatchObject({ records: valid.length, fileId: exported.destination });
    const exportFile = bodyOf(await api().GET('/files/{id}', byId(destinationOf(exported))), 200).data;
    expect(exportFile).toMatchObject({ status: 'available', name: 'People.csv', mediaType: 'text/csv' });
    const text = await download(exportFile.id);
    expect(Buffer.byteLength(text)).toBe(exportFile.size);
    expect(text.startsWith(`${KEYS.join(',')}\r\n`)).toBe(true);

    // extract the export into a fresh typed workbook: the same records
    const back = await typedWorkbook('People again');
    const reExtracted = await runJob({
      type: 'file',
      operation: 'extract',
      source: exportFile.id,
      destination: back.id,
      config: { partSizeBytes: Math.max(4096, ROWS * 5) },
    });
    expect(reExtracted.outcome).toMatchObject({
      records: valid.length,
      invalid: 0,
      unmatchedColumns: [],
      missingFields: [],
    });
    expectRecords(await client().allRecords(sheetOf(back).id), valid);
  }, 600_000);
});

describe('delete', () => {
  it('deletes by ids, by field value and all, counting what went and what stayed', async () => {
    const { csv, sheetId, job } = await smallTypedSheet(400);
    expect(job.parts).toBeGreaterThan(3);
    const records = await client().allRecords(sheetId);
    expectRecords(records, csv.expected);

    // by ids
    const ids = [0, 150, 399].map((i) => stringAt(records, i, 'id'));
    const byIds = await runJob({
      type: 'sheet',
      operation: 'delete',
      source: sheetId,
      config: { filter: { ids } },
    });
    expect(byIds.outcome).toMatchObject({ deleted: 3, kept: 397 });
    let left = await client().allRecords(sheetId);
    expect(left.map((r) => r.id)).toEqual(records.filter((r) => !ids.includes(r.id)).map((r) => r.id));

    // by a field value, given as text and converted to the field's type ("pending" finds "Pending")
    const pending = left.filter((r) => r.values.status === 'Pending').length;
    expect(pending).toBeGreaterThan(0);
    const byField = await runJob({
      type: 'workbook',
      operation: 'delete',
      source: bodyOf(await api().GET('/sheets/{id}', byId(sheetId)), 200).data.workbookId,
      config: { sheet: 'people', filter: { field: 'status', equals: 'pending' } },
    });
    expect(byField.outcome).toMatchObject({ deleted: pending, kept: 397 - pending });
    const expectedLeft = left.filter((r) => r.values.status !== 'Pending');
    left = await client().allRecords(sheetId);
    expect(left).toEqual(expectedLeft);

    // all (the default filter)
    const all = await runJob({ type: 'sheet', operation: 'delete', source: sheetId });
    expect(all.outcome).toMatchObject({ deleted: expectedLeft.length, kept: 0 });
    expect(await client().allRecords(sheetId)).toEqual([]);
    expect(bodyOf(await api().GET('/sheets/{id}', byId(sheetId)), 200).data.counts).toEqual({
      records: 0,
      valid: 0,
      invalid: 0,
    });

    // an empty sheet: nothing to delete, the job still completes
    const none = await runJob({
      type: 'sheet',
      operation: 'delete',
      source: sheetId,
      config: { filter: { valid: false } },
    });
    expect(none.outcome).toMatchObject({ deleted: 0, kept: 0 });
  }, 120_000);

  it('rejects a filter on a field the sheet does not have', async () => {
    const workbook = await typedWorkbook('Filters');
    const response = await api().POST('/jobs', {
      body: {
        type: 'sheet',
        operation: 'delete',
        source: sheetOf(workbook).id,
        config: { filter: { field: 'nope', equals: 1 } },
      },
    });
    expect(problemOf(response, 400).errors).toContainEqual(
      expect.objectContaining({ pointer: '/config/filter/field' }),
    );
  });
});

describe('export', () => {
  it('escapes cells a spreadsheet would run as formulas, unless told not to', async () => {
    const cells = ['=SUM(A1:A2)', '+1+2', '-x', '@cmd', '\tpad', '-12.5', 'plain'];
    const csvText = `id,name\n${cells.map((c, i) => `${i},"${c}"`).join('\n')}\n`;
    const file = await client().uploadByUrl('formulas.csv', csvText);
    const extracted = await runJob({ type: 'file', operation: 'extract', source: file.id });
    const sheetId = stringAt(extracted.outcome, 'sheetId');

    const escaped = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { fields: ['name'] },
    });
    const lines = (await download(destinationOf(escaped))).trimEnd().split('\r\n');
    expect(lines).toEqual(['name', "'=SUM(A1:A2)", "'+1+2", "'-x", "'@cmd", "'\tpad", '-12.5', 'plain']);

    const raw = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { fields: ['name'], escapeFormulas: false, header: false },
    });
    expect((await download(destinationOf(raw))).trimEnd().split('\r\n')).toEqual(cells);
  });

  it('writes typed values with their JSON types in JSON and NDJSON', async () => {
    const { sheetId } = await smallTypedSheet(50);
    const original = await client().allRecords(sheetId);
    const valid = original.filter((r) => r.valid);
    for (const format of ['json', 'ndjson']) {
      const exported = await runJob({
        type: 'sheet',
        operation: 'export',
        source: sheetId,
        config: { format },
      });
      const text = await download(destinationOf(exported));
      const objects: Record<string, unknown>[] =
        format === 'json'
          ? JSON.parse(text)
          : text
              .trimEnd()
              .split('\n')
              .map((line) => JSON.parse(line));
      const byId = new Map(objects.map((o) => [o.id, o]));
      for (const record of valid) {
        const object = byId.get(record.values.id);
        expect(typeof object?.amount === 'number' || object?.amount === null, format).toBe(true);
        expect(typeof object?.active === 'boolean' || object?.active === null, format).toBe(true);
        expect(object, format).toEqual(Object.fromEntries(KEYS.map((k) => [k, record.values[k] ?? null])));
      }
    }
  }, 120_000);

  it('writes one JSON array from many parts, and NDJSON, TSV and labels on request', async () => {
    const { csv, sheetId, job } = await smallTypedSheet(300, 2048);
    expect(job.parts).toBeGreaterThan(5);
    const json = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { format: 'json' },
    });
    expect(json.parts).toBe(job.parts);
    const parsed = JSON.parse(await download(destinationOf(json)));
    // Typed values keep their JSON types: numbers and booleans as such, no value as null.
    const typed = (v: unknown) => (v === undefined ? null : v);
    expect(parsed).toEqual(
      csv.expected.map((e) => Object.fromEntries(KEYS.map((k) => [k, typed(e.values[k])]))),
    );

    const ndjson = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { format: 'ndjson', fields: ['id', 'status'], fileName: 'status.jsonl' },
    });
    const file = bodyOf(await api().GET('/files/{id}', byId(destinationOf(ndjson))), 200).data;
    expect(file).toMatchObject({ name: 'status.jsonl', mediaType: 'application/x-ndjson' });
    const lines = (await download(file.id))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual(
      csv.expected.map((e) => ({ id: typed(e.values.id), status: typed(e.values.status) })),
    );

    const tsv = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { format: 'tsv', header: 'labels', fields: ['name', 'amount'] },
    });
    expect((await download(destinationOf(tsv))).split('\r\n')[0]).toBe('Full name\tAmount (EUR)');
  }, 120_000);
});

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('every format', () => {
  it.each(['csv', 'tsv', 'ndjson', 'json', 'xlsx'])(
    'exports %s and extracts it back to the same records, invalid values (kept as given) included',
    async (format) => {
      const { csv, sheetId } = await smallTypedSheet(300, 2048);
      const invalid = csv.expected.filter((e) => e.invalid.length > 0);
      expect(invalid.length).toBeGreaterThan(0);
      const exported = await runJob({
        type: 'sheet',
        operation: 'export',
        source: sheetId,
        config: { format },
      });
      const back = await typedWorkbook(`Back from ${format}`);
      const extracted = await runJob({
        type: 'file',
        operation: 'extract',
        source: destinationOf(exported),
        destination: back.id,
        config: { partSizeBytes: 4096 },
      });
      expect(extracted.outcome).toMatchObject({
        format,
        records: csv.expected.length,
        invalid: invalid.length,
        missingFields: [],
        ledger: { rowsRead: csv.expected.length, rowsRejected: 0 },
      });
      expectRecords(await client().allRecords(sheetOf(back).id), csv.expected);
    },
    120_000,
  );

  it('extracts an XLSX of 3 worksheets into 3 sheets, or into the sheets of the same names', async () => {
    const people = {
      name: 'People',
      header: ['id', 'Full name'],
      rows: [
        [
          ['1', 'Ada'],
          ['2', 'Grace'],
        ],
      ],
    };
    const others = (name: string, n: number) => ({
      name,
      header: ['code'],
      rows: [Array.from({ length: n }, (_, i) => [`${name}-${i}`])],
    });
    const bytes = await bytesOf(writeXlsx([people, others('Teams', 3), others('Places', 4)]));
    const file = await client().uploadByUrl('book.xlsx', bytes);
    const job = await runJob({ type: 'file', operation: 'extract', source: file.id });
    expect(job).toMatchObject({ parts: 3, outcome: { format: 'xlsx', records: 9 } });
    const workbook = bodyOf(await api().GET('/workbooks/{id}', byId(destinationOf(job))), 200).data;
    expect(workbook.sheets.map((s) => s.name)).toEqual(['People', 'Teams', 'Places']);
    expect((await client().allRecords(sheetOf(workbook, 2).id)).map((r) => r.values.code)).toEqual([
      'Places-0',
      'Places-1',
      'Places-2',
      'Places-3',
    ]);

    const typed = await typedWorkbook('From XLSX');
    const into = await runJob({ type: 'file', operation: 'extract', source: file.id, destination: typed.id });
    expect(into.outcome).toMatchObject({ records: 2, unmatchedWorksheets: ['Teams', 'Places'] });
    expect((await client().allRecords(sheetOf(typed).id)).map((r) => r.values)).toEqual([
      { id: 1, name: 'Ada', amount: null, active: null, joined: null, status: null },
      { id: 2, name: 'Grace', amount: null, active: null, joined: null, status: null },
    ]);
  });

  it('reads Latin-1 (when told), UTF-16 with a BOM, and a large NDJSON file and JSON array in many parts', async () => {
    const text = 'name;city\nZoë;Köln\nAnaïs;Besançon\n';
    const latin1 = await client().uploadByUrl('latin1.csv', Buffer.from(text, 'latin1'));
    const fromLatin1 = await runJob({
      type: 'file',
      operation: 'extract',
      source: latin1.id,
      config: { encoding: 'latin1' },
    });
    const rows = [
      { name: 'Zoë', city: 'Köln' },
      { name: 'Anaïs', city: 'Besançon' },
    ];
    expect((await client().allRecords(stringAt(fromLatin1.outcome, 'sheetId'))).map((r) => r.values)).toEqual(
      rows,
    );

    const utf16 = await client().uploadByUrl(
      'utf16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const fromUtf16 = await runJob({ type: 'file', operation: 'extract', source: utf16.id });
    expect((await client().allRecords(stringAt(fromUtf16.outcome, 'sheetId'))).map((r) => r.values)).toEqual(
      rows,
    );

    const objects = Array.from({ length: 5000 }, (_, i) => ({
      id: i,
      note: `line ${i}, "quoted" é`,
      ok: i % 2 === 0,
    }));
    const ndjson = await client().uploadByUrl(
      'big.ndjson',
      `${objects.map((o) => JSON.stringify(o)).join('\n')}\n`,
    );
    const fromNdjson = await runJob({
      type: 'file',
      operation: 'extract',
      source: ndjson.id,
      config: { partSizeBytes: 8192 },
    });
    expect(fromNdjson.parts).toBeGreaterThan(20);
    const records = await client().allRecords(stringAt(fromNdjson.outcome, 'sheetId'));
    expect(records.map((r) => r.values)).toEqual(
      objects.map((o) => ({ id: String(o.id), note: o.note, ok: String(o.ok) })),
    );

    // The same objects as one JSON array: parts cut between elements, every record once, in order.
    const array = await client().uploadByUrl('big.json', `\uFEFF${JSON.stringify(objects, null, 2)}\n`);
    const fromArray = await runJob({
      type: 'file',
      operation: 'extract',
      source: array.id,
      config: { partSizeBytes: 8192 },
    });
    expect(fromArray.parts).toBeGreaterThan(20);
    expect(fromArray.outcome).toMatchObject({ ledger: { rowsRead: 5000, recordsStored: 5000 } });
    const fromArrayRecords = await client().allRecords(stringAt(fromArray.outcome, 'sheetId'));
    expect(fromArrayRecords.map((r) => r.values)).toEqual(records.map((r) => r.values));
  }, 120_000);
});

describe('extract into an existing workbook', () => {
  it('matches header cells to keys or labels, reports unmatched columns and missing fields, honours headerRow', async () => {
    const workbook = await typedWorkbook('Matching');
    const text = [
      'exported by some tool,,',
      ' FULL NAME ,AMOUNT_(EUR),Joined On,extra column,ID',
      'Ada,"1,250.50",2026/1/2,x,1',
      ',nope,11/28/2026,y,2',
      '',
    ].join('\n');
    const file = await client().uploadByUrl('people.csv', text);
    const job = await runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: workbook.id,
      config: { headerRow: 2 },
    });
    expect(job.outcome).toMatchObject({
      records: 2,
      invalid: 1,
      unmatchedColumns: ['extra column'],
      missingFields: ['active', 'status'],
    });
    const records = await client().allRecords(sheetOf(workbook).id);
    expect(records.map((r) => [r.values, r.valid, r.messages])).toEqual([
      [
        { id: 1, name: 'Ada', amount: 1250.5, active: null, joined: '2026-01-02', status: null },
        true,
        undefined,
      ],
      [
        { id: 2, name: '', amount: 'nope', active: null, joined: '11/28/2026', status: null },
        false,
        { name: 'is required', amount: '"nope" is not a number', joined: expect.stringMatching(/ambiguous/) },
      ],
    ]);
  });
});

describe('files and workbooks', () => {
  it('makes a file uploaded by its presigned URL available with its size', async () => {
    const file = await client().uploadByUrl('later.csv', 'a,b\n1,2\n');
    expect(file.status).toBe('pending');
    const fetched = bodyOf(await api().GET('/files/{id}', byId(file.id)), 200).data;
    expect(fetched).toMatchObject({ status: 'available', size: 8, mediaType: 'text/csv' });
    const listed = bodyOf(await api().GET('/files', { params: { query: { limit: 100 } } }), 200).data;
    expect(listed.find((f) => f.id === file.id)).toMatchObject({ status: 'available' });
  });

  it('deletes a file and its content, but not while a job that has not ended uses it', async () => {
    const file = await client().uploadByUrl('busy.csv', 'a,b\n1,2\n');
    const created = await api().POST('/jobs', {
      body: { type: 'file', operation: 'extract', source: file.id },
    });
    const job = bodyOf(created, 201).data;
    await client().pollJob(job.id, (j) => j.status === 'READY');
    const refused = await api().DELETE('/files/{id}', byId(file.id));
    expect(problemOf(refused, 409).detail).toContain(job.id);

    await api().POST('/jobs/{id}/cancel', byId(job.id));
    const deleted = await api().DELETE('/files/{id}', byId(file.id));
    expect(bodyOf(deleted, 200).data).toMatchObject({ id: file.id, deleted: true });
    expect((await api().GET('/files/{id}', byId(file.id))).response.status).toBe(404);
    expect((await api().GET('/files/{id}/content', byId(file.id))).response.status).toBe(404);
    expect((await api().DELETE('/files/{id}', byId(file.id))).response.status).toBe(404);
  });

  it('lists workbooks, and deletes one with its sheets and records', async () => {
    const { workbook, sheetId } = await smallTypedSheet(50);
    const listed = bodyOf(await api().GET('/workbooks', { params: { query: { limit: 100 } } }), 200).data;
    expect(listed.map((w) => w.id)).toContain(workbook.id);
    expect(bodyOf(await api().GET('/sheets/{id}', byId(sheetId)), 200).data.counts.records).toBe(50);

    const created = await api().POST('/jobs', {
      body: { type: 'sheet', operation: 'export', source: sheetId },
    });
    const busy = bodyOf(created, 201).data;
    await client().pollJob(busy.id, (j) => j.status === 'READY');
    const refused = await api().DELETE('/workbooks/{id}', byId(workbook.id));
    expect(problemOf(refused, 409).detail).toContain(busy.id);
    await api().POST('/jobs/{id}/cancel', byId(busy.id));

    const deleted = await api().DELETE('/workbooks/{id}', byId(workbook.id));
    expect(bodyOf(deleted, 200).data).toMatchObject({ id: workbook.id, deleted: true });
    expect((await api().GET('/workbooks/{id}', byId(workbook.id))).response.status).toBe(404);
    expect((await api().GET('/sheets/{id}', byId(sheetId))).response.status).toBe(404);
    expect((await api().GET('/sheets/{id}/records', byId(sheetId))).response.status).toBe(404);
    const after = bodyOf(await api().GET('/workbooks', { params: { query: { limit: 100 } } }), 200).data;
    expect(after.map((w) => w.id)).not.toContain(workbook.id);
  });
});

describe('bad requests', () => {
  it('names the allowed types when an operation gets the wrong one', async () => {
    for (const operation of ['map', 'delete', 'export']) {
      const response = await api().POST('/jobs', { body: { type: 'file', operation, source: 'file_x' } });
      expect(problemOf(response, 400).detail).toMatch(/takes type "workbook" or "sheet", not "file"/);
    }
    const extract = await api().POST('/jobs', {
      body: { type: 'workbook', operation: 'extract', source: 'wb_x' },
    });
    expect(problemOf(extract, 400).detail).toMatch(/takes type "file"/);
  });

  it('rejects a map without a destination, or with fields the sheets do not have', async () => {
    const source = await typedWorkbook('Map source');
    const destination = await typedWorkbook('Map destination');
    const base: CreateJobBody = { type: 'workbook', operation: 'map', source: source.id };
    const noDestination = await api().POST('/jobs', { body: { ...base, config: { mappings: [{}] } } });
    expect(problemOf(noDestination, 400).errors).toContainEqual(
      expect.objectContaining({ pointer: '/destination' }),
    );

    const badFields = await api().POST('/jobs', {
      body: {
        ...base,
        destination: destination.id,
        config: { mappings: [{ fields: { nope: 'id', name: 'missing' } }] },
      },
    });
    expect(problemOf(badFields, 400).detail).toMatch(/no field "nope".*no field "missing"/);

    const ok = await api().POST('/jobs', {
      body: { ...base, destination: destination.id, config: { mappings: [{}] } },
    });
    expect(memberAt(bodyOf(ok, 201).data.config, 'mappings', 0, 'fields')).toEqual(
      Object.fromEntries(KEYS.map((k) => [k, k])),
    );
  });

  it('rejects a records filter that is not true or false', async () => {
    const workbook = await typedWorkbook('Query');
    // `valid` is "true" or "false" in the document: the typed client cannot send another.
    const response = await t.raw('GET', `/sheets/${sheetOf(workbook).id}/records?valid=maybe`);
    expect(response.status).toBe(400);
  });
});
