/**
 * map: records of source sheets → destination sheets, converted and validated to the
 * destination's field types. One part per source segment; source segment `j` becomes
 * destination segment `j` of the mapping's run, so destination order is source order.
 *
 * Re-running: a map from source sheet S into destination sheet D writes into the run that an
 * earlier map from S into D used (segments with `origin: map:S`), at the same indexes, so it
 * replaces those records instead of adding more; finalize then removes what is left of the
 * earlier map (indexes past this map's, any other run of the same origin). Records that came
 * into D from elsewhere (an extract, a map from another sheet) stay. Record ids are derived
 * from the destination position, so the same map of the same source gives the same records.
 *
 * Each part lists its invalid records (one row per invalid field, by destination record id)
 * in its fragment of the job's rejected-rows report (report.ts), which finalize assembles.
 */
import * as z from 'zod';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import {
  type Field,
  indexOf,
  type RecordRow,
  recordIds,
  runOf,
  type SheetSegment,
  segmentOrdinal,
} from '../domain/resources.js';
import { rowTyper } from '../domain/values.js';
import type { Services } from '../services.js';
import { removeRun } from './cleanup.js';
import { defineOperation } from './define-operation.js';
import { ResolvedMapConfig, ResolvedMapping, resolveMappings } from './map-config.js';
import { reviewMap } from './map-review.js';
import type { PartMessage, Settled } from './operation.js';
import { loadPlan, savePlan } from './plans.js';
import { type FailedPart, removeReports, reportOutcome, writeReport } from './report.js';
import { ReportFragment, reportFragmentKeys } from './report-fragment.js';
import { destinationsRemain, resolveSheet } from './resources.js';
import { openSegmentRows, writeSegment } from './segments.js';

const MappingState = ResolvedMapping.extend({
  run: z.number(),
  /** An earlier map of the same source into the same sheet is being replaced. */
  rerun: z.boolean(),
  /** The first part of this mapping and how many it has (one per source segment). */
  firstPart: z.number(),
  parts: z.number(),
});
type MappingState = z.infer<typeof MappingState>;

const MapState = z.object({ planKey: z.string(), mappings: z.array(MappingState) });
export type MapState = z.infer<typeof MapState>;

/** Per part: the source segment it reads. */
export interface MapPlan {
  parts: { mapping: number; source: Pick<SheetSegment, 'sheetId' | 'ordinal' | 'key'> }[];
  destinationFields: Field[][];
}

export const mapOrigin = (sourceSheetId: string) => `map:${sourceSheetId}`;

/**
 * Builds destination rows from source rows: values by the field map, typed to the
 * destination fields. `sourceKeys` are the keys of the source segment's rows.
 */
export function rowMapper(
  destinationFields: readonly Field[],
  fieldMap: Readonly<Record<string, string>>,
  sourceKeys: readonly string[],
): (id: string, source: RecordRow) => RecordRow {
  const typed = rowTyper(destinationFields);
  // Row position of each destination field's source value (0: none; position 0 is the id).
  const positions = destinationFields.map((field) => {
    const key = fieldMap[field.key];
    return key === undefined ? 0 : sourceKeys.indexOf(key) + 1;
  });
  const raw: unknown[] = new Array(positions.length);
  return (id, source) => {
    for (let i = 0; i < positions.length; i++) {
      const at = positions[i] as number;
      raw[i] = at === 0 ? undefined : source[at];
    }
    return typed(id, raw);
  };
}

/** The run an earlier map of the same source used in the destination, else a new one. */
async function runFor(
  services: Services,
  mapping: ResolvedMapping,
): Promise<{ run: number; rerun: boolean }> {
  const earlier = (await services.resources.listSegments(mapping.destinationSheet)).filter(
    (segment) => segment.origin === mapOrigin(mapping.sourceSheet),
  );
  if (earlier.length > 0) return { run: Math.min(...earlier.map((s) => runOf(s.ordinal))), rerun: true };
  return { run: await services.resources.reserveRun(mapping.destinationSheet), rerun: false };
}

/**
 * A part that failed for good may have stored its segment before it failed: its records are
 * not the job's (a retry writes them again). A re-run keeps the segment it would have
 * replaced: the earlier map's records stay until a retry replaces them.
 */
