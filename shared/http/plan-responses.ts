/**
 * What `GET /jobs/:id/plan` answers (docs/plan.md), as zod schemas for the OpenAPI document:
 * an extract's plan or a map's, told apart by `operation` (extract-review.ts, map-review.ts).
 * responses.ts registers them as components. Objects are loose, as every response is there.
 */
import * as z from 'zod';
import { FIELD_TYPES } from '../domain/resources.js';
import { FORMATS } from '../formats/detect.js';

const count = z.number().int().min(0);
const keys = z.array(z.string());

/** Every review: the job, READY (a job in another status has no plan to review: 409). */
const reviewed = { jobId: z.string(), status: z.literal('READY') };

const SampleRow = z.looseObject({
  row: z.number().int().min(1).meta({ description: '1-based, over the data rows.' }),
  values: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .meta({ description: 'As the destination fields type them: what the record will hold.' }),
  valid: z.boolean(),
  messages: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'Per field, why its value does not fit.' }),
});

/** The first rows, read and typed as the parts will. */
const Sample = z.looseObject({
  rows: z.array(SampleRow),
  more: z.boolean().meta({ description: 'There are more rows than the sample shows.' }),
});

const Column = z.looseObject({
  index: count,
  name: z.string().meta({ description: 'The header cell, or `(column N)`.' }),
  field: z.string().nullable().meta({ description: 'The key of the field the column fills, or null.' }),
  matchedBy: z.enum(['name', 'mapping']).nullable(),
});

const ExtractTable = z.looseObject({
  name: z.string(),
  sheetId: z
    .string()
    .nullable()
    .meta({ description: "The sheet it goes to; null: none of the destination's." }),
  header: keys,
  columns: z.array(Column),
  unmatchedColumns: keys,
  missingFields: keys,
  missingRequiredFields: keys,
  fields: z.array(
    z.looseObject({
      key: z.string(),
      label: z.string().optional(),
      type: z.enum(FIELD_TYPES),
      required: z.boolean(),
    }),
  ),
  sample: Sample.extend({
    rejected: z
      .array(z.looseObject({ line: count, reason: z.string() }))
      .meta({ description: 'Lines of a JSON or NDJSON file, among the sampled ones, that are no object.' }),
  }),
});

export const ExtractPlanReview = z.looseObject({
  ...reviewed,
  operation: z.literal('extract'),
  file: z.looseObject({ id: z.string(), name: z.string(), size: count }),
  format: z.enum(FORMATS),
  encoding: z
    .looseObject({ name: z.string(), decidedBy: z.string() })
    .optional()
    .meta({ description: 'Text formats: the encoding, and whether config, a BOM or detection decided it.' }),
  delimiter: z.string().optional(),
  headerRow: z.number().int(),
  mapping: z
    .record(z.string(), z.string().nullable())
    .meta({ description: "The job's column mapping (`{}`: none)." }),
  destination: z.string().nullable(),
  tables: z.array(ExtractTable),
  parts: z.looseObject({
    count,
    byteRanges: z
      .array(z.looseObject({ part: count, start: count, endExclusive: count, bytes: count }))
      .optional()
      .meta({ description: 'Byte-range formats: the parts, which tile the file after its header.' }),
    byteRangesShown: count.optional().meta({ description: 'Present when there are more parts than shown.' }),
    tables: z
      .array(z.looseObject({ part: count, table: z.string() }))
      .optional()
      .meta({ description: 'XLSX: one part per worksheet.' }),
  }),
});

const NamedSheet = z.looseObject({
  id: z.string(),
  name: z.string().nullable(),
  workbookId: z.string().nullable(),
});

export const MapPlanReview = z.looseObject({
  ...reviewed,
  operation: z.literal('map'),
  mappings: z.array(
    z.looseObject({
      sourceSheet: NamedSheet,
      destinationSheet: NamedSheet,
      fields: z.array(
        z.looseObject({
          field: z.string(),
          type: z.enum(FIELD_TYPES),
          required: z.boolean(),
          from: z.string().nullable().meta({ description: 'The source field, or null when none fills it.' }),
        }),
      ),
      unmappedDestinationFields: keys,
      missingRequiredFields: keys,
      unusedSourceFields: keys,
      replacesEarlierMap: z.boolean(),
      parts: count,
      sample: Sample,
    }),
  ),
  parts: z.looseObject({ count }),
});
