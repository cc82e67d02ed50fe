/** What an extract job keeps once planned: read by each part, by finalize and by abandon. */
import * as z from 'zod';
import type { DataFile } from '../domain/resources.js';
import { ENCODINGS, FORMATS } from '../formats/index.js';
import type { SourceLayout } from './extract-source.js';

/** A table of the file and the sheet it goes to (none: no sheet of the destination took it). */
const TableTarget = z.object({
  name: z.string(),
  sheetId: z.string().optional(),
  run: z.number(),
  unmatchedColumns: z.array(z.string()),
  missingFields: z.array(z.string()),
});
export type TableTarget = z.infer<typeof TableTarget>;

/** The planner's layout without what the plan object holds; `headerEnd` is the first byte-range's start. */
type PlannedLayout = Omit<SourceLayout, 'boundaries' | 'tables'> & { headerEnd?: number };

/**
 * `SourceLayout` is defined by the planner (extract-source.ts); this shape must name each of its
 * fields, optional ones included — a field it left out would be stripped from the kept state
 * without a word — and no other.
 */
const plannedLayout = {
  format: z.enum(FORMATS),
  encoding: z.enum(ENCODINGS).optional(),
  encodingSource: z.string().optional(),
  delimiter: z.string().optional(),
  size: z.number(),
  headerLineBreaks: z.number(),
  headerEnd: z.number().optional(),
  etag: z.string().optional(),
} satisfies { [Field in keyof PlannedLayout]-?: z.ZodType<PlannedLayout[Field]> };

export const ExtractState = z.object({
  planKey: z.string(),
  /**
   * The source file as planned: parts read its content without looking it up again. The
   * plan copied it from the file's own record, so only its shape is checked, not each field.
   */
  file: z.custom<DataFile>(
    (file) => typeof file === 'object' && file !== null && 'key' in file && typeof file.key === 'string',
    'must be the file record the plan read',
  ),
  workbookId: z.string().optional(),
  layout: z.object(plannedLayout),
  headerRow: z.number(),
  targets: z.array(TableTarget),
});
export type ExtractState = z.infer<typeof ExtractState>;
