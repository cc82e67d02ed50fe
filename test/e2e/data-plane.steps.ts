/** The steps the data-plane e2e suites take over the API: run a job, make a typed workbook, download, compare records. */
import type { CreateJobBody, Job, SheetRecord } from 'partwise/client';
import { expect } from 'vitest';
import { bodyOf, hasEnded, sheetOf, type TestClient } from '../helpers/client.js';
import { type ExpectedRecord, generateTypedCsv, TYPED_FIELDS } from './data-plane.fixture.js';

const KEYS = TYPED_FIELDS.map((f) => f.key);

export function dataPlaneSteps(clientOf: () => TestClient) {
  /** Creates a job that starts at once, and waits for it to complete (throws when it ends otherwise). */
  async function runJob(body: CreateJobBody): Promise<Job> {
    const created = await clientOf().api.POST('/jobs', { body: { trigger: 'immediate', ...body } });
    const job = await clientOf().pollJob(bodyOf(created, 201).data.id, hasEnded, 200_000);
    if (job.status !== 'COMPLETED')
      throw new Error(`${body.operation} ${job.status}: ${JSON.stringify(job.error)}`);
    return job;
  }

  async function typedWorkbook(name: string) {
    const created = await clientOf().api.POST('/workbooks', {
      body: { name, sheets: [{ name: 'People', fields: TYPED_FIELDS }] },
    });
    return bodyOf(created, 201).data;
  }

  async function download(fileId: string): Promise<string> {
    const redirect = await clientOf().api.GET('/files/{id}/content', { params: { path: { id: fileId } } });
    expect(redirect.response.status).toBe(303);
    const response = await fetch(String(redirect.response.headers.get('location')));
    expect(response.status).toBe(200);
    return response.text();
  }

  /** Records as the API returns them, compared with what the fixture says they should be. */
  function expectRecords(records: SheetRecord[], expected: ExpectedRecord[]) {
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
    const file = await clientOf().uploadByUrl('small.csv', csv.text);
    const workbook = await typedWorkbook('Small');
    const job = await runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      destination: workbook.id,
      config: { partSizeBytes: partSize },
    });
    return { csv, workbook, sheetId: sheetOf(workbook).id, job };
  }

  return { runJob, typedWorkbook, download, expectRecords, smallTypedSheet };
}