async function removeFailedSegments(
  services: Services,
  mappings: MappingState[],
  settled: Settled,
): Promise<void> {
  for (const { part } of settled.failed) {
    const mapping = mappings.find((m) => part >= m.firstPart && part < m.firstPart + m.parts);
    if (!mapping || mapping.rerun) continue;
    const ordinal = segmentOrdinal(mapping.run, part - mapping.firstPart);
    const segment = await services.resources.getSegment(mapping.destinationSheet, ordinal);
    if (!segment) continue;
    await services.resources.deleteSegments(mapping.destinationSheet, [ordinal]);
    await services.blobs.remove([segment.key]);
  }
}

/** The failed parts as the report names them: the source segment each read. */
async function failedSegments(services: Services, planKey: string, settled: Settled): Promise<FailedPart[]> {
  if (settled.failed.length === 0) return [];
  const plan = await loadPlan<MapPlan>(services, planKey).catch((error) => {
    // A finalize run again after it removed the plan: the segments go unnamed.
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  return settled.failed.map(({ part, error }) => {
    const source = plan?.parts[part]?.source;
    const value = source ? `sheet ${source.sheetId}, segment ${source.ordinal}` : `part ${part}`;
    return { part, value, message: error.message };
  });
}

export const map = defineOperation({
  name: 'map',
  types: ['workbook', 'sheet'],
  toleratesFailedParts: true,
  config: ResolvedMapConfig,
  state: MapState,

  async validate(request, services) {
    return { mappings: await resolveMappings(request, services) };
  },

  async plan({ job, config }, services) {
    const plan: MapPlan = { parts: [], destinationFields: [] };
    const mappings: MappingState[] = [];
    for (const [i, mapping] of config.mappings.entries()) {
      const destination = await resolveSheet(services, job.environmentId, mapping.destinationSheet);
      const segments = (await services.resources.listSegments(mapping.sourceSheet)).filter((s) => s.rows > 0);
      mappings.push({
        ...mapping,
        ...(await runFor(services, mapping)),
        firstPart: plan.parts.length,
        parts: segments.length,
      });
      plan.destinationFields.push(destination.fields);
      for (const { sheetId, ordinal, key } of segments)
        plan.parts.push({ mapping: i, source: { sheetId, ordinal, key } });
    }
    const planKey = await savePlan(services, job, plan);
    // An empty source still gets one (empty) part: the job completes through the usual path.
    return { parts: Math.max(1, plan.parts.length), state: { planKey, mappings } };
  },

  async partMessages({ job }, from, to) {
    const messages: PartMessage[] = [];
    for (let part = from; part < to; part++) messages.push({ jobId: job.id, part });
    return messages;
  },

  /** A retry reruns parts on the source segments they were planned on: those must still be there. */
  async checkRetry({ job, state }, services) {
    const plan = await loadPlan<MapPlan>(services, state.planKey);
    const current = new Set<string>();
    for (const sheetId of new Set(plan.parts.map((part) => part.source.sheetId))) {
      for (const segment of await services.resources.listSegments(sheetId)) current.add(segment.key);
    }
    const changed = plan.parts.find((part) => !current.has(part.source.key));
    if (changed) {
      throw new ConflictError(
        `Sheet ${changed.source.sheetId} has changed since job ${job.id} planned its parts: a retry would map other records. Create a new map.`,
        'source-changed',
      );
    }
    await destinationsRemain(
      services,
      state.mappings.map((m) => m.destinationSheet),
      job.id,
    );
  },

  async runPart({ job, state }, message, services) {
    const { planKey, mappings } = state;
    const plan = await loadPlan<MapPlan>(services, planKey);
    const planned = plan.parts[message.part];
    const mapping = mappings[planned?.mapping ?? -1];
    if (!planned || !mapping) return { rows: 0, invalid: 0 };
    const ordinal = segmentOrdinal(mapping.run, message.part - mapping.firstPart);
    const fields = plan.destinationFields[planned.mapping] ?? [];
    const source = await openSegmentRows(services, planned.source);
    const idOf = recordIds(ordinal);
    let n = 0;
    let mapRow: ReturnType<typeof rowMapper> | undefined;
    let mappedFrom: readonly string[] | undefined;
    async function* rows() {
      for await (const { keys, rows } of source) {
        if (keys !== mappedFrom) {
          mapRow = rowMapper(fields, mapping?.fields ?? {}, keys);
          mappedFrom = keys;
        }
        const map = mapRow as NonNullable<typeof mapRow>;
        yield rows.map((row) => map(idOf(n++), row));
      }
    }
    const target = {
      environmentId: job.environmentId,
      sheetId: mapping.destinationSheet,
      ordinal,
      jobId: job.id,
      origin: mapOrigin(mapping.sourceSheet),
    };
    const keys = fields.map((field) => field.key);
    const report = new ReportFragment(services, job, message);
    const segment = await report.around(() => writeSegment(services, target, keys, report.tap(keys, rows())));
    return { rows: segment.rows, invalid: segment.invalid };
  },

  review: (planned, services) => reviewMap(planned, services),

  async finalize({ job, state }, services, settled) {
    const { planKey, mappings } = state;
    await removeFailedSegments(services, mappings, settled);
    const outcomes = [];
    for (const mapping of mappings) {
      const segments = await services.resources.listSegments(mapping.destinationSheet);
      const ours = (s: SheetSegment) =>
        runOf(s.ordinal) === mapping.run && indexOf(s.ordinal) < mapping.parts;
      const stale = segments.filter((s) => s.origin === mapOrigin(mapping.sourceSheet) && !ours(s));
      if (stale.length > 0) {
        await services.resources.deleteSegments(
          mapping.destinationSheet,
          stale.map((s) => s.ordinal),
        );
        await services.blobs.remove(stale.map((s) => s.key));
      }
      const written = segments.filter(ours);
      const records = written.reduce((sum, s) => sum + s.rows, 0);
      const invalidRecords = written.reduce((sum, s) => sum + s.invalid, 0);
      const { sourceSheet, destinationSheet } = mapping;
      outcomes.push({
        sourceSheet,
        destinationSheet,
        records,
        invalid: invalidRecords,
        replacedEarlierMap: mapping.rerun,
      });
    }
    const records = outcomes.reduce((sum, o) => sum + o.records, 0);
    const invalidRecords = outcomes.reduce((sum, o) => sum + o.invalid, 0);
    const report = await writeReport(services, {
      job,
      name: `map-${job.id}-rejected-rows.csv`,
      failed: await failedSegments(services, planKey, settled),
      expected: { invalidRecords, rejectedRows: 0 },
    });
    return {
      message: `Mapped ${records} records (${invalidRecords} invalid) into ${outcomes.length} sheet(s).`,
      records,
      valid: records - invalidRecords,
      invalid: invalidRecords,
      mappings: outcomes,
      ...reportOutcome(report),
    };
  },

  async discardLatePart({ job }, message, services) {
    // Its segment is the one finalize counted; its report fragment, read by finalize and
    // removed with the plans, is written again here: it goes.
    await services.blobs.remove(reportFragmentKeys(job, message.part));
  },

  /**
   * Removes the segments of each mapping's own run. A re-run writes into the run of the
   * earlier map it replaces, and each segment it wrote has already replaced the earlier
   * one (whose object is gone): removing it would take those source records out of the
   * destination altogether, so a re-run's segments stay, and the outcome says so.
   */
  async abandon({ job, state }, services) {
    await removeReports(services, job);
    const mappings = state?.mappings ?? [];
    for (const mapping of mappings) {
      if (!mapping.rerun) await removeRun(services, mapping.destinationSheet, mapping.run);
    }
    const rerun = mappings.filter((mapping) => mapping.rerun).map((mapping) => mapping.destinationSheet);
    if (rerun.length === 0) {
      return { message: 'No record of this map remains in the destination: it holds what it held before.' };
    }
    return {
      message: `This map re-ran an earlier map into ${rerun.join(', ')}: there, the segments it had rewritten keep its records and the others the earlier map's; run the map again to finish it. Records it added anywhere else were removed.`,
      partlyRewritten: rerun,
    };
  },
});
