import { ConflictError, NotFoundError, StaleWriteError, ValidationError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { type DataFile, MAX_UPLOAD_BYTES, type Sheet, type Workbook } from '../domain/resources.js';
import { isFinal, JOB_STATUSES } from '../domain/status.js';
import { logger } from '../logger.js';
import type { Services } from '../services.js';
import { invalid } from './validation.js';

/**
 * A file of the environment, or 404. A deleted file whose upload URL has expired meanwhile
 * is removed for good by whoever looks it up (see `deleteFile`).
 */
export async function fileOf(services: Services, environmentId: string, id: string): Promise<DataFile> {
  const file = await services.resources.getFile(id);
  if (!file || file.environmentId !== environmentId) throw new NotFoundError('File', id);
  if (file.status === 'deleted') {
    await purgeIfExpired(services, file);
    throw new NotFoundError('File', id);
  }
  return file;
}

/**
 * Why an uploaded object cannot be the file's content: a size other than the one declared,
 * or more than one upload may take (S3 holds a presigned PUT to both; the local S3 does not).
 */
function uploadRefusal(file: DataFile, size: number): string | undefined {
  if (file.expectedSize !== undefined && size !== file.expectedSize)
    return `the upload is ${size} bytes, not the ${file.expectedSize} declared`;
  if (size > MAX_UPLOAD_BYTES)
    return `the upload is ${size} bytes, more than the ${MAX_UPLOAD_BYTES} one upload takes`;
  return undefined;
}

/**
 * A file uploaded through its presigned URL is still `pending` in the table (S3 tells no
 * one): when its object exists, the file becomes `available` with its size. Only a pending
 * file adopts its object (a conditional write): a file deleted meanwhile stays deleted. An
 * object that is not what was declared is removed, and the file stays pending.
 */
export async function refreshFile(services: Services, file: DataFile): Promise<DataFile> {
  if (file.status !== 'pending') return file;
  const stat = await services.blobs.stat(file.key);
  if (stat === undefined) return file;
  const refused = uploadRefusal(file, stat.size);
  if (refused) {
    logger.warn('upload refused and removed', { fileId: file.id, reason: refused });
    await services.blobs.remove([file.key]);
    return file;
  }
  try {
    return await services.resources.updateFile(
      file.id,
      { status: 'available', size: stat.size, updatedAt: services.now().toISOString() },
      ['pending'],
    );
  } catch (error) {
    if (!(error instanceof StaleWriteError)) throw error;
    // Adopted by another request, or deleted: the record as it stands now.
    return (await services.resources.getFile(file.id)) ?? { ...file, status: 'deleted' };
  }
}

/**
 * Removes a file: its content first, then its record. A presigned upload URL cannot be
 * revoked, so while the file's still works the record stays behind as `deleted` (hidden
 * everywhere): an upload through it after the delete lands where the record points, and
 * both go together once no upload can land any more (a day after the URL expired) —
 * whoever next meets the record (a lookup of the file, a list of files) removes them. No
 * object is ever left that no record names.
 */
export async function deleteFile(services: Services, file: DataFile): Promise<void> {
  await services.blobs.remove([file.key]);
  if (uploadUrlLives(services, file)) {
    await services.resources.updateFile(file.id, {
      status: 'deleted',
      updatedAt: services.now().toISOString(),
    });
    return;
  }
  await services.resources.deleteFile(file.id);
}

/**
 * S3 checks a presigned URL's expiry when a request starts: an upload begun just in time may
 * still be arriving long after. A day lets 5 GiB arrive at 60 KB/s.
 */
const UPLOAD_FINISH_MS = 24 * 3600 * 1000;

/** Whether an upload through the file's URL may still land: the URL works, or an upload it began may not have finished. */
const uploadUrlLives = (services: Services, file: DataFile) =>
  file.uploadExpiresAt !== undefined &&
  Date.parse(file.uploadExpiresAt) + UPLOAD_FINISH_MS > services.now().getTime();

/** A deleted file's object and record, once no upload through its URL can land any more. */
export async function purgeIfExpired(services: Services, file: DataFile): Promise<void> {
  if (file.status !== 'deleted' || uploadUrlLives(services, file)) return;
  await services.blobs.remove([file.key]);
  await services.resources.deleteFile(file.id);
}

/** A file of the environment whose content is uploaded. */
/** A retry writes into the sheets the job planned on: 409 when one was deleted meanwhile. */
export async function destinationsRemain(
  services: Services,
  sheetIds: string[],
  jobId: string,
): Promise<void> {
  for (const sheetId of new Set(sheetIds)) {
    if (await services.resources.getSheet(sheetId)) continue;
    throw new ConflictError(
      `Sheet ${sheetId}, where job ${jobId} writes, was deleted since it planned its parts: a retry has nowhere to write. Create a new job.`,
      'destination-gone',
    );
  }
}

/** Registers an object a job wrote (an export, a report) as an available file of the job's environment. */
export async function registerJobFile(
  services: Services,
  job: Pick<Job, 'environmentId'>,
  file: Pick<DataFile, 'id' | 'name' | 'mediaType' | 'size' | 'key'>,
): Promise<void> {
  const now = services.now().toISOString();
  await services.resources.putFile({
    ...file,
    environmentId: job.environmentId,
    status: 'available',
    createdAt: now,
    updatedAt: now,
  });
}

export async function availableFile(
  services: Services,
  environmentId: string,
  fileId: string,
): Promise<DataFile> {
  const file = await refreshFile(services, await fileOf(services, environmentId, fileId));
  if (file.status === 'available') return file;
  throw new ValidationError(
    `File ${fileId} has no content yet: upload it to its uploadUrl or PUT /files/${fileId}/content first.`,
    { errors: [{ path: ['body', 'source'], detail: 'file content not uploaded' }] },
  );
}

export async function workbookOf(services: Services, environmentId: string, id: string): Promise<Workbook> {
  const workbook = await services.resources.getWorkbook(id);
  if (!workbook || workbook.environmentId !== environmentId) throw new NotFoundError('Workbook', id);
  return workbook;
}

/** A sheet of the environment, named by its id or by its workbook's id (its first sheet). */
export async function resolveSheet(services: Services, environmentId: string, id: string): Promise<Sheet> {
  if (id.startsWith('wb_')) {
    const workbook = await workbookOf(services, environmentId, id);
    const sheet = workbook.sheets[0];
    if (!sheet) throw new ValidationError(`Workbook ${id} has no sheet.`);
    return sheet;
  }
  const sheet = await services.resources.getSheet(id);
  if (!sheet || sheet.environmentId !== environmentId) throw new NotFoundError('Sheet', id);
  return sheet;
}

/** The sheets a job of type `workbook` or `sheet` names as its source. */
export async function sourceSheets(
  services: Services,
  request: { environmentId: string; type: string; source: string },
): Promise<Sheet[]> {
  if (request.type === 'workbook')
    return (await workbookOf(services, request.environmentId, request.source)).sheets;
  if (request.source.startsWith('wb_')) {
    throw new ValidationError(
      `Source ${request.source} is a workbook: create the job with type "workbook".`,
      {
        errors: [{ path: ['body', 'type'], detail: 'must be "workbook" for a workbook source' }],
      },
    );
  }
  return [await resolveSheet(services, request.environmentId, request.source)];
}

/** A sheet among `sheets` named by its id, its slug or its name (case-insensitive). */
export function findSheet(sheets: readonly Sheet[], ref: string): Sheet | undefined {
  return (
    sheets.find((sheet) => sheet.id === ref) ??
    sheets.find((sheet) => sheet.slug !== undefined && sheet.slug === ref) ??
    sheets.find((sheet) => sheet.name.toLowerCase() === ref.trim().toLowerCase())
  );
}

const ACTIVE_STATUSES = JOB_STATUSES.filter((status) => !isFinal(status));

/**
 * Jobs that have not ended and work on one of `ids` (as source or destination). The job
 * list filters on the server but reads every job of the environment in that status: fine
 * for a delete, not for a hot path.
 */
export async function activeJobsUsing(
  services: Services,
  environmentId: string,
  ids: ReadonlySet<string>,
): Promise<Job[]> {
  const found: Job[] = [];
  for (const status of ACTIVE_STATUSES) {
    let next: string | undefined;
    do {
      const page = await services.jobs.list(environmentId, { status }, 100, next);
      for (const job of page.jobs) {
        if (ids.has(job.source) || (job.destination !== undefined && ids.has(job.destination)))
          found.push(job);
      }
      next = page.next;
    } while (next);
  }
  return found;
}

/** 409 when a job that has not ended still works on the resource. */
export async function ensureUnused(
  services: Services,
  environmentId: string,
  what: string,
  ids: ReadonlySet<string>,
): Promise<void> {
  const jobs = await activeJobsUsing(services, environmentId, ids);
  if (jobs.length === 0) return;
  const list = jobs
    .slice(0, 5)
    .map((job) => `${job.id} (${job.operation}, ${job.status})`)
    .join(', ');
  throw new ConflictError(
    `${what} is used by ${jobs.length} job(s) that have not ended: ${list}. Cancel them or wait until they end.`,
    'resource-in-use',
  );
}

/**
 * The sheet an operation's `config.sheet` names (by id or name) among the source's
 * sheets; it may be left out when the source has only one.
 */
export async function configuredSheet(
  services: Services,
  request: { environmentId: string; type: string; source: string },
  wanted: string | undefined,
): Promise<Sheet> {
  const sheets = await sourceSheets(services, request);
  const sheet =
    wanted === undefined ? (sheets.length === 1 ? sheets[0] : undefined) : findSheet(sheets, wanted);
  if (!sheet) {
    throw invalid(
      ['body', 'config', 'sheet'],
      wanted === undefined
        ? `config.sheet is required: ${request.type} ${request.source} has ${sheets.length} sheets.`
        : `config.sheet "${wanted}" is no sheet of ${request.source}.`,
    );
  }
  return sheet;
}
