import { expect } from 'vitest';
import { parseCsvRows } from '../../shared/formats/csv/rows.js';
import { REPORT_COLUMNS } from '../../shared/operations/report.js';
import type { apiClient } from './client.js';

/** A row of the rejected-rows report (docs/report.md), by column. */
export type ReportRow = Record<(typeof REPORT_COLUMNS)[number], string>;

/** The report a job's outcome links, downloaded as a caller would: GET /files/:id, then its content. */
export async function downloadReport(
  api: ReturnType<typeof apiClient>,
  outcome: { next?: { type: string; fileId: string } },
): Promise<ReportRow[]> {
  expect(outcome.next?.type).toBe('download');
  const fileId = String(outcome.next?.fileId);
  const file = await api.call('GET', `/files/${fileId}`);
  expect(file.status).toBe(200);
  expect(file.body.data).toMatchObject({ id: fileId, status: 'available', mediaType: 'text/csv' });
  const redirect = await api.call('GET', `/files/${fileId}/content`);
  expect(redirect.status).toBe(303);
  const response = await fetch(String(redirect.headers.get('location')));
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
