import { ConflictError, StaleWriteError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { DataFile } from '../../domain/resources.js';
import { FORMAT_MEDIA_TYPES, FORMATS } from '../../formats/index.js';
import { deleteFile, ensureUnused, fileOf, purgeIfExpired, refreshFile } from '../../operations/resources.js';
import type { Services } from '../../services.js';
import {
  type ApiEvent,
  created,
  ensureSize,
  environmentOf,
  idParam,
  jsonBody,
  list,
  ok,
  queryParams,
  rawBody,
} from '../request.js';
import { CreateFileBody, CursorQuery } from '../schemas.js';

/**
 * Upload URLs work this long: long enough to start an upload (S3 checks the expiry when a
 * request starts, so a long upload may run past it), short enough that a URL that leaked
 * is soon worth nothing.
 */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;
/** Download URLs (the 303 of GET /files/:id/content) work this long. */
export const DOWNLOAD_URL_TTL_SECONDS = 15 * 60;
/** API Gateway HTTP APIs take request bodies up to 10 MB. */
const DIRECT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** The media type a file name suggests (`people.xlsx` → the XLSX type), for uploads that name none. */
function mediaTypeOf(name: string): string {
  const extension = name.match(/\.([^./\\]+)$/)?.[1]?.toLowerCase();
  const format = FORMATS.find((f) => f === extension) ?? (extension === 'jsonl' ? 'ndjson' : undefined);
  return format ? FORMAT_MEDIA_TYPES[format] : 'application/octet-stream';
}

/** A file as callers see it: without the object key, which is partwise's own. */
export function publicFile({ key: _, ...file }: DataFile): Omit<DataFile, 'key'> {
  return file;
}

/** A file of the environment as it stands: `available` once its upload arrived. */
async function currentFile(services: Services, event: ApiEvent): Promise<DataFile> {
  const file = await refreshFile(
    services,
    await fileOf(services, environmentOf(event), idParam(event, 'File', 'file')),
  );
  // Deleted while its upload was being looked at.
  if (file.status === 'deleted') return fileOf(services, file.environmentId, file.id);
  return file;
}

export function fileRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/files',
      handler: async (event: ApiEvent) => {
        const body = jsonBody(event, CreateFileBody);
        const now = services().now();
        const id = newId('file');
        const file: DataFile = {
          id,
          environmentId: environmentOf(event),
          name: body.name,
          mediaType: body.mediaType ?? mediaTypeOf(body.name),
          status: 'pending',
          key: `uploads/${id}`,
          ...(body.size !== undefined ? { expectedSize: body.size } : {}),
          uploadExpiresAt: new Date(now.getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        };
        await services().resources.putFile(file);
        const upload = await services().blobs.presignPut(
          file.key,
          UPLOAD_URL_TTL_SECONDS,
          body.size !== undefined ? { size: body.size } : {},
        );
        return created(
          {
            ...publicFile(file),
            uploadUrl: upload.url,
            uploadHeaders: upload.headers,
            uploadUrlExpiresIn: UPLOAD_URL_TTL_SECONDS,
          },
          `/files/${file.id}`,
        );
      },
    },
    {
      method: 'GET' as const,
      path: '/files',
      handler: async (event: ApiEvent) => {
        const { limit, next } = queryParams(event, CursorQuery);
        const page = await services().resources.listFiles(environmentOf(event), limit, next);
        const deleted = page.files.filter((file) => file.status === 'deleted');
        await Promise.all(deleted.map((file) => purgeIfExpired(services(), file)));
        const files = await Promise.all(
          page.files.filter((file) => file.status !== 'deleted').map((file) => refreshFile(services(), file)),
        );
        return list(files.filter((file) => file.status !== 'deleted').map(publicFile), page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) => ok(publicFile(await currentFile(services(), event))),
    },
    {
      method: 'DELETE' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) => {
        const environmentId = environmentOf(event);
        const file = await fileOf(services(), environmentId, idParam(event, 'File', 'file'));
        await ensureUnused(services(), environmentId, `File ${file.id}`, new Set([file.id]));
        await deleteFile(services(), file);
        return ok({ id: file.id, deleted: true });
      },
    },
    {
      method: 'PUT' as const,
      path: '/files/{id}/content',
      handler: async (event: ApiEvent) => {
        const file = await fileOf(services(), environmentOf(event), idParam(event, 'File', 'file'));
        const bytes = rawBody(event);
        ensureSize(bytes.length, DIRECT_UPLOAD_LIMIT);
        if (file.expectedSize !== undefined && bytes.length !== file.expectedSize) {
          throw new ValidationError(
            `File ${file.id} was declared ${file.expectedSize} bytes long; this content is ${bytes.length}.`,
            { errors: [{ path: ['body'], detail: `must be ${file.expectedSize} bytes` }] },
          );
        }
        await services().blobs.write(file.key, bytes, file.mediaType);
        const updated = await services()
          .resources.updateFile(
            file.id,
            { status: 'available', size: bytes.length, updatedAt: services().now().toISOString() },
            ['pending', 'available'],
          )
          .catch((error: unknown) => {
            if (!(error instanceof StaleWriteError)) throw error;
            throw new ConflictError(
              `File ${file.id} was deleted while its content was uploaded.`,
              'file-deleted',
              {
                cause: error,
              },
            );
          });
        return ok(publicFile(updated));
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}/content',
      handler: async (event: ApiEvent) => {
        const file = await currentFile(services(), event);
        if (file.status !== 'available') throw new ValidationError(`File ${file.id} has no content yet.`);
        const url = await services().blobs.presignGet(file.key, DOWNLOAD_URL_TTL_SECONDS, file.name);
        return { statusCode: 303, headers: { location: url }, body: '' };
      },
    },
  ];
}
