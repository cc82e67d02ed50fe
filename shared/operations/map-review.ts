/**
 * A map's plan as a caller reviews it before execute (`GET /jobs/:id/plan`): per mapping its
 * sheets, which source field fills each destination field, and the first source records mapped
 * and typed as the parts will map them (`rowMapper`). A map's field mapping is set when the
 * job is created: there is no `revisePlan` (docs/plan.md).
 */
import type * as z from 'zod';
import { rowToRecord } from '../domain/resources.js';
import type { Services } from '../services.js';
import type { PlannedJob } from './define-operation.js';
import type { SampleRow } from './extract-sample.js';
import { SAMPLE_ROWS } from './extract-sample.js';
import type { MapPlan, MapState } from './map.js';
import { rowMapper } from './map.js';
import type { ResolvedMapConfig } from './map-config.js';
import { loadPlan } from './plans.js';
import { openSegmentRows } from './segments.js';

type PlannedMap = PlannedJob<z.infer<typeof ResolvedMapConfig>, MapState>;

/** A sheet as the review names it. */
async function sheetNamed(services: Services, sheetId: string) {
  const sheet = await services.resources.getSheet(sheetId);
  return { id: sheetId, name: sheet?.name ?? null, workbookId: sheet?.workbookId ?? null };
}

export async function reviewMap({ job, state }: PlannedMap, services: Services) {
  const plan = await loadPlan<MapPlan>(services, state.planKey);
  const mappings = [];
  for (const [i, mapping] of state.mappings.entries()) {
    const fields = plan.destinationFields[i] ?? [];
    const source = await services.resources.getSheet(mapping.sourceSheet);
    const sourceKeys = new Set(source?.fields.map((field) => field.key));
    const keys = fields.map((field) => field.key);
    const sample: SampleRow[] = [];
    let more = false;
    const segments = plan.parts.filter((part) => part.mapping === i);
    for (const { source: segment } of segments) {
      if (more) break;
      const batches = await openSegmentRows(services, segment);
      try {
        for await (const { keys: segmentKeys, rows } of batches) {
          const mapRow = rowMapper(fields, mapping.fields, segmentKeys);
          for (const row of rows) {
            if (sample.length === SAMPLE_ROWS) {
              more = true;
              break;
            }
            const { values, valid, messages } = rowToRecord(keys, mapRow('', row));
            sample.push({ row: sample.length + 1, values, valid, ...(messages ? { messages } : {}) });
          }
          if (more) break;
        }
      } finally {
        await batches.return(undefined);
      }
    }
    mappings.push({
      sourceSheet: await sheetNamed(services, mapping.sourceSheet),
      destinationSheet: await sheetNamed(services, mapping.destinationSheet),
      fields: fields.map((field) => ({
        field: field.key,
        type: field.type,
        required: field.required ?? false,
        from: mapping.fields[field.key] ?? null,
      })),
      unmappedDestinationFields: fields.filter((f) => mapping.fields[f.key] === undefined).map((f) => f.key),
      missingRequiredFields: fields
        .filter((f) => f.required && mapping.fields[f.key] === undefined)
        .map((f) => f.key),
      unusedSourceFields: [...sourceKeys].filter((key) => !Object.values(mapping.fields).includes(key)),
      replacesEarlierMap: mapping.rerun,
      parts: mapping.parts,
      sample: { rows: sample, more },
    });
  }
  return { mappings, parts: { count: job.parts } };
}
