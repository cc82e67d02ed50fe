/**
 * What the workbook routes do, as use cases: create, change and delete a workbook of an
 * environment. The routes parse the request and call one of these, as job routes call the
 * engine.
 */
import { PreconditionFailedError, StaleWriteError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { LEGACY_OBJECT_KEYS, objectKeysOf } from '../domain/object-keys.js';
import type { Workbook } from '../domain/resources.js';
import type { WorkbookBlueprint, WorkbookChange } from '../http/blueprint.js';
import { ensureJsonSize, WORKBOOK_JSON_BYTES } from '../http/limits.js';
import { ensureUnused, workbookOf } from '../operations/resources.js';
import type { Services } from '../services.js';

/** 413 when a workbook, sheets and actions inline, would not fit the one item it is stored as. */
function ensureStorable(workbook: Workbook): void {
  ensureJsonSize(
    ['body'],
    workbook,
    WORKBOOK_JSON_BYTES,
    'A workbook with its sheets, fields and actions (one item)',
  );
}

/** A workbook's entity tag (RFC 9110 §8.8.3): its revision, which every change raises. */
export function workbookETag(workbook: Workbook): string {
  return `"r${workbook.revision ?? 0}"`;
}

/**
 * Whether an `If-Match` header matches the ETag (RFC 9110 §13.1.1): `*`, or one of a list
 * of entity tags by strong comparison (a weak tag `W/"…"` never matches).
 */
export function ifMatches(header: string, etag: string): boolean {
  const tags = header.split(',').map((tag) => tag.trim());
  return tags.includes('*') || tags.includes(etag);
}

export async function createWorkbook(
  services: Services,
  environmentId: string,
  blueprint: WorkbookBlueprint,
): Promise<Workbook> {
  const now = services.now().toISOString();
  const workbookId = newId('workbook');
  const workbook: Workbook = {
    id: workbookId,
    revision: 1,
    environmentId,
    name: blueprint.name,
    sheets: blueprint.sheets.map((sheet) => ({
      id: newId('sheet'),
      workbookId,
      environmentId,
      ...sheet,
      createdAt: now,
    })),
    ...(blueprint.actions ? { actions: blueprint.actions } : {}),
    createdAt: now,
    updatedAt: now,
  };
  ensureStorable(workbook);
  await services.resources.putWorkbook(workbook);
  return workbook;
}

/** Changes tried again when another change won the race, for a caller that sent no If-Match. */
const CHANGE_TRIES = 5;

/**
 * Changes a workbook's name and actions. With `ifMatch`, only the revision it names is
 * changed (412 otherwise); without, the change is made on the workbook as it stands, tried
 * again if another change lands between the read and the write, so neither is lost.
 */
export async function changeWorkbook(
  services: Services,
  environmentId: string,
  id: string,
  change: WorkbookChange,
  ifMatch?: string,
): Promise<Workbook> {
  for (let tries = 1; ; tries++) {
    const workbook = await workbookOf(services, environmentId, id);
    if (ifMatch !== undefined && !ifMatches(ifMatch, workbookETag(workbook))) {
      throw new PreconditionFailedError(
        `Workbook ${id} is at ${workbookETag(workbook)}, not ${ifMatch}: it changed since you read it. Read it again (GET /workbooks/${id}) and send your change with its new ETag.`,
      );
    }
    const updated = changed(workbook, change, services.now().toISOString());
    ensureStorable(updated);
    try {
      await services.resources.replaceWorkbook(updated, workbook.revision ?? 0);
      return updated;
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
      if (ifMatch !== undefined && ifMatch.trim() !== '*') {
        throw new PreconditionFailedError(
          `Workbook ${id} changed while your change was being written: read it again.`,
          {
            cause: error,
          },
        );
      }
      if (tries >= CHANGE_TRIES) throw error;
    }
  }
}

function changed(workbook: Workbook, change: WorkbookChange, now: string): Workbook {
  const sheetActions = new Map((change.sheets ?? []).map((sheet) => [sheet.id, sheet.actions]));
  const unknown = [...sheetActions.keys()].filter(
    (sheetId) => !workbook.sheets.some((s) => s.id === sheetId),
  );
  if (unknown.length > 0) {
    throw new ValidationError(`Workbook ${workbook.id} has no sheet ${unknown.join(', ')}.`, {
      errors: unknown.map((sheetId) => ({ path: ['body', 'sheets'], detail: `unknown sheet ${sheetId}` })),
    });
  }
  return {
    ...workbook,
    revision: (workbook.revision ?? 0) + 1,
    ...(change.name ? { name: change.name } : {}),
    ...(change.actions ? { actions: change.actions } : {}),
    sheets: workbook.sheets.map((sheet) => {
      const actions = sheetActions.get(sheet.id);
      return actions ? { ...sheet, actions } : sheet;
    }),
    updatedAt: now,
  };
}

/** Deletes a workbook no unfinished job uses: its segment objects, then its items (the workbook's last). */
export async function deleteWorkbook(
  services: Services,
  environmentId: string,
  id: string,
): Promise<Workbook> {
  const workbook = await workbookOf(services, environmentId, id);
  const ids = new Set([workbook.id, ...workbook.sheets.map((sheet) => sheet.id)]);
  await ensureUnused(services, environmentId, `Workbook ${workbook.id}`, ids);
  // A delete cut short can be repeated: the workbook item goes last.
  for (const sheet of workbook.sheets) {
    // Under the environment's root, and where segments written before it had one are.
    for (const keys of [objectKeysOf(environmentId), LEGACY_OBJECT_KEYS])
      await services.blobs.remove(await services.blobs.list(keys.sheet(sheet.id)));
  }
  await services.resources.deleteWorkbook(workbook);
  return workbook;
}
