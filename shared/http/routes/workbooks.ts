import { ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { Workbook } from '../../domain/resources.js';
import { ensureUnused, resolveSheet, workbookOf } from '../../operations/resources.js';
import { readRecords, sheetCounts, sheetObjectsPrefix } from '../../operations/segments.js';
import type { Services } from '../../services.js';
import { workbookBlueprint, workbookPatch } from '../blueprint.js';
import { ensureJsonSize, WORKBOOK_JSON_BYTES } from '../limits.js';
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

/** 413 when a workbook, sheets and actions inline, would not fit the one item it is stored as. */
function ensureStorable(workbook: Workbook): void {
  ensureJsonSize(
    ['body'],
    workbook,
    WORKBOOK_JSON_BYTES,
    'A workbook with its sheets, fields and actions (one item)',
  );
}

export function workbookRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/workbooks',
      handler: async (event: ApiEvent) => {
        const body = workbookBlueprint(jsonBody(event, CreateWorkbookBody));
        const environmentId = environmentOf(event);
        const now = services().now().toISOString();
        const workbookId = newId('workbook');
        const workbook: Workbook = {
          id: workbookId,
          environmentId,
          name: body.name,
          sheets: body.sheets.map((sheet) => ({
            id: newId('sheet'),
            workbookId,
            environmentId,
            name: sheet.name,
            ...(sheet.slug ? { slug: sheet.slug } : {}),
            fields: sheet.fields,
            ...(sheet.actions ? { actions: sheet.actions } : {}),
            createdAt: now,
          })),
          ...(body.actions ? { actions: body.actions } : {}),
          createdAt: now,
          updatedAt: now,
        };
        ensureStorable(workbook);
        await services().resources.putWorkbook(workbook);
        return created(workbook, `/workbooks/${workbook.id}`);
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
      handler: async (event: ApiEvent) =>
        ok(await workbookOf(services(), environmentOf(event), idParam(event, 'Workbook', 'workbook'))),
    },
    {
      method: 'DELETE' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const environmentId = environmentOf(event);
        const workbook = await workbookOf(services(), environmentId, idParam(event, 'Workbook', 'workbook'));
        const ids = new Set([workbook.id, ...workbook.sheets.map((sheet) => sheet.id)]);
        await ensureUnused(services(), environmentId, `Workbook ${workbook.id}`, ids);
        // Segment objects, then the items (the workbook's last): a delete cut short can be repeated.
        for (const sheet of workbook.sheets) {
          await services().blobs.remove(await services().blobs.list(sheetObjectsPrefix(sheet.id)));
        }
        await services().resources.deleteWorkbook(workbook);
        return ok({ id: workbook.id, deleted: true });
      },
    },
    {
      method: 'PATCH' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'Workbook', 'workbook');
        const body = workbookPatch(jsonBody(event, PatchWorkbookBody));
        const workbook = await workbookOf(services(), environmentOf(event), id);
        const sheetActions = new Map((body.sheets ?? []).map((sheet) => [sheet.id, sheet.actions]));
        const unknown = [...sheetActions.keys()].filter(
          (sheetId) => !workbook.sheets.some((s) => s.id === sheetId),
        );
        if (unknown.length > 0) {
          throw new ValidationError(`Workbook ${id} has no sheet ${unknown.join(', ')}.`, {
            errors: unknown.map((sheetId) => ({
              path: ['body', 'sheets'],
              detail: `unknown sheet ${sheetId}`,
            })),
          });
        }
        const updated: Workbook = {
          ...workbook,
          ...(body.name ? { name: body.name } : {}),
          ...(body.actions ? { actions: body.actions } : {}),
          sheets: workbook.sheets.map((sheet) => {
            const actions = sheetActions.get(sheet.id);
            return actions ? { ...sheet, actions } : sheet;
          }),
          updatedAt: services().now().toISOString(),
        };
        ensureStorable(updated);
        await services().resources.putWorkbook(updated);
        return ok(updated);
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
