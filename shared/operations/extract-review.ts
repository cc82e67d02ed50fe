/**
 * An extract's plan as a caller reviews it before execute (`GET /jobs/:id/plan`), and the
 * changes a caller may make to it (`PATCH /jobs/:id/plan`): the column mapping, the delimiter
 * and the header row. See docs/plan.md.
 */
import * as z from 'zod';
import { placeOf, ValidationError } from '../domain/errors.js';
import type { Field } from '../domain/resources.js';
import type { Services } from '../services.js';
import { type ColumnMapping, columnName, mappingProblems, matchColumns } from './columns.js';
import type { PlannedJob } from './define-operation.js';
import type { ExtractPlan } from './extract.js';
import { ColumnMappingSchema, Delimiter, type ExtractConfig, HeaderRow } from './extract-config.js';
import { sampleRows } from './extract-sample.js';
import type { ExtractState } from './extract-state.js';
import type { CreateRequest } from './operation.js';
import { loadPlan } from './plans.js';
import { resolveSheet } from './resources.js';
import { invalid, segment } from './validation.js';

type PlannedExtract = PlannedJob<ExtractConfig, ExtractState>;

/** Byte ranges a review lists; a plan of more parts gives their count and the first ones. */
const SHOWN_RANGES = 100;

/** How the encoding was decided, in the caller's words. */
function encodingDecidedBy(source: string | undefined): string {
  if (source === 'config') return 'config: set by the job';
  if (source === 'bom') return 'bom: the file starts with a byte order mark';
  if (source === 'utf-16-pattern') return 'detected: the pattern of zero bytes of UTF-16 text';
  return `detected: the file's first bytes read as ${source ?? 'utf-8'}`;
}

/** How one column meets the fields: by name, by the caller's mapping, or not at all. */
function columnsOf(
  header: readonly string[],
  fields: readonly Field[],
  columns: readonly number[],
  mapping: ColumnMapping | undefined,
) {
  const { mapped } = matchColumns(header, fields, mapping);
  return header.map((_, c) => {
    const field = fields[columns.indexOf(c)]?.key ?? null;
    const by = mapped.includes(c) ? 'mapping' : field === null ? null : 'name';
    return { index: c, name: columnName(header, c), field, matchedBy: by };
  });
}

export async function reviewExtract({ job, config, state }: PlannedExtract, services: Services) {
  const plan = await loadPlan<ExtractPlan>(services, state.planKey);
  const { layout, file, headerRow } = state;
  const content = { key: file.key, ...(layout.etag !== undefined ? { etag: layout.etag } : {}) };
  const tables = [];
  for (const [index, table] of plan.tables.entries()) {
    const target = state.targets[index];
    const sample = await sampleRows(services, {
      content,
      format: layout.format,
      ...(layout.encoding ? { encoding: layout.encoding } : {}),
      ...(layout.delimiter ? { delimiter: layout.delimiter } : {}),
      size: layout.size,
      headerRow,
      ...(plan.boundaries
        ? { range: { start: plan.boundaries[0] ?? 0, endExclusive: plan.boundaries.at(-1) ?? 0 } }
        : {}),
      table: { index, header: table.header, fields: table.fields, columns: table.columns },
    });
    const missingFields = target?.missingFields ?? [];
    tables.push({
      name: table.name,
      sheetId: target?.sheetId ?? null,
      header: table.header,
      columns: columnsOf(table.header, table.fields, table.columns, config.mapping),
      unmatchedColumns: target?.unmatchedColumns ?? [],
      missingFields,
      missingRequiredFields: table.fields
        .filter((field) => field.required && missingFields.includes(field.key))
        .map((field) => field.key),
      fields: table.fields.map(({ key, label, type, required }) => ({
        key,
        ...(label ? { label } : {}),
        type,
        required: required ?? false,
      })),
      sample,
    });
  }
  const boundaries = plan.boundaries;
  const ranges = boundaries?.slice(0, -1).map((start, part) => {
    const endExclusive = boundaries[part + 1] ?? start;
    return { part, start, endExclusive, bytes: endExclusive - start };
  });
  return {
    file: { id: file.id, name: file.name, size: layout.size },
    format: layout.format,
    ...(layout.encoding
      ? { encoding: { name: layout.encoding, decidedBy: encodingDecidedBy(layout.encodingSource) } }
      : {}),
    ...(layout.delimiter ? { delimiter: layout.delimiter } : {}),
    headerRow,
    mapping: config.mapping ?? {},
    destination: job.destination ?? null,
    tables,
    parts: ranges
      ? {
          count: job.parts,
          byteRanges: ranges.slice(0, SHOWN_RANGES),
          ...(ranges.length > SHOWN_RANGES ? { byteRangesShown: SHOWN_RANGES } : {}),
        }
      : { count: job.parts, tables: plan.tables.map((table, part) => ({ part, table: table.name })) },
  };
}

/** `PATCH /jobs/:id/plan` of an extract. */
const ExtractPlanPatch = z
  .object({
    mapping: ColumnMappingSchema.optional(),
    delimiter: Delimiter.optional(),
    headerRow: HeaderRow.optional(),
  })
  .strict();

