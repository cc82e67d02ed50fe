import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { DataFile, Sheet } from '../domain/resources.js';
import type { Services } from '../services.js';

/**
 * A file of the environment whose content is uploaded. A file uploaded through its
 * presigned URL is still `pending` in the table: its object is checked and the file
 * becomes `available` with its size.
 */
export async function availableFile(
  services: Services,
  environmentId: string,
  fileId: string,
): Promise<DataFile> {
  const file = await services.resources.getFile(fileId);
  if (!file || file.environmentId !== environmentId) throw new NotFoundError('File', fileId);
  if (file.status === 'available') return file;
  const size = await services.blobs.size(file.key);
  if (size === undefined) {
    throw new ValidationError(
      `File ${fileId} has no content yet: upload it to its uploadUrl or PUT /files/${fileId}/content first.`,
      {
        errors: [{ pointer: 'body.source', detail: 'file content not uploaded' }],
      },
    );
  }
  return services.resources.updateFile(fileId, {
    status: 'available',
    size,
    updatedAt: services.now().toISOString(),
  });
}

/** A sheet of the environment, named by its id or by its workbook's id (its first sheet). */
export async function resolveSheet(services: Services, environmentId: string, id: string): Promise<Sheet> {
  if (id.startsWith('wb_')) {
    const workbook = await services.resources.getWorkbook(id);
    if (!workbook || workbook.environmentId !== environmentId) throw new NotFoundError('Workbook', id);
    const sheet = workbook.sheets[0];
    if (!sheet) throw new ValidationError(`Workbook ${id} has no sheet.`);
    return sheet;
  }
  const sheet = await services.resources.getSheet(id);
  if (!sheet || sheet.environmentId !== environmentId) throw new NotFoundError('Sheet', id);
  return sheet;
}
