/**
 * The rejected-rows report through HTTP: an extract or map that leaves invalid records or
 * rejected rows links a CSV file that lists exactly them — each invalid field with its line
 * and value as given, each rejected line — downloaded as any file is.
 */
import type { CreateJobBody, Job } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import { bodyOf, type FieldInput, hasEnded, sheetOf } from '../helpers/client.js';
import { memberAt, numberAt, stringAt } from '../helpers/json-members.js';
import { downloadReport as download, type ReportRow } from '../helpers/report-download.js';
import { useTarget } from '../helpers/stack.js';
import { type PlantedRow, plantedCsv, plantedNdjson } from '../unit/operations/report-fixtures.js';

const context = useTarget();

const PEOPLE: FieldInput[] = [
  { key: 'id', type: 'number', required: true },
  { key: 'name', type: 'string' },
  { key: 'age', type: 'number' },
];

async function workbook(name: string, fields: FieldInput[]) {
  const created = await context.client.api.POST('/workbooks', {
    body: { name, sheets: [{ name: 'People', fields }] },
  });
  return bodyOf(created, 201).data;
}

async function runJob(body: CreateJobBody) {
  const created = await context.client.api.POST('/jobs', { body: { trigger: 'immediate', ...body } });
  const job = await context.client.pollJob(bodyOf(created, 201).data.id, hasEnded, 60_000);
  expect(job.status, JSON.stringify(job.error)).toBe('COMPLETED');
  return job;
}

async function extractInto(sheetId: string, name: string, content: string, partSizeBytes?: number) {
  const file = await context.client.uploadByUrl(name, content);
  return runJob({
    type: 'file',
    operation: 'extract',
    source: file.id,
    destination: sheetId,
    config: partSizeBytes ? { partSizeBytes } : {},
  });
}

const downloadReport = (outcome: Job['outcome']) => download(context.client, outcome);

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
    const sheetId = sheetOf(target).id;
    // Act
    const job = await extractInto(sheetId, 'people.csv', text, 1024);
    // Assess
    expect(job.parts).toBeGreaterThan(2);
    const rows = await downloadReport(job.outcome);
    expect(planted(rows)).toEqual(expected);
    expect(new Set(rows.map((r) => r.part)).size).toBeGreaterThan(1);
    const invalid = (await context.client.allRecords(sheetId)).filter((r) => !r.valid);
    expect(invalid.every((r) => r.messages !== undefined)).toBe(true);
    expect(rows.map(({ recordId, field, message }) => ({ recordId, field, message }))).toEqual(
      invalid.flatMap((r) =>
        Object.entries(r.messages ?? {}).map(([field, message]) => ({ recordId: r.id, field, message })),
      ),
    );
    expect(job.outcome?.report).toMatchObject({
      fileId: stringAt(job.outcome, 'next', 'fileId'),
      rows: expected.length,
      invalidRecords: numberAt(job.outcome, 'ledger', 'recordsInvalid'),
      rejectedRows: 0,
      failedParts: 0,
    });
    expect(stringAt(job.outcome, 'next', 'label')).toBe(
      `Download the ${expected.length} rejected and invalid rows`,
    );
  }, 120_000);

  it('lists exactly the malformed lines and invalid records of an NDJSON file', async () => {
    const { text, expected } = plantedNdjson(150);
    const target = await workbook('Report NDJSON', PEOPLE);
    const job = await extractInto(sheetOf(target).id, 'people.ndjson', text, 1024);
    expect(job.parts).toBeGreaterThan(2);
    const rows = await downloadReport(job.outcome);
    expect(planted(rows)).toEqual(expected);
    expect(
      rows.filter((r) => r.kind === 'rejected').map((r) => ({ line: Number(r.line), reason: r.message })),
    ).toEqual(memberAt(job.outcome, 'ledger', 'rejections'));
    expect(job.outcome?.report).toMatchObject({
      invalidRecords: numberAt(job.outcome, 'ledger', 'recordsInvalid'),
      rejectedRows: numberAt(job.outcome, 'ledger', 'rowsRejected'),
    });
  }, 120_000);

  it('lists the invalid records a map made of text fed to a number field', async () => {
    // Prepare: a sheet of text (a new workbook from a CSV), mapped into number fields.
    const file = await context.client.uploadByUrl(
      'ages.csv',
      'id,name,age\n1,Ada,36\n2,Grace,old\nthree,Alan,41\n4,Edsger,70\n',
    );
    const extracted = await runJob({ type: 'file', operation: 'extract', source: file.id, config: {} });
    expect(extracted.outcome).toBeDefined();
    expect(extracted.outcome?.next).toBeUndefined();
    const typed = await workbook('Report map', PEOPLE);
    // Act
    const job = await runJob({
      type: 'workbook',
      operation: 'map',
      source: stringAt(extracted.outcome, 'workbookId'),
      destination: typed.id,
      config: {
        mappings: [
          {
            sourceSheet: stringAt(extracted.outcome, 'sheetId'),
            destinationSheet: 'People',
            fields: { id: 'id', name: 'name', age: 'age' },
          },
        ],
      },
    });
    // Assess
    const rows = await downloadReport(job.outcome);
    const invalid = (await context.client.allRecords(sheetOf(typed).id)).filter((r) => !r.valid);
    expect(invalid.every((r) => r.messages !== undefined)).toBe(true);
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
      invalid.flatMap((r) =>
        Object.entries(r.messages ?? {}).map(([field, message]) => [
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
    expect(job.outcome?.report).toMatchObject({
      invalidRecords: numberAt(job.outcome, 'invalid'),
      rejectedRows: 0,
    });
  }, 120_000);
});