function parsePatch(patch: Record<string, unknown>) {
  const parsed = ExtractPlanPatch.safeParse(patch);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => {
      const at = ['body', ...issue.path.map(segment)];
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          path: [...at, key],
          detail: 'is not something an extract plan changes (mapping, delimiter, headerRow)',
        }));
      }
      return [{ path: at, detail: issue.message }];
    });
    throw new ValidationError(
      `The plan change is not valid: ${errors.map((e) => `${placeOf(e.path)} ${e.detail}`).join('; ')}.`,
      { errors },
    );
  }
  const body = parsed.data;
  if (body.mapping === undefined && body.delimiter === undefined && body.headerRow === undefined) {
    throw invalid(['body'], 'The plan change changes nothing: send mapping, delimiter or headerRow.');
  }
  return body;
}

/**
 * The config an extract plans with again once the caller's change is checked against its
 * plan. A mapping replaces the job's mapping as a whole (`{}` goes back to matching by name).
 * A new delimiter or header row makes a new header, so the mapping, which named the old
 * header's columns, is dropped; one sent with it is refused.
 */
export async function reviseExtractPlan(
  { config, state }: PlannedExtract,
  patch: Record<string, unknown>,
  services: Services,
): Promise<ExtractConfig> {
  const body = parsePatch(patch);
  const { format } = state.layout;
  if (body.delimiter !== undefined && format !== 'csv' && format !== 'tsv') {
    throw invalid(
      ['body', 'delimiter'],
      `The file is read as ${format}: only CSV and TSV have a delimiter.`,
      `the file is read as ${format}, which has none`,
    );
  }
  if (body.headerRow !== undefined && (format === 'json' || format === 'ndjson')) {
    throw invalid(
      ['body', 'headerRow'],
      `The file is read as ${format}: it has no header row (its columns are its objects' keys).`,
      `the file is read as ${format}, which has none`,
    );
  }
  const reshaped =
    (body.delimiter !== undefined && body.delimiter !== state.layout.delimiter) ||
    (body.headerRow !== undefined && body.headerRow !== state.headerRow);
  if (reshaped && body.mapping !== undefined) {
    throw invalid(
      ['body', 'mapping'],
      'A new delimiter or header row makes a new header: change it first, then send the mapping once the job is READY again and GET /jobs/:id/plan shows the new columns.',
      'cannot be sent with a new delimiter or header row',
    );
  }
  if (body.mapping !== undefined) {
    const plan = await loadPlan<ExtractPlan>(services, state.planKey);
    const tables = [];
    for (const [i, table] of plan.tables.entries()) {
      const sheetId = state.targets[i]?.sheetId;
      const sheet = sheetId ? await services.resources.getSheet(sheetId) : undefined;
      tables.push({ header: table.header, fields: table.fields, sheet: sheet?.name ?? sheetId ?? '' });
    }
    const problems = mappingProblems(tables, body.mapping);
    if (problems.length > 0) {
      throw new ValidationError(
        `The mapping does not fit the plan: ${problems.map((p) => `"${p.column}": ${p.detail}`).join('; ')}.`,
        { errors: problems.map((p) => ({ path: ['body', 'mapping', p.column], detail: p.detail })) },
      );
    }
  }
  const { mapping: _, ...rest } = config;
  const mapping = reshaped ? undefined : (body.mapping ?? config.mapping);
  return {
    ...rest,
    ...(body.delimiter !== undefined ? { delimiter: body.delimiter } : {}),
    ...(body.headerRow !== undefined ? { headerRow: body.headerRow } : {}),
    ...(mapping && Object.keys(mapping).length > 0 ? { mapping } : {}),
  };
}

/**
 * What can be checked of `config.mapping` when the job is created, before its file is read:
 * no field taken twice, and, into a sheet, fields the sheet has. Its columns are checked
 * when the job plans (a mapping that does not fit fails the job, saying why).
 */
export async function checkCreatedMapping(
  services: Services,
  request: CreateRequest,
  mapping: ColumnMapping,
): Promise<void> {
  const at = (column: string) => ['body', 'config', 'mapping', column];
  const taken = new Map<string, string>();
  for (const [column, key] of Object.entries(mapping)) {
    if (key === null) continue;
    const first = taken.get(key);
    if (first !== undefined) {
      throw invalid(
        at(column),
        `config.mapping maps field "${key}" from both "${first}" and "${column}": a field takes one column.`,
        `field "${key}" is already mapped from "${first}"`,
      );
    }
    taken.set(key, column);
  }
  if (!request.destination?.startsWith('sh_')) return;
  const sheet = await resolveSheet(services, request.environmentId, request.destination);
  for (const [column, key] of Object.entries(mapping)) {
    if (key !== null && !sheet.fields.some((field) => field.key === key)) {
      throw invalid(
        at(column),
        `config.mapping maps "${column}" to "${key}", which is no field of sheet ${sheet.name} (its fields: ${sheet.fields.map((f) => f.key).join(', ')}).`,
        `no field "${key}" in sheet ${sheet.name}`,
      );
    }
  }
}
