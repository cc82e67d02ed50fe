/**
 * delete: removes the records of a sheet that match a filter. One part per segment that can
 * hold a match; a part streams its segment without the matching records into a new object
 * (its key names this job) and swaps the segment item to it with a conditional write (only if
 * the item still points at the object that was read), then removes the old object.
 *
 * A retried part finds the segment already pointing at this job's object and reports what
 * that rewrite removed (`rowsBefore - rows`) without deleting again; a part whose segment was
 * rewritten by another job meanwhile reads the new version and tries again. Readers see the
 * segment before or after the swap, never half of it.
 */
import * as z from 'zod';
import { UnprocessableError } from '../domain/errors.js';
import {
  type Field,
  type RecordRow,
  rowIsValid,
  type SheetSegment,
  type SheetValue,
} from '../domain/resources.js';
import { fieldConverter } from '../domain/values.js';
import type { Services } from '../services.js';
import { defineOperation } from './define-operation.js';
import type { PartMessage } from './operation.js';
import { type JobObjects, loadPlan, savePlan, sumPartStats } from './plans.js';
import { configuredSheet } from './resources.js';
import { openSegmentRows, segmentObjectKey, sheetCounts, writeRowsObject } from './segments.js';
import { invalid, parseConfig } from './validation.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const DeleteFilter = z.union([
  z.literal('all'),
  z.object({ valid: z.boolean() }).strict(),
  z.object({ ids: z.array(z.string().min(1)).min(1).max(1000) }).strict(),
  z.object({ field: z.string().min(1), equals: Scalar }).strict(),
]);
export type DeleteFilter = z.infer<typeof DeleteFilter>;

const DeleteConfig = z
  .object({
    sheet: z.string().min(1).optional(),
    filter: DeleteFilter.optional(),
  })
  .strict();

/** What a delete job keeps as its config: `validate` resolves the sheet and the filter. */
const DeleteSettings = z.object({ sheet: z.string(), filter: DeleteFilter });

const DeleteState = z.object({ planKey: z.string(), sheetId: z.string() });

type PlannedSegment = Pick<SheetSegment, 'sheetId' | 'ordinal'>;

/**
 * Whether a row matches (is to be deleted), given its segment's keys. `{ field, equals }`
 * compares with `equals` converted to the field's type (`"5"` finds 5 in a number field,
 * `"yes"` finds true); a value that does not fit the type is compared as given, which finds
 * records holding that same invalid text. Strings compare exactly.
 */
export function rowFilter(
  filter: DeleteFilter,
  fields: readonly Field[],
): (keys: readonly string[]) => (row: RecordRow) => boolean {
  if (filter === 'all') return () => () => true;
  if ('valid' in filter) return (keys) => (row) => rowIsValid(keys, row) === filter.valid;
  if ('ids' in filter) {
    const ids = new Set(filter.ids);
    return () => (row) => ids.has(row[0]);
  }
  const field = fields.find((f) => f.key === filter.field);
  const converted = field
    ? fieldConverter({ ...field, required: false })(filter.equals)
    : { value: filter.equals };
  const wanted: SheetValue = converted.message === undefined ? converted.value : filter.equals;
  return (keys) => {
    const at = keys.indexOf(filter.field) + 1;
    return (row) => (at === 0 ? null : (row[at] ?? null)) === wanted;
  };
}

/** Segments that may hold a match: all with rows, or for `{ valid }` only those with such records. */
export function segmentsToVisit(filter: DeleteFilter, segments: readonly SheetSegment[]): SheetSegment[] {
  return segments.filter((s) => {
    if (s.rows === 0) return false;
    if (typeof filter === 'object' && 'valid' in filter)
      return filter.valid ? s.rows > s.invalid : s.invalid > 0;
    return true;
  });
}

