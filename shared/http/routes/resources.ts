import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { DataFile, Workbook } from '../../domain/resources.js';
import { FORMAT_MEDIA_TYPES, FORMATS } from '../../formats/index.js';
import { ensureUnused, fileOf, refreshFile, resolveSheet, workbookOf } from '../../operations/resources.js';
import { readRecords, sheetCounts, sheetObjectsPrefix } from '../../operations/segments.js';
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
import {
  CreateFileBody,
  CreateWorkbookBody,
  CursorQuery,
  PatchWorkbookBody,
  RecordsQuery,
} from '../schemas.js';

/** Presigned URLs live this long. */
const URL_TTL_SECONDS = 3600;
/** API Gateway HTTP APIs take request bodies up to 10 MB. */
const DIRECT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** The media type a file name suggests (`people.xlsx` → the XLSX type), for uploads that name none. */
function mediaTypeOf(name: string): string {
  const extension = name.match(/\.([^./\\]+)$/)?.[1]?.toLowerCase();
  const format = FORMATS.find((f) => f === extension) ?? (extension === 'jsonl' ? 'ndjson' : undefined);
  return format ? FORMAT_MEDIA_TYPES[format] : 'application/octet-stream';
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
          mediaType: body.mediaType ?? mediaTypeOf(body.name),
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
        const files = await Promise.all(page.files.map((file) => refreshFile(services(), file)));
        return list(files, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) =>
        ok(
          await refreshFile(
            services(),
            await fileOf(services(), environmentOf(event), pathParam(event, 'id')),
          ),
        ),
    },
    {
      method: 'DELETE' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) => {
        const environmentId = environmentOf(event);
        const file = await fileOf(services(), environmentId, pathParam(event, 'id'));
        await ensureUnused(services(), environmentId, `File ${file.id}`, new Set([file.id]));
        // Content first: a delete cut short leaves a record to delete again, never an orphan object.
        await services().blobs.remove([file.key]);
        await services().resources.deleteFile(file.id);
        return ok({ id: file.id, deleted: true });
      },
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
        const file = await refreshFile(
          services(),
          await fileOf(services(), environmentOf(event), pathParam(event, 'id')),
        );
        if (file.status !== 'available') throw new ValidationError(`File ${file.id} has no content yet.`);
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
      handler: async (event: ApiEvent) =>
        ok(await workbookOf(services(), environmentOf(event), pathParam(event, 'id'))),
    },
    {
      method: 'DELETE' as const,
      path: '/workbooks/{id}',
      handler: async (event: ApiEvent) => {
        const environmentId = environmentOf(event);
        const workbook = await workbookOf(services(), environmentId, pathParam(event, 'id'));
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
        const counts = sheetCounts(await services().resources.listSegments(sheet.id));
        return ok({ ...sheet, recordCount: counts.records, counts });
      },
    },
    {
      method: 'GET' as const,
      path: '/sheets/{id}/records',
      handler: async (event: ApiEvent) => {
        const id = pathParam(event, 'id');
        if (!id.startsWith('sh_')) throw new NotFoundError('Sheet', id);
        const { offset, limit, valid } = queryParams(event, RecordsQuery);
        const sheet = await resolveSheet(services(), environmentOf(event), id);
        const { records, total } = await readRecords(services(), sheet.id, offset, limit, valid);
        const next = offset + records.length < total ? String(offset + records.length) : undefined;
        return list(records, next, { total });
      },
    },
  ];
}
