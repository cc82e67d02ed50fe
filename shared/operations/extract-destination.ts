/** Where an extract's tables go: the sheets of an existing destination, or a new workbook. */
import { derivedId } from '../domain/ids.js';
import type { Job } from '../domain/job.js';
import type { Sheet } from '../domain/resources.js';
import type { Services } from '../services.js';
import { fieldsFromHeader } from './columns.js';
import type { SourceTable } from './extract-source.js';
import { findSheet, resolveSheet, workbookOf } from './resources.js';

/** The sheets of the destination the tables go to: by name, or the first sheet for a one-table file. */
export async function destinationSheets(services: Services, job: Job, tables: SourceTable[]) {
  const destination = job.destination as string;
  if (!destination.startsWith('wb_') || tables.length === 1) {
    const first = await resolveSheet(services, job.environmentId, destination);
    const sheets = destination.startsWith('wb_')
      ? (await workbookOf(services, job.environmentId, destination)).sheets
      : [first];
    const named = findSheet(sheets, tables[0]?.name ?? '');
    return tables.map((_, i) => (i === 0 ? (named ?? first) : undefined));
  }
  const { sheets } = await workbookOf(services, job.environmentId, destination);
  return tables.map((table) => findSheet(sheets, table.name));
}

/** The id of the workbook an extract without a destination creates: the same on every try. */
export const createdWorkbookId = (jobId: string) => derivedId('workbook', jobId);

/** A new workbook named after the file, one text sheet per table (ids derived from the job: a retried plan rewrites them). */
export async function createWorkbook(services: Services, job: Job, fileName: string, tables: SourceTable[]) {
  const workbookId = createdWorkbookId(job.id);
  const sheets: Sheet[] = tables.map((table, i) => ({
    id: derivedId('sheet', i === 0 ? job.id : `${job.id}#${i}`),
    workbookId,
    environmentId: job.environmentId,
    name: table.name,
    fields: fieldsFromHeader(table.header),
    createdAt: job.createdAt,
  }));
  await services.resources.putWorkbook({
    id: workbookId,
    environmentId: job.environmentId,
    name: fileName,
    sheets,
    createdAt: job.createdAt,
    updatedAt: job.createdAt,
  });
  return { workbookId, sheets };
}
