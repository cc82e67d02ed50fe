import { ValidationError } from '../../domain/errors.js';
import { DIRECT_UPLOAD_LIMIT } from '../../domain/resources.js';
import {
  createFile,
  currentFile,
  DOWNLOAD_URL_TTL_SECONDS,
  deleteFile,
  listFiles,
  publicFile,
  uploadContent,
} from '../../resources/files.js';
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

export function fileRoutes(services: () => Services) {
  return [
    {
      method: 'POST' as const,
      path: '/files',
      handler: async (event: ApiEvent) => {
        const file = await createFile(services(), environmentOf(event), jsonBody(event, CreateFileBody));
        return created(file, `/files/${file.id}`);
      },
    },
    {
      method: 'GET' as const,
      path: '/files',
      handler: async (event: ApiEvent) => {
        const { limit, next } = queryParams(event, CursorQuery);
        const page = await listFiles(services(), environmentOf(event), limit, next);
        return list(page.files, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) =>
        ok(publicFile(await currentFile(services(), environmentOf(event), idParam(event, 'File', 'file')))),
    },
    {
      method: 'DELETE' as const,
      path: '/files/{id}',
      handler: async (event: ApiEvent) => {
        const file = await deleteFile(services(), environmentOf(event), idParam(event, 'File', 'file'));
        return ok({ id: file.id, deleted: true });
      },
    },
    {
      method: 'PUT' as const,
      path: '/files/{id}/content',
      handler: async (event: ApiEvent) => {
        const id = idParam(event, 'File', 'file');
        const environmentId = environmentOf(event);
        const bytes = rawBody(event);
        ensureSize(bytes.length, DIRECT_UPLOAD_LIMIT);
        return ok(publicFile(await uploadContent(services(), environmentId, id, bytes)));
      },
    },
    {
      method: 'GET' as const,
      path: '/files/{id}/content',
      handler: async (event: ApiEvent) => {
        const file = await currentFile(services(), environmentOf(event), idParam(event, 'File', 'file'));
        if (file.status !== 'available') throw new ValidationError(`File ${file.id} has no content yet.`);
        const url = await services().blobs.presignGet(file.key, DOWNLOAD_URL_TTL_SECONDS, file.name);
        return { statusCode: 303, headers: { location: url }, body: '' };
      },
    },
  ];
}
