import { resolveSheet, workbookOf } from '../../operations/resources.js';
import { readRecords, sheetCounts } from '../../operations/segments.js';
import { changeWorkbook, createWorkbook, deleteWorkbook, workbookETag } from '../../resources/workbooks.js';
import type { Services } from '../../services.js';
import { workbookBlueprint, workbookPatch } from '../blueprint.js';
import {
  type ApiEvent,
  created,
  environmentOf,
  idParam,
  jsonBody,
  list,
  ok,
  queryParams,
} from '../request.js';
import { CreateWorkbookBody, CursorQuery, PatchWorkbookBody, RecordsQuery } from '../schemas.js';

/** A workbook with its ETag, for GET, PATCH and the 201 of POST. */
const tagged = (workbook: Parameters<typeof workbookETag>[0]) => ({ etag: workbookETag(workbook) });

export function workbookRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/workbooks',
      handler: async (event: ApiEvent) => {
        const blueprint = workbookBlueprint(jsonBody(event, CreateWorkbookBody));
        const workbook = await createWorkbook(services(), environmentOf(event), blueprint);
        return created(workbook, `/workbooks/${workbook.id}`, tagged(workbook));
      },
    },
    {
      method: 'GET' as const,
      path: '/workbooks',
      handler: async (event: ApiEvent) => {
        const { limit, next } = queryParams(event, CursorQuery);
        const page = await services().resources.listWorkbooks(environmentOf(event), limit, next);
        return list(page.workbooks, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const workbook = await workbookOf(
          services(),
          environmentOf(event),
          idParam(event, 'Workbook', 'workbook'),
        );
        return ok(workbook, 200, tagged(workbook));
      },
    },
    {
      method: 'DELETE' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Workbook', 'workbook');
        await deleteWorkbook(services(), environmentOf(event), id);
        return ok({ id, deleted: true });
      },
    },
    {
      method: 'PATCH' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Workbook', 'workbook');
        const change = workbookPatch(jsonBody(event, PatchWorkbookBody));
        const ifMatch = event.headers['if-match'];
        const workbook = await changeWorkbook(services(), environmentOf(event), id, change, ifMatch);
        return ok(workbook, 200, tagged(workbook));
      },
    },
    {
      method: 'GET' as const,
      path: '/sheets/{id}',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Sheet', 'sheet');
        const sheet = await resolveSheet(services(), environmentOf(event), id);
        const counts = sheetCounts(await services().resources.listSegments(sheet.id));
        return ok({ ...sheet, recordCount: counts.records, counts });
      },
    },
    {
      method: 'GET' as const,
      path: '/sheets/{id}/records',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Sheet', 'sheet');
        const { offset, limit, valid } = queryParams(event, RecordsQuery);
        const sheet = await resolveSheet(services(), environmentOf(event), id);
        const { records, total } = await readRecords(services(), sheet.id, offset, limit, valid);
        const next = offset + records.length < total ? String(offset + records.length) : undefined;
        return list(records, next, { total });
      },
    },
  ];
}
