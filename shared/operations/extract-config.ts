/** What an extract job keeps as its config: how to read the file, and the caller's column mapping. */
import * as z from 'zod';
import { MIN_PART_SIZE_BYTES } from '../domain/parts.js';
import { MAX_UPLOAD_BYTES } from '../domain/resources.js';
import { ENCODINGS, FORMATS, parseEncoding } from '../formats/index.js';

/** The header is looked for in the first rows: the planner reads the file's head for it. */
const MAX_HEADER_ROW = 1_000_000;

/** Columns a mapping may name: as many as a sheet may have fields. */
export const MAX_MAPPED_COLUMNS = 1000;

export const Delimiter = z.string().refine((d) => d === 'auto' || (d.length === 1 && !'"\r\n'.includes(d)), {
  error: 'must be one character other than a quote or a line break, or "auto"',
});

export const HeaderRow = z.number().int().min(1).max(MAX_HEADER_ROW, `must be at most ${MAX_HEADER_ROW}`);

/**
 * Header cell (or `(column N)`) → the key of the field the column goes to, or null to leave
 * the column out. Columns it does not name match fields by name (columns.ts).
 */
export const ColumnMappingSchema = z
  .record(
    z.string().min(1, 'must name a column').max(1000, 'must be at most 1000 characters'),
    z.string().min(1).max(128, 'must be a field key (at most 128 characters)').nullable(),
    { error: 'must be an object: { "<column header>": "<field key>" or null }' },
  )
  .refine((mapping) => Object.keys(mapping).length <= MAX_MAPPED_COLUMNS, {
    error: `must name at most ${MAX_MAPPED_COLUMNS} columns`,
  });

export const ExtractConfig = z
  .object({
    format: z.enum(FORMATS, { error: `must be one of: ${FORMATS.join(', ')}` }).optional(),
    encoding: z
      .string()
      .refine((label) => ENCODINGS.includes(safeEncoding(label) as never), {
        error: `must be one of: ${ENCODINGS.join(', ')}`,
      })
      .optional(),
    delimiter: Delimiter.optional(),
    headerRow: HeaderRow.optional(),
    partSizeBytes: z
      .number()
      .int()
      .min(MIN_PART_SIZE_BYTES, `must be at least ${MIN_PART_SIZE_BYTES} bytes`)
      .max(MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} bytes, the largest file`)
      .optional(),
    mapping: ColumnMappingSchema.optional(),
  })
  .strict();
export type ExtractConfig = z.infer<typeof ExtractConfig>;

function safeEncoding(label: string): string | undefined {
  try {
    return parseEncoding(label);
  } catch {
    return undefined;
  }
}
