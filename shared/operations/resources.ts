import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import type { DataFile, Sheet, Workbook } from '../domain/resources.js';
import { isFinal, JOB_STATUSES } from '../domain/status.js';
import type { Services } from '../services.js';
import { invalid } from './validation.js';

/** A file of the environment, or 404. */
export async function fileOf(services: Services, environmentId: string, id: string): Promise<DataFile> {
  const file = await services.resources.getFile(id);
  if (!file || file.environmentId !== environmentId) throw new NotFoundError('File', id);
  return file;
}

/**
 * A file uploaded through its presigned URL is still `pending` in the table (S3 tells no
 * one): when its object exists, the file becomes `available` with its size.
 */
export async function refreshFile(services: Services, file: DataFile): Promise<DataFile> {
  if (file.status === 'available') return file;
  const size = await services.blobs.size(file.key);
  if (size === undefined) return file;
  return services.resources.updateFile(file.id, {
    status: 'available',
    size,
    updatedAt: services.now().toISOString(),
  });
}

/** A file of the environment whose content is uploaded. */
export async function availableFile(
  services: Services,
  environmentId: string,
  fileId: string,
): Promise<DataFile> {
  const file = await refreshFile(services, await fileOf(services, environmentId, fileId));
  if (file.status === 'available') return file;
  throw new ValidationError(
    `File ${fileId} has no content yet: upload it to its uploadUrl or PUT /files/${fileId}/content first.`,
    { errors: [{ pointer: 'body.source', detail: 'file content not uploaded' }] },
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
        errors: [{ pointer: 'body.type', detail: 'must be "workbook" for a workbook source' }],
      },
    );
  }
  return [await resolveSheet(services, request.environmentId, request.source)];
}

/** A sheet among `sheets` named by its id or its name (case-insensitive). */
export function findSheet(sheets: readonly Sheet[], ref: string): Sheet | undefined {
  return (
    sheets.find((sheet) => sheet.id === ref) ??
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
      'body.config.sheet',
      wanted === undefined
        ? `config.sheet is required: ${request.type} ${request.source} has ${sheets.length} sheets.`
        : `config.sheet "${wanted}" is no sheet of ${request.source}.`,
    );
  }
  return sheet;
}