/** Rewrites one segment without the matching records; safe to repeat. */
async function rewriteSegment(
  services: Services,
  planned: PlannedSegment,
  job: JobObjects,
  matches: ReturnType<typeof rowFilter> | 'all',
): Promise<{ deleted: number; kept: number }> {
  const jobId = job.id;
  const key = segmentObjectKey({ ...planned, environmentId: job.environmentId, jobId });
  for (let attempt = 1; ; attempt++) {
    const current = await services.resources.getSegment(planned.sheetId, planned.ordinal);
    if (!current) {
      throw new UnprocessableError(
        `Segment ${planned.ordinal} of sheet ${planned.sheetId} no longer exists.`,
      );
    }
    if (current.key === key)
      return { deleted: (current.rowsBefore ?? current.rows) - current.rows, kept: current.rows };
    let written = { rows: 0, invalid: 0 };
    if (matches === 'all') {
      await services.blobs.write(key, '', 'application/x-ndjson');
    } else {
      const source = await openSegmentRows(services, current);
      const first = await source.next();
      const keys = first.done ? [] : first.value.keys;
      const match = matches(keys);
      async function* kept() {
        if (first.done) return;
        yield first.value.rows.filter((row) => !match(row));
        for await (const batch of source) yield batch.rows.filter((row) => !match(row));
      }
      written = await writeRowsObject(services, key, keys, kept());
      if (written.rows === current.rows) {
        // Nothing matched: the segment stays as it is.
        await services.blobs.remove([key]);
        return { deleted: 0, kept: current.rows };
      }
    }
    const next: SheetSegment = { ...current, key, ...written, jobId, rowsBefore: current.rows };
    if (await services.resources.swapSegment(next, current.key)) {
      await services.blobs.remove([current.key]);
      return { deleted: current.rows - written.rows, kept: written.rows };
    }
    // Another job rewrote the segment after we read it: start over from its new version.
    if (attempt >= 5)
      throw new Error(`segment ${planned.ordinal} of sheet ${planned.sheetId} keeps changing`);
  }
}

export const deleteRecords = defineOperation({
  name: 'delete',
  types: ['workbook', 'sheet'],
  toleratesFailedParts: true,
  config: DeleteSettings,
  state: DeleteState,

  async validate(request, services) {
    const config = parseConfig(DeleteConfig, request.config, 'delete');
    const sheet = await configuredSheet(services, request, config.sheet);
    const filter = config.filter ?? 'all';
    if (
      typeof filter === 'object' &&
      'field' in filter &&
      !sheet.fields.some((f) => f.key === filter.field)
    ) {
      throw invalid(
        ['body', 'config', 'filter', 'field'],
        `config.filter.field "${filter.field}" is no field of sheet ${sheet.name} (${sheet.fields.map((f) => f.key).join(', ')}).`,
      );
    }
    return { sheet: sheet.id, filter };
  },

  async plan({ job, config }, services) {
    const { sheet: sheetId, filter } = config;
    const segments = await services.resources.listSegments(sheetId);
    const visit = segmentsToVisit(filter, segments).map(({ sheetId, ordinal }) => ({ sheetId, ordinal }));
    return {
      parts: Math.max(1, visit.length),
      state: { planKey: await savePlan(services, job, visit), sheetId },
    };
  },

  async partMessages({ job }, from, to) {
    const messages: PartMessage[] = [];
    for (let part = from; part < to; part++) messages.push({ jobId: job.id, part });
    return messages;
  },

  async runPart({ job, config, state }, message, services) {
    const { planKey, sheetId } = state;
    const planned = (await loadPlan<PlannedSegment[]>(services, planKey))[message.part];
    if (!planned) return { deleted: 0, kept: 0 };
    const { filter } = config;
    const sheet = await services.resources.getSheet(sheetId);
    const matches = filter === 'all' ? 'all' : rowFilter(filter, sheet?.fields ?? []);
    return rewriteSegment(services, planned, job, matches);
  },

  async finalize({ job, state }, services) {
    const { sheetId } = state;
    const { deleted = 0 } = await sumPartStats(services, job);
    // What the sheet holds now: with no other job writing to it, what it held minus `deleted`.
    const kept = sheetCounts(await services.resources.listSegments(sheetId)).records;
    return { message: `Deleted ${deleted} records; ${kept} kept.`, sheetId, deleted, kept };
  },

  /**
   * Nothing to take back: each part's swap is committed on its own, and the records it
   * removed are gone. The engine removes the plan; the outcome says what stays deleted.
   */
  async abandon({ job }) {
    return {
      message: `Records this delete removed before it ended stay deleted: each segment's rewrite is committed on its own and cannot be undone. GET /jobs/${job.id}/parts shows what each finished part deleted.`,
    };
  },
});
