/**
 * The rejected-rows report through HTTP: an extract or map that leaves invalid records or
 * rejected rows links a CSV file that lists exactly them — each invalid field with its line
 * and value as given, each rejected line — downloaded as any file is.
 */
import { describe, expect, it } from 'vitest';
import { downloadReport as download, type ReportRow } from '../helpers/report-download.js';
import { useTarget } from '../helpers/stack.js';
import { type PlantedRow, plantedCsv, plantedNdjson } from '../unit/operations/report-fixtures.js';

const context = useTarget();
const FINAL = ['COMPLETED', 'FAILED', 'CANCELED'];

const PEOPLE = [
  { key: 'id', type: 'number', required: true },
  { key: 'name', type: 'string' },
  { key: 'age', type: 'number' },
];

async function workbook(name: string, fields: unknown[]) {
  const created = await context.api.call('POST', '/workbooks', {
    name,
    sheets: [{ name: 'People', fields }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.data as { id: string; sheets: { id: string }[] };
}

async function runJob(body: Record<string, unknown>) {
  const created = await context.api.call('POST', '/jobs', { trigger: 'immediate', ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const job = await context.api.waitForJob(created.body.data.id, (j) => FINAL.includes(j.status), 60_000);
  expect(job.status, JSON.stringify(job.error)).toBe('COMPLETED');
  return job;
}

async function extractInto(sheetId: string, name: string, content: string, partSizeBytes?: number) {
  const file = await context.api.uploadFile(name, content);
  return runJob({
    type: 'file',
    operation: 'extract',
    source: file.id,
    destination: sheetId,
    config: partSizeBytes ? { partSizeBytes } : {},
  });
}

const downloadReport = (outcome: { next?: { type: string; fileId: string } }) =>
  download(context.api, outcome);

const planted = (rows: ReportRow[]): PlantedRow[] =>
  rows.map(({ kind, line, field, value }) => ({
    kind: kind as PlantedRow['kind'],
    line: Number(line),
    field,
    value,
  }));

describe('the rejected-rows report', () => {
  it('lists exactly the planted invalid values of a CSV extracted in 1 KiB parts, on their lines', async () => {
    // Prepare
    const { text, planted: expected } = plantedCsv(200);
    const target = await workbook('Report CSV', PEOPLE);
    const sheetId = String(target.sheets[0]?.id);
    // Act
    const job = await extractInto(sheetId, 'people.csv', text, 1024);
    // Assess
    expect(job.parts).toBeGreaterThan(2);
    const rows = await downloadReport(job.outcome);
    expect(planted(rows)).toEqual(expected);
    expect(new Set(rows.map((r) => r.part)).size).toBeGreaterThan(1);
    const invalid = (await context.api.allRecords(sheetId)).filter((r: { valid: boolean }) => !r.valid);
    expect(rows.map(({ recordId, field, message }) => ({ recordId, field, message }))).toEqual(
      invalid.flatMap((r: { id: string; messages: Record<string, string> }) =>
        Object.entries(r.messages).map(([field, message]) => ({ recordId: r.id, field, message })),
      ),
    );
    expect(job.outcome.report).toMatchObject({
      fileId: job.outcome.next.fileId,
      rows: expected.length,
      invalidRecords: job.outcome.ledger.recordsInvalid,
      rejectedRows: 0,
      failedParts: 0,
    });
    expect(job.outcome.next.label).toBe(`Download the ${expected.length} rejected and invalid rows`);
  }, 120_000);

  it('lists exactly the malformed lines and invalid records of an NDJSON file', async () => {
    const { text, expected } = plantedNdjson(150);
    const target = await workbook('Report NDJSON', PEOPLE);
    const job = await extractInto(String(target.sheets[0]?.id), 'people.ndjson', text, 1024);
    expect(job.parts).toBeGreaterThan(2);
    const rows = await downloadReport(job.outcome);
    expect(planted(rows)).toEqual(expected);
    expect(
      rows.filter((r) => r.kind === 'rejected').map((r) => ({ line: Number(r.line), reason: r.message })),
    ).toEqual(job.outcome.ledger.rejections);
    expect(job.outcome.report).toMatchObject({
      invalidRecords: job.outcome.ledger.recordsInvalid,
      rejectedRows: job.outcome.ledger.rowsRejected,
    });
  }, 120_000);

  it('lists the invalid records a map made of text fed to a number field', async () => {
    // Prepare: a sheet of text (a new workbook from a CSV), mapped into number fields.
    const file = await context.api.uploadFile(
      'ages.csv',
      'id,name,age\n1,Ada,36\n2,Grace,old\nthree,Alan,41\n4,Edsger,70\n',
    );
    const extracted = await runJob({ type: 'file', operation: 'extract', source: file.id, config: {} });
    expect(extracted.outcome.next).toBeUndefined();
    const typed = await workbook('Report map', PEOPLE);
    // Act
    const job = await runJob({
      type: 'workbook',
      operation: 'map',
      source: extracted.outcome.workbookId,
      destination: typed.id,
      config: {
        mappings: [
          {
            sourceSheet: extracted.outcome.sheetId,
            destinationSheet: 'People',
            fields: { id: 'id', name: 'name', age: 'age' },
          },
        ],
      },
    });
    // Assess
    const rows = await downloadReport(job.outcome);
    const invalid = (await context.api.allRecords(String(typed.sheets[0]?.id))).filter(
      (r: { valid: boolean }) => !r.valid,
    );
    expect(
      rows.map(({ kind, line, recordId, field, value, message }) => [
        kind,
        line,
        recordId,
        field,
        value,
        message,
      ]),
    ).toEqual(
      invalid.flatMap(
        (r: { id: string; values: Record<string, unknown>; messages: Record<string, string> }) =>
          Object.entries(r.messages).map(([field, message]) => [
            'invalid',
            '',
            r.id,
            field,
            String(r.values[field]),
            message,
          ]),
      ),
    );
    expect(rows.map((r) => [r.field, r.value])).toEqual([
      ['age', 'old'],
      ['id', 'three'],
    ]);
    expect(job.outcome.report).toMatchObject({ invalidRecords: job.outcome.invalid, rejectedRows: 0 });
  }, 120_000);
});
