import type { Job } from 'partwise/client';
import { expect } from 'vitest';
import { parseCsvRows } from '../../shared/formats/csv/rows.js';
import { REPORT_COLUMNS } from '../../shared/operations/report.js';
import { bodyOf, type TestClient } from './client.js';
import { stringAt } from './json-members.js';

/** A row of the rejected-rows report (docs/report.md), by column. */
export type ReportRow = Record<(typeof REPORT_COLUMNS)[number], string>;

/** The report a job's outcome links, downloaded as a caller would: GET /files/:id, then its content. */
export async function downloadReport(client: TestClient, outcome: Job['outcome']): Promise<ReportRow[]> {
  expect(stringAt(outcome, 'next', 'type')).toBe('download');
  const fileId = stringAt(outcome, 'next', 'fileId');
  const path = { path: { id: fileId } };
  const file = bodyOf(await client.api.GET('/files/{id}', { params: path }), 200).data;
  expect(file).toMatchObject({ id: fileId, status: 'available', mediaType: 'text/csv' });
  const redirect = await client.api.GET('/files/{id}/content', { params: path });
  expect(redirect.response.status).toBe(303);
  const response = await fetch(String(redirect.response.headers.get('location')));
  expect(response.status).toBe(200);
  return reportRows(new Uint8Array(await response.arrayBuffer()));
}

/** A report file's rows, as objects by column (its header checked). */
export async function reportRows(bytes: Uint8Array): Promise<ReportRow[]> {
  const rows: string[][] = [];
  for await (const batch of parseCsvRows(
    (async function* () {
      yield bytes;
    })(),
  ))
    rows.push(...batch);
  const [header, ...data] = rows;
  expect(header).toEqual([...REPORT_COLUMNS]);
  return data.map(
    (cells) => Object.fromEntries(REPORT_COLUMNS.map((c, i) => [c, cells[i] ?? ''])) as ReportRow,
  );
}
