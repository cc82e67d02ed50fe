import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { DataFile, Workbook } from '../../domain/resources.js';
import { resolveSheet } from '../../operations/resources.js';
import { readRecords } from '../../operations/segments.js';
import type { Services } from '../../services.js';
import {
  type ApiEvent,
  ensureSize,
  environmentOf,
  jsonBody,
  list,
  ok,
  pathParam,
  queryParams,
  rawBody,
} from '../request.js';
import { CreateFileBody, CreateWorkbookBody, CursorQuery, PageQuery, PatchWorkbookBody } from '../schemas.js';

/** Presigned URLs live this long. */
const URL_TTL_SECONDS = 3600;
/** API Gateway HTTP APIs take request bodies up to 10 MB. */
const DIRECT_UPLOAD_LIMIT = 10 * 1024 * 1024;

async function fileOf(services: Services, environmentId: string, id: string): Promise<DataFile> {
  const file = await services.resources.getFile(id);
  if (!file || file.environmentId !== environmentId) throw new NotFoundError('File', id);
  return file;
}

export function resourceRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/files',
      handler: async (event: ApiEvent) => {
        const body = jsonBody(event, CreateFileBody);
        const now = services().now().toISOString();
        const id = newId('file');
        const file: DataFile = {
          id,
          environmentId: environmentOf(event),
          name: body.name,
          mediaType: body.mediaType ?? 'text/csv',
          status: 'pending',
          key: `uploads/${id}`,
          createdAt: now,
          updatedAt: now,
        };
        await services().resources.putFile(file);
        const uploadUrl = await services().blobs.presignPut(file.key, URL_TTL_SECONDS);
        return ok({ ...file, uploadUrl, uploadUrlExpiresIn: URL_TTL_SECONDS }, 201);
      },
    },
    {
      method: 'GET' as const,
      path: '/files',
      handler: async (event: ApiEvent) => {
        const { limit, next } = queryParams(event, CursorQuery);
        const page = await services().resources.listFiles(environmentOf(event), limit, next);
        return list(page.files, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) =>
        ok(await fileOf(services(), environmentOf(event), pathParam(event, 'id'))),
    },
    {
      method: 'PUT' as const,
      path: '/files/{id}/content',
      handler: async (event: ApiEvent) => {
        const file = await fileOf(services(), environmentOf(event), pathParam(event, 'id'));
        const bytes = rawBody(event);
        ensureSize(bytes.length, DIRECT_UPLOAD_LIMIT);
        await services().blobs.write(file.key, bytes, file.mediaType);
        const updated = await services().resources.updateFile(file.id, {
          status: 'available',
          size: bytes.length,
          updatedAt: services().now().toISOString(),
        });
        return ok(updated);
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}/content',
      handler: async (event: ApiEvent) => {
        const file = await fileOf(services(), environmentOf(event), pathParam(event, 'id'));
        if (file.status !== 'available' && (await services().blobs.size(file.key)) === undefined) {
          throw new ValidationError(`File ${file.id} has no content yet.`);
        }
        const url = await services().blobs.presignGet(file.key, URL_TTL_SECONDS, file.name);
        return { statusCode: 303, headers: { location: url }, body: '' };
      },
    },
    {
      method: 'POST' as const,
      path: '/workbooks',
      handler: async (event: ApiEvent) => {
        const body = jsonBody(event, CreateWorkbookBody);
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
            fields: sheet.fields,
            ...(sheet.actions ? { actions: sheet.actions } : {}),
            createdAt: now,
          })),
          ...(body.actions ? { actions: body.actions } : {}),
          createdAt: now,
          updatedAt: now,
        };
        await services().resources.putWorkbook(workbook);
        return ok(workbook, 201);
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
        const id = pathParam(event, 'id');
        const workbook = await services().resources.getWorkbook(id);
        if (!workbook || workbook.environmentId !== environmentOf(event))
          throw new NotFoundError('Workbook', id);
        return ok(workbook);
      },
    },
    {
      method: 'PATCH' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const id = pathParam(event, 'id');
        const body = jsonBody(event, PatchWorkbookBody);
        const workbook = await services().resources.getWorkbook(id);
        if (!workbook || workbook.environmentId !== environmentOf(event))
          throw new NotFoundError('Workbook', id);
        const sheetActions = new Map((body.sheets ?? []).map((sheet) => [sheet.id, sheet.actions]));
        const unknown = [...sheetActions.keys()].filter(
          (sheetId) => !workbook.sheets.some((s) => s.id === sheetId),
        );
        if (unknown.length > 0) {
          throw new ValidationError(`Workbook ${id} has no sheet ${unknown.join(', ')}.`, {
            errors: unknown.map((sheetId) => ({
              pointer: 'body.sheets',
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
        await services().resources.putWorkbook(updated);
        return ok(updated);
      },
    },
    {
      method: 'GET' as const,
      path: '/sheets/{id}',
      handler: async (event: ApiEvent) => {
        const id = pathParam(event, 'id');
        if (!id.startsWith('sh_')) throw new NotFoundError('Sheet', id);
        const sheet = await resolveSheet(services(), environmentOf(event), id);
        const segments = await services().resources.listSegments(sheet.id);
        return ok({ ...sheet, recordCount: segments.reduce((sum, s) => sum + s.rows, 0) });
      },
    },
    {
      method: 'GET' as const,
      path: '/sheets/{id}/records',
      handler: async (event: ApiEvent) => {
        const id = pathParam(event, 'id');
        if (!id.startsWith('sh_')) throw new NotFoundError('Sheet', id);
        const { offset, limit } = queryParams(event, PageQuery);
        const sheet = await resolveSheet(services(), environmentOf(event), id);
        const { records, total } = await readRecords(services(), sheet.id, offset, limit);
        const next = offset + records.length < total ? String(offset + records.length) : undefined;
        return list(records, next, { total });
      },
    },
  ];
}
