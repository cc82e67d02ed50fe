/**
 * What the file routes do, as use cases: register a file for upload, list files, take its content
 * directly, delete it. The routes parse the request and call one of these.
 */
import { ConflictError, StaleWriteError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { objectKeysOf } from '../domain/object-keys.js';
import type { DataFile } from '../domain/resources.js';
import { FORMAT_MEDIA_TYPES, FORMATS } from '../formats/index.js';
import {
  ensureUnused,
  fileOf,
  purgeIfExpired,
  refreshFile,
  deleteFile as removeFile,
} from '../operations/resources.js';
import type { Services } from '../services.js';

/**
 * Upload URLs work this long: long enough to start an upload (S3 checks the expiry when a
 * request starts, so a long upload may run past it), short enough that a URL that leaked
 * is soon worth nothing.
 */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;
/** Download URLs (the 303 of GET /files/:id/content) work this long. */
export const DOWNLOAD_URL_TTL_SECONDS = 15 * 60;

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

/** A new file, pending its upload, with the presigned URL (and the headers it signs) to upload it by. */
export async function createFile(
  services: Services,
  environmentId: string,
  request: { name: string; mediaType?: string | undefined; size?: number | undefined },
) {
  const now = services.now();
  const id = newId('file');
  const file: DataFile = {
    id,
    environmentId,
    name: request.name,
    mediaType: request.mediaType ?? mediaTypeOf(request.name),
    status: 'pending',
    key: objectKeysOf(environmentId).upload(id),
    ...(request.size !== undefined ? { expectedSize: request.size } : {}),
    uploadExpiresAt: new Date(now.getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await services.resources.putFile(file);
  const upload = await services.blobs.presignPut(
    file.key,
    UPLOAD_URL_TTL_SECONDS,
    request.size !== undefined ? { size: request.size } : {},
  );
  return {
    ...publicFile(file),
    uploadUrl: upload.url,
    uploadHeaders: upload.headers,
    uploadUrlExpiresIn: UPLOAD_URL_TTL_SECONDS,
  };
}

/**
 * A page of the environment's files as they stand: uploads that arrived are `available`;
 * deleted files are left out (and purged once their time is up).
 */
export async function listFiles(services: Services, environmentId: string, limit: number, cursor?: string) {
  const page = await services.resources.listFiles(environmentId, limit, cursor);
  const deleted = page.files.filter((file) => file.status === 'deleted');
  await Promise.all(deleted.map((file) => purgeIfExpired(services, file)));
  const files = await Promise.all(
    page.files.filter((file) => file.status !== 'deleted').map((file) => refreshFile(services, file)),
  );
  return { files: files.filter((file) => file.status !== 'deleted').map(publicFile), next: page.next };
}

/** A file of the environment as it stands: `available` once its upload arrived. */
export async function currentFile(services: Services, environmentId: string, id: string): Promise<DataFile> {
  const file = await refreshFile(services, await fileOf(services, environmentId, id));
  // Deleted while its upload was being looked at.
  if (file.status === 'deleted') return fileOf(services, file.environmentId, file.id);
  return file;
}

/** Content sent directly (up to the API's payload limit): the file becomes `available`. */
export async function uploadContent(
  services: Services,
  environmentId: string,
  id: string,
  bytes: Buffer,
): Promise<DataFile> {
  const file = await fileOf(services, environmentId, id);
  if (file.expectedSize !== undefined && bytes.length !== file.expectedSize) {
    throw new ValidationError(
      `File ${file.id} was declared ${file.expectedSize} bytes long; this content is ${bytes.length}.`,
      { errors: [{ path: ['body'], detail: `must be ${file.expectedSize} bytes` }] },
    );
  }
  await services.blobs.write(file.key, bytes, file.mediaType);
  return services.resources
    .updateFile(
      file.id,
      { status: 'available', size: bytes.length, updatedAt: services.now().toISOString() },
      ['pending', 'available'],
    )
    .catch((error: unknown) => {
      if (!(error instanceof StaleWriteError)) throw error;
      throw new ConflictError(`File ${file.id} was deleted while its content was uploaded.`, 'file-deleted', {
        cause: error,
      });
    });
}

/** Deletes a file no unfinished job uses, content and all. */
export async function deleteFile(services: Services, environmentId: string, id: string): Promise<DataFile> {
  const file = await fileOf(services, environmentId, id);
  await ensureUnused(services, environmentId, `File ${file.id}`, new Set([file.id]));
  await removeFile(services, file);
  return file;
}
