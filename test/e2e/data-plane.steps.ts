/** The steps the data-plane e2e suites take over the API: run a job, make a typed workbook, download, compare records. */
import { expect } from 'vitest';
import type { apiClient } from '../helpers/client.js';
import { type ExpectedRecord, generateTypedCsv, TYPED_FIELDS } from './data-plane.fixture.js';

const KEYS = TYPED_FIELDS.map((f) => f.key);

export function dataPlaneSteps(apiOf: () => ReturnType<typeof apiClient>) {
  async function runJob(body: Record<string, unknown>) {
    const created = await apiOf().call('POST', '/jobs', { trigger: 'immediate', ...body });
    if (created.status !== 201)
      throw new Error(`POST /jobs: ${created.status} ${JSON.stringify(created.body)}`);
    const job = await apiOf().waitForJob(
      created.body.data.id,
      (j) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(j.status),
      200_000,
    );
    if (job.status !== 'COMPLETED')
      throw new Error(`${body.operation} ${job.status}: ${JSON.stringify(job.error)}`);
    return job;
  }

  async function typedWorkbook(name: string) {
    const created = await apiOf().call('POST', '/workbooks', {
      name,
      sheets: [{ name: 'People', fields: TYPED_FIELDS }],
    });
    expect(created.status).toBe(201);
    return created.body.data;
  }

  async function download(fileId: string): Promise<string> {
    const redirect = await apiOf().call('GET', `/files/${fileId}/content`);
    expect(redirect.status).toBe(303);
    const response = await fetch(String(redirect.headers.get('location')));
    expect(response.status).toBe(200);
    return response.text();
  }

  /** Records as the API returns them, compared with what the fixture says they should be. */
  function expectRecords(records: any[], expected: ExpectedRecord[]) {
    expect(records.length).toBe(expected.length);
    const mismatch = records.findIndex((record, i) => {
      const want = expected[i] as ExpectedRecord;
      return (
        KEYS.some((key) => record.values[key] !== want.values[key]) ||
        record.valid !== (want.invalid.length === 0) ||
        JSON.stringify(Object.keys(record.messages ?? {}).sort()) !== JSON.stringify([...want.invalid].sort())
      );
    });
    expect(
      mismatch === -1 ? undefined : { got: records[mismatch], want: expected[mismatch] },
    ).toBeUndefined();
  }

  /** A small typed sheet of `rows` people, extracted from CSV in parts of ~`partSize` bytes. */
  async function smallTypedSheet(rows: number, partSize = 4096) {
    const csv = generateTypedCsv(rows, 5);
    const file = await apiOf().uploadFile('small.csv', csv.text);
    const workbook = await typedWorkbook('Small');
    const job = await runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: workbook.id,
      config: { partSizeBytes: partSize },
    });
    return { csv, workbook, sheetId: workbook.sheets[0].id as string, job };
  }

  return { runJob, typedWorkbook, download, expectRecords, smallTypedSheet };
}
