import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeXlsx } from '../../shared/formats/xlsx/write.js';
import { apiClient } from '../helpers/client.js';
import {
  type LocalStack,
  remoteTarget,
  removeDataDir,
  startLocalStack,
  type Target,
} from '../helpers/stack.js';
import { generateTypedCsv, TYPED_FIELDS } from './data-plane.fixture.js';
import { dataPlaneSteps } from './data-plane.steps.js';

let target: Target;
let local: LocalStack | undefined;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  local = remoteTarget ? undefined : await startLocalStack();
  target = remoteTarget ?? (local as LocalStack);
  api = apiClient(target);
}, 90_000);

afterAll(async () => {
  await local?.stop();
  if (local) await removeDataDir(local.dataDir);
});

/** Rows of the chain (DATA_PLANE_ROWS=3000 for a quick run; the 1,000,000-row run is the benchmark's). */
const ROWS = Number(process.env.DATA_PLANE_ROWS ?? 100_000);
const KEYS = TYPED_FIELDS.map((f) => f.key);

const { runJob, typedWorkbook, download, expectRecords, smallTypedSheet } = dataPlaneSteps(() => api);

describe('the data plane, as one chain over the API', () => {
  it(`extracts ${ROWS.toLocaleString('en-US')} rows, maps them to types, deletes the invalid, exports CSV and extracts it again`, async () => {
    // Prepare
    const csv = generateTypedCsv(ROWS, 11);
    const invalid = csv.expected.filter((e) => e.invalid.length > 0);
    const valid = csv.expected.filter((e) => e.invalid.length === 0);
    expect(invalid.length).toBeGreaterThan(ROWS / 20); // the fixture does exercise invalid values
    const file = await api.uploadFile('people.csv', csv.text);

    // Act + Assess: extract into a new workbook of text fields
    const extracted = await runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: Math.max(4096, ROWS * 3) },
    });
    expect(extracted).toMatchObject({ status: 'COMPLETED', outcome: { records: ROWS, invalid: 0 } });
    expect(extracted.parts).toBeGreaterThan(10);
    const source = (await api.call('GET', `/workbooks/${extracted.destination}`)).body.data;
    const sourceSheet = source.sheets[0];
    expect(sourceSheet.fields.map((f: { key: string }) => f.key)).toEqual(KEYS);
    const texts = await api.allRecords(sourceSheet.id);
    expect(texts.length).toBe(ROWS);
    expect(texts.findIndex((r, i) => KEYS.some((k, c) => r.values[k] !== csv.rows[i]?.[c]))).toBe(-1);

    // map into a typed workbook
    const typed = await typedWorkbook('Typed people');
    const mapBody = {
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
    const extractParts = await api.call('GET', `/jobs/${extracted.id}/parts?limit=1000`);
    const filled = extractParts.body.data.filter((p: { stats: { rows: number } }) => p.stats.rows > 0).length;
    expect(mapped).toMatchObject({ status: 'COMPLETED', parts: filled });
    expect(mapped.outcome).toMatchObject({ records: ROWS, invalid: invalid.length, valid: valid.length });
    const typedSheet = typed.sheets[0].id;
    const first = await api.allRecords(typedSheet);
    expectRecords(first, csv.expected);
    expect(new Set(first.map((r) => r.id)).size).toBe(ROWS);
    const sheet = (await api.call('GET', `/sheets/${typedSheet}`)).body.data;
    expect(sheet.counts).toEqual({ records: ROWS, valid: valid.length, invalid: invalid.length });

    // the same map again gives the same destination, not twice the records
    const again = await runJob(mapBody);
    expect(again.outcome).toMatchObject({ records: ROWS, mappings: [{ replacedEarlierMap: true }] });
    expect(await api.allRecords(typedSheet)).toEqual(first);

    // records filtered by validity
    const page = await api.call('GET', `/sheets/${typedSheet}/records?valid=false&limit=1000&offset=1000`);
    expect(page.body.total).toBe(invalid.length);
    expectRecords(page.body.data, invalid.slice(1000, 2000));

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
    const kept = await api.allRecords(typedSheet);
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
    const exportFile = (await api.call('GET', `/files/${exported.destination}`)).body.data;
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
    expectRecords(await api.allRecords(back.sheets[0].id), valid);
  }, 600_000);
});

