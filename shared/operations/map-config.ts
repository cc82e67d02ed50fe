/**
 * A map request's config: which sheet maps into which, and by which fields. Checked at
 * POST /jobs, so every mapping a job carries names sheets and fields that exist.
 */
import * as z from 'zod';
import { type FieldPath, placeOf, ValidationError } from '../domain/errors.js';
import type { Field, Sheet } from '../domain/resources.js';
import type { Services } from '../services.js';
import { normalizeName } from './columns.js';
import type { CreateRequest } from './operation.js';
import { findSheet, resolveSheet, sourceSheets, workbookOf } from './resources.js';
import { invalid, parseConfig } from './validation.js';

const MapConfig = z
  .object({
    mappings: z
      .array(
        z
          .object({
            sourceSheet: z.string().min(1).optional(),
            destinationSheet: z.string().min(1).optional(),
            /** destination field key → source field key. */
            fields: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
        { error: 'is required: [{ sourceSheet, destinationSheet, fields: { destinationKey: sourceKey } }]' },
      )
      .min(1)
      .max(100),
  })
  .strict();

/** One mapping as `validate` resolves it: sheet ids, and destination field key → source field key. */
export const ResolvedMapping = z.object({
  sourceSheet: z.string(),
  destinationSheet: z.string(),
  fields: z.record(z.string(), z.string()),
});
export type ResolvedMapping = z.infer<typeof ResolvedMapping>;

/** What a map job keeps as its config. */
export const ResolvedMapConfig = z.object({ mappings: z.array(ResolvedMapping) });

/** The source field each destination field takes when `fields` is not given: same key or label, loosely. */
export function defaultFieldMap(
  source: readonly Field[],
  destination: readonly Field[],
): Record<string, string> {
  const names = new Map<string, string>();
  for (const field of source) {
    for (const name of [field.key, field.label ?? '']) {
      if (name && !names.has(normalizeName(name))) names.set(normalizeName(name), field.key);
    }
  }
  const map: Record<string, string> = {};
  for (const field of destination) {
    const key = names.get(normalizeName(field.key)) ?? names.get(normalizeName(field.label ?? ''));
    if (key) map[field.key] = key;
  }
  return map;
}

/** Checks a map request and resolves each mapping's sheets and field map; 4xx errors name what is wrong. */
export async function resolveMappings(
  request: CreateRequest,
  services: Services,
): Promise<ResolvedMapping[]> {
  const config = parseConfig(MapConfig, request.config, 'map');
  if (!request.destination) {
    throw invalid(['body', 'destination'], 'A map needs a destination: the workbook (or sheet) to map into.');
  }
  const sources = await sourceSheets(services, request);
  const destinationSheet = request.destination.startsWith('wb_')
    ? undefined
    : await resolveSheet(services, request.environmentId, request.destination);
  const destinations = destinationSheet
    ? [destinationSheet]
    : (await workbookOf(services, request.environmentId, request.destination)).sheets;
  const pick = (sheets: Sheet[], ref: string | undefined, at: FieldPath, what: string): Sheet => {
    const sheet = ref === undefined ? (sheets.length === 1 ? sheets[0] : undefined) : findSheet(sheets, ref);
    if (sheet) return sheet;
    throw invalid(
      at,
      ref === undefined
        ? `${placeOf(at)} is required: the ${what} has ${sheets.length} sheets (${sheets.map((s) => s.name).join(', ')}).`
        : `${placeOf(at)} "${ref}" is no sheet of the ${what} (${sheets.map((s) => `${s.name} = ${s.id}`).join(', ')}).`,
    );
  };
  const seen = new Set<string>();
  return config.mappings.map((mapping, i): ResolvedMapping => {
    const at = ['body', 'config', 'mappings', i];
    const place = placeOf(at);
    const source = pick(sources, mapping.sourceSheet, [...at, 'sourceSheet'], 'source');
    const destination = pick(
      destinations,
      mapping.destinationSheet,
      [...at, 'destinationSheet'],
      'destination',
    );
    if (source.id === destination.id) throw invalid(at, `${place} maps sheet ${source.id} onto itself.`);
    if (seen.has(`${source.id}>${destination.id}`)) {
      throw invalid(at, `${place} repeats the mapping of ${source.id} into ${destination.id}.`);
    }
    seen.add(`${source.id}>${destination.id}`);
    const fields = mapping.fields ?? defaultFieldMap(source.fields, destination.fields);
    const errors = Object.entries(fields).flatMap(([to, from]) => [
      ...(destination.fields.some((f) => f.key === to)
        ? []
        : [
            {
              path: [...at, 'fields', to],
              detail: `no field "${to}" in destination sheet ${destination.name}`,
            },
          ]),
      ...(source.fields.some((f) => f.key === from)
        ? []
        : [{ path: [...at, 'fields', to], detail: `no field "${from}" in source sheet ${source.name}` }]),
    ]);
    if (errors.length > 0) {
      throw new ValidationError(
        `The map config names fields that do not exist: ${errors.map((e) => e.detail).join('; ')}.`,
        {
          errors,
        },
      );
    }
    if (Object.keys(fields).length === 0) {
      throw invalid(
        [...at, 'fields'],
        `${place} maps no field: no field of ${destination.name} matches one of ${source.name}; give config.mappings[${i}].fields.`,
      );
    }
    return { sourceSheet: source.id, destinationSheet: destination.id, fields };
  });
}