describe('delete', () => {
  it('deletes by ids, by field value and all, counting what went and what stayed', async () => {
    const { csv, sheetId, job } = await smallTypedSheet(400);
    expect(job.parts).toBeGreaterThan(3);
    const records = await api.allRecords(sheetId);
    expectRecords(records, csv.expected);

    // by ids
    const ids = [records[0].id, records[150].id, records[399].id];
    const byIds = await runJob({
      type: 'sheet',
      operation: 'delete',
      source: sheetId,
      config: { filter: { ids } },
    });
    expect(byIds.outcome).toMatchObject({ deleted: 3, kept: 397 });
    let left = await api.allRecords(sheetId);
    expect(left.map((r) => r.id)).toEqual(records.filter((r) => !ids.includes(r.id)).map((r) => r.id));

    // by a field value, given as text and converted to the field's type ("pending" finds "Pending")
    const pending = left.filter((r) => r.values.status === 'Pending').length;
    expect(pending).toBeGreaterThan(0);
    const byField = await runJob({
      type: 'workbook',
      operation: 'delete',
      source: (await api.call('GET', `/sheets/${sheetId}`)).body.data.workbookId,
      config: { sheet: 'people', filter: { field: 'status', equals: 'pending' } },
    });
    expect(byField.outcome).toMatchObject({ deleted: pending, kept: 397 - pending });
    const expectedLeft = left.filter((r) => r.values.status !== 'Pending');
    left = await api.allRecords(sheetId);
    expect(left).toEqual(expectedLeft);

    // all (the default filter)
    const all = await runJob({ type: 'sheet', operation: 'delete', source: sheetId });
    expect(all.outcome).toMatchObject({ deleted: expectedLeft.length, kept: 0 });
    expect(await api.allRecords(sheetId)).toEqual([]);
    expect((await api.call('GET', `/sheets/${sheetId}`)).body.data.counts).toEqual({
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
    const response = await api.call('POST', '/jobs', {
      type: 'sheet',
      operation: 'delete',
      source: workbook.sheets[0].id,
      config: { filter: { field: 'nope', equals: 1 } },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '/config/filter/field' }));
  });
});

describe('export', () => {
  it('escapes cells a spreadsheet would run as formulas, unless told not to', async () => {
    const cells = ['=SUM(A1:A2)', '+1+2', '-x', '@cmd', '\tpad', '-12.5', 'plain'];
    const csvText = `id,name\n${cells.map((c, i) => `${i},"${c}"`).join('\n')}\n`;
    const file = await api.uploadFile('formulas.csv', csvText);
    const extracted = await runJob({ type: 'file', operation: 'extract', source: file.id });
    const sheetId = extracted.outcome.sheetId;

    const escaped = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { fields: ['name'] },
    });
    const lines = (await download(escaped.destination)).trimEnd().split('\r\n');
    expect(lines).toEqual(['name', "'=SUM(A1:A2)", "'+1+2", "'-x", "'@cmd", "'\tpad", '-12.5', 'plain']);

    const raw = await runJob({
      type: 'sheet',
      operation: 'export',
      source: sheetId,
      config: { fields: ['name'], escapeFormulas: false, header: false },
    });
    expect((await download(raw.destination)).trimEnd().split('\r\n')).toEqual(cells);
  });

  it('writes typed values with their JSON types in JSON and NDJSON', async () => {
    const { sheetId } = await smallTypedSheet(50);
    const original = await api.allRecords(sheetId);
    const valid = original.filter((r) => r.valid);
    for (const format of ['json', 'ndjson']) {
      const exported = await runJob({
        type: 'sheet',
        operation: 'export',
        source: sheetId,
        config: { format },
      });
      const text = await download(exported.destination);
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
    const parsed = JSON.parse(await download(json.destination));
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
    const file = (await api.call('GET', `/files/${ndjson.destination}`)).body.data;
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
    expect((await download(tsv.destination)).split('\r\n')[0]).toBe('Full name\tAmount (EUR)');
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
        source: exported.destination,
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
      expectRecords(await api.allRecords(back.sheets[0].id), csv.expected);
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
    const file = await api.uploadFile('book.xlsx', bytes);
    const job = await runJob({ type: 'file', operation: 'extract', source: file.id });
    expect(job).toMatchObject({ parts: 3, outcome: { format: 'xlsx', records: 9 } });
    const workbook = (await api.call('GET', `/workbooks/${job.destination}`)).body.data;
    expect(workbook.sheets.map((s: { name: string }) => s.name)).toEqual(['People', 'Teams', 'Places']);
    expect((await api.allRecords(workbook.sheets[2].id)).map((r) => r.values.code)).toEqual([
      'Places-0',
      'Places-1',
      'Places-2',
      'Places-3',
    ]);

    const typed = await typedWorkbook('From XLSX');
    const into = await runJob({ type: 'file', operation: 'extract', source: file.id, destination: typed.id });
    expect(into.outcome).toMatchObject({ records: 2, unmatchedWorksheets: ['Teams', 'Places'] });
    expect((await api.allRecords(typed.sheets[0].id)).map((r) => r.values)).toEqual([
      { id: 1, name: 'Ada', amount: null, active: null, joined: null, status: null },
      { id: 2, name: 'Grace', amount: null, active: null, joined: null, status: null },
    ]);
  });

  it('reads Latin-1 (when told), UTF-16 with a BOM, and a large NDJSON file in many parts', async () => {
    const text = 'name;city\nZoë;Köln\nAnaïs;Besançon\n';
    const latin1 = await api.uploadFile('latin1.csv', Buffer.from(text, 'latin1'));
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
    expect((await api.allRecords(fromLatin1.outcome.sheetId)).map((r) => r.values)).toEqual(rows);

    const utf16 = await api.uploadFile(
      'utf16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const fromUtf16 = await runJob({ type: 'file', operation: 'extract', source: utf16.id });
    expect((await api.allRecords(fromUtf16.outcome.sheetId)).map((r) => r.values)).toEqual(rows);

    const objects = Array.from({ length: 5000 }, (_, i) => ({
      id: i,
      note: `line ${i}, "quoted" é`,
      ok: i % 2 === 0,
    }));
    const ndjson = await api.uploadFile(
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
    const records = await api.allRecords(fromNdjson.outcome.sheetId);
    expect(records.map((r) => r.values)).toEqual(
      objects.map((o) => ({ id: String(o.id), note: o.note, ok: String(o.ok) })),
    );
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
    const file = await api.uploadFile('people.csv', text);
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
    const records = await api.allRecords(workbook.sheets[0].id);
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
    const file = await api.uploadFile('later.csv', 'a,b\n1,2\n');
    expect(file.status).toBe('pending');
    const fetched = await api.call('GET', `/files/${file.id}`);
    expect(fetched.body.data).toMatchObject({ status: 'available', size: 8, mediaType: 'text/csv' });
    const listed = await api.call('GET', '/files?limit=100');
    expect(listed.body.data.find((f: { id: string }) => f.id === file.id)).toMatchObject({
      status: 'available',
    });
  });

  it('deletes a file and its content, but not while a job that has not ended uses it', async () => {
    const file = await api.uploadFile('busy.csv', 'a,b\n1,2\n');
    const job = await api.call('POST', '/jobs', { type: 'file', operation: 'extract', source: file.id });
    await api.waitForJob(job.body.data.id, (j) => j.status === 'READY');
    const refused = await api.call('DELETE', `/files/${file.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(job.body.data.id);

    await api.call('POST', `/jobs/${job.body.data.id}/cancel`);
    const deleted = await api.call('DELETE', `/files/${file.id}`);
    expect(deleted).toMatchObject({ status: 200, body: { data: { id: file.id, deleted: true } } });
    expect((await api.call('GET', `/files/${file.id}`)).status).toBe(404);
    expect((await api.call('GET', `/files/${file.id}/content`)).status).toBe(404);
    expect((await api.call('DELETE', `/files/${file.id}`)).status).toBe(404);
  });

  it('lists workbooks, and deletes one with its sheets and records', async () => {
    const { workbook, sheetId } = await smallTypedSheet(50);
    const listed = await api.call('GET', '/workbooks?limit=100');
    expect(listed.body.data.map((w: { id: string }) => w.id)).toContain(workbook.id);
    expect((await api.call('GET', `/sheets/${sheetId}`)).body.data.counts.records).toBe(50);

    const busy = await api.call('POST', '/jobs', { type: 'sheet', operation: 'export', source: sheetId });
    await api.waitForJob(busy.body.data.id, (j) => j.status === 'READY');
    const refused = await api.call('DELETE', `/workbooks/${workbook.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(busy.body.data.id);
    await api.call('POST', `/jobs/${busy.body.data.id}/cancel`);

    const deleted = await api.call('DELETE', `/workbooks/${workbook.id}`);
    expect(deleted).toMatchObject({ status: 200, body: { data: { id: workbook.id, deleted: true } } });
    expect((await api.call('GET', `/workbooks/${workbook.id}`)).status).toBe(404);
    expect((await api.call('GET', `/sheets/${sheetId}`)).status).toBe(404);
    expect((await api.call('GET', `/sheets/${sheetId}/records`)).status).toBe(404);
    const after = await api.call('GET', '/workbooks?limit=100');
    expect(after.body.data.map((w: { id: string }) => w.id)).not.toContain(workbook.id);
  });
});

describe('bad requests', () => {
  it('names the allowed types when an operation gets the wrong one', async () => {
    for (const operation of ['map', 'delete', 'export']) {
      const response = await api.call('POST', '/jobs', { type: 'file', operation, source: 'file_x' });
      expect(response.status).toBe(400);
      expect(response.body.detail).toMatch(/takes type "workbook" or "sheet", not "file"/);
    }
    const extract = await api.call('POST', '/jobs', {
      type: 'workbook',
      operation: 'extract',
      source: 'wb_x',
    });
    expect(extract.body.detail).toMatch(/takes type "file"/);
  });

  it('rejects a map without a destination, or with fields the sheets do not have', async () => {
    const source = await typedWorkbook('Map source');
    const destination = await typedWorkbook('Map destination');
    const base = { type: 'workbook', operation: 'map', source: source.id };
    const noDestination = await api.call('POST', '/jobs', { ...base, config: { mappings: [{}] } });
    expect(noDestination.status).toBe(400);
    expect(noDestination.body.errors).toContainEqual(expect.objectContaining({ pointer: '/destination' }));

    const badFields = await api.call('POST', '/jobs', {
      ...base,
      destination: destination.id,
      config: { mappings: [{ fields: { nope: 'id', name: 'missing' } }] },
    });
    expect(badFields.status).toBe(400);
    expect(badFields.body.detail).toMatch(/no field "nope".*no field "missing"/);

    const ok = await api.call('POST', '/jobs', {
      ...base,
      destination: destination.id,
      config: { mappings: [{}] },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.data.config.mappings[0].fields).toEqual(Object.fromEntries(KEYS.map((k) => [k, k])));
  });

  it('rejects a records filter that is not true or false', async () => {
    const workbook = await typedWorkbook('Query');
    const response = await api.call('GET', `/sheets/${workbook.sheets[0].id}/records?valid=maybe`);
    expect(response.status).toBe(400);
  });
});
