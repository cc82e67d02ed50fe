/**
 * export: a sheet → one file. Each part writes its segment's rows, in the file's format, to
 * a part object `tmp/<root>exports/<jobId>/<part>` (shared/domain/object-keys.ts) (a retried part overwrites it), and
 * reports its size; finalize streams the part objects in order into the one export object,
 * registers it as a file, and removes the part objects. The sizes add up to the export's
 * length, so that object is one streamed PUT (memory stays bounded whatever the size; parts
 * counted before parts reported sizes: a multipart upload of 8 MiB parts instead). S3's
 * UploadPartCopy would copy server-side, but s3rver has none and part objects under 5 MiB
 * could not use it. An XLSX file is one zip: its export is one part that streams
 * every segment through the XLSX writer.
 *
 * Finalize checks the job is still EXECUTING before it writes and again before it registers
 * the file: a canceled export leaves no file. An export that ends FAILED or CANCELED is
 * abandoned: its part objects, its export object and a file it registered in a race with the
 * cancel are removed (the bucket's `tmp/` lifecycle rule is only the last resort).
 */
import { Readable } from 'node:stream';
import * as z from 'zod';
import { derivedId } from '../domain/ids.js';
import type { Job } from '../domain/job.js';
import { LEGACY_OBJECT_KEYS, objectKeysOf } from '../domain/object-keys.js';
import type { RecordRow, SheetSegment, SheetValue } from '../domain/resources.js';
import { valueText } from '../domain/values.js';
import {
  FORMAT_EXTENSIONS,
  FORMAT_MEDIA_TYPES,
  FORMATS,
  type Format,
  writeJson,
  writeNdjson,
  writeTable,
} from '../formats/index.js';
import type { Services } from '../services.js';
import { defineOperation } from './define-operation.js';
import type { PartMessage } from './operation.js';
import {
  type JobObjects,
  listJobObjects,
  loadPlan,
  objectsByPart,
  partName,
  removePlan,
  savePlan,
} from './plans.js';
import { configuredSheet, registerJobFile } from './resources.js';
import type { SegmentBatch } from './segment-layout.js';
import { openSegmentRows } from './segments.js';
import { invalid, parseConfig } from './validation.js';

const ExportConfig = z
  .object({
    sheet: z.string().min(1).optional(),
    format: z.enum(FORMATS, { error: `must be one of: ${FORMATS.join(', ')}` }).optional(),
    fields: z.array(z.string().min(1)).min(1).max(1000).optional(),
    /** `true` / `'keys'`: a header of field keys; `'labels'`: of field labels; `false`: none (CSV, TSV, XLSX). */
    header: z.union([z.boolean(), z.enum(['keys', 'labels'])]).optional(),
    escapeFormulas: z.boolean().optional(),
    delimiter: z
      .string()
      .refine((d) => d.length === 1 && !'"\r\n'.includes(d), {
        error: 'must be one character other than a quote or a line break',
      })
      .optional(),
    fileName: z.string().min(1).max(255).optional(),
  })
  .strict();

/** What an export job keeps as its config: `validate` derives it from the `ExportConfig` and the sheet. */
const ExportSettings = z.object({
  sheet: z.string(),
  format: z.enum(FORMATS),
  fields: z.array(z.string()),
  /** The header cells (keys or labels); empty: no header row. */
  headerCells: z.array(z.string()),
  escapeFormulas: z.boolean(),
  delimiter: z.string().optional(),
  fileName: z.string(),
});
export type ExportSettings = z.infer<typeof ExportSettings>;

const ExportState = z.object({
  planKey: z.string(),
  /** The file the export registers, and the object it writes it to. */
  fileId: z.string(),
  key: z.string(),
});

type PlannedSegment = Pick<SheetSegment, 'sheetId' | 'ordinal' | 'key'>;

export const exportPartKey = (job: JobObjects, part: number) =>
  `${objectKeysOf(job.environmentId).exportParts(job.id)}${partName(part)}`;

/**
 * A stored value as a JSON cell: the value itself, so a number stays a JSON number and a
 * boolean `true`/`false`. No value is `null`, written rather than left out, so every object
 * has every field and a reader that samples the first objects finds every column.
 */
const jsonCell = (value: SheetValue): SheetValue => value;

/** A row's cells, in the export's field order, for a segment whose values follow `keys`: a field no key names has no value. */
export function segmentRowCells<C>(
  fields: readonly string[],
  keys: readonly string[],
  cell: (value: SheetValue) => C,
): (row: RecordRow) => C[] {
  const positions = fields.map((key) => keys.indexOf(key) + 1);
  // A `RecordRow` holds `SheetValue`s after its id (see `recordToRow`).
  return (row) => positions.map((at) => cell(at === 0 ? null : ((row[at] ?? null) as SheetValue)));
}

/** The rows of segment batches as cells, batch by batch; the keys change only between segments. */
async function* exportRows<C>(
  batches: AsyncIterable<SegmentBatch>,
  fields: readonly string[],
  cell: (value: SheetValue) => C,
): AsyncGenerator<C[][]> {
  let segment: { keys: readonly string[]; cells: (row: RecordRow) => C[] } | undefined;
  for await (const { keys, rows } of batches) {
    if (segment?.keys !== keys) segment = { keys, cells: segmentRowCells(fields, keys, cell) };
    yield rows.map(segment.cells);
  }
}

/**
 * What one part writes from its segments' batches. CSV/TSV: part 0 carries the header. JSON:
 * each part writes its objects without brackets, and finalize joins the pieces (see
 * `joinedExport`). JSON and NDJSON keep each value's type, so they call their writers
 * directly; `writeTable` is the text path (`valueText`: no value is an empty cell).
 */
export function partWriter(settings: ExportSettings, part: number) {
  const { format, fields, headerCells, escapeFormulas, delimiter } = settings;
  const header = headerCells.length > 0 ? headerCells : fields;
  return (batches: AsyncIterable<SegmentBatch>): AsyncGenerator<Uint8Array> => {
    if (format === 'ndjson') return writeNdjson({ header, rows: exportRows(batches, fields, jsonCell) });
    if (format === 'json')
      return writeJson(
        { header, rows: exportRows(batches, fields, jsonCell) },
        { open: false, close: false },
      );
    return writeTable(
      format,
      { header, rows: exportRows(batches, fields, valueText) },
      {
        includeHeader: part === 0 && headerCells.length > 0,
        escapeFormulas,
        ...(delimiter ? { delimiter } : {}),
        ...(format === 'xlsx' ? { sheetName: settings.fileName.replace(/\.[^.]+$/, '') } : {}),
      },
    );
  };
}

/** What a JSON export puts around and between the pieces that hold rows (ASCII: a character is a byte). */
const JSON_JOINS = { open: '[', between: ',', close: '\n]\n' };

/** The export object's bytes: the part objects in order (JSON: inside `[ ]`, `,` between pieces that hold rows). */
export async function* joinedExport(
  format: Format,
  pieces: AsyncIterable<{ rows: number; bytes: AsyncIterable<Uint8Array> }>,
): AsyncGenerator<Uint8Array> {
  const json = format === 'json';
  if (json) yield Buffer.from(JSON_JOINS.open);
  let wroteRows = false;
  for await (const piece of pieces) {
    if (json && piece.rows === 0) continue;
    if (json && wroteRows) yield Buffer.from(JSON_JOINS.between);
    for await (const chunk of piece.bytes) yield chunk;
    wroteRows ||= piece.rows > 0;
  }
  if (json) yield Buffer.from(JSON_JOINS.close);
}

/**
 * The length of `joinedExport` over part objects of these sizes (`undefined`: a size is not
 * known, a part counted before parts reported their size).
 */
export function joinedExportSize(
  format: Format,
  pieces: readonly { rows: number; size?: number | undefined }[],
): number | undefined {
  let size = 0;
  for (const piece of pieces) {
    if (piece.size === undefined) return undefined;
    size += piece.size;
  }
  if (format !== 'json') return size;
  const holding = pieces.filter((piece) => piece.rows > 0).length;
  return (
    size +
    JSON_JOINS.open.length +
    Math.max(0, holding - 1) * JSON_JOINS.between.length +
    JSON_JOINS.close.length
  );
}

async function isExecuting(services: Services, job: Job): Promise<boolean> {
  return (await services.jobs.get(job.id))?.job.status === 'EXECUTING';
}

async function removeParts(services: Services, job: JobObjects): Promise<void> {
  await services.blobs.remove(await listJobObjects(services, job, 'exportParts'));
}

export const exportRecords = defineOperation({
  name: 'export',
  types: ['workbook', 'sheet'],
  config: ExportSettings,
  state: ExportState,

  async validate(request, services) {
    const config = parseConfig(ExportConfig, request.config, 'export');
    const sheet = await configuredSheet(services, request, config.sheet);
    const fields = config.fields ?? sheet.fields.map((f) => f.key);
    const unknown = fields.filter((key) => !sheet.fields.some((f) => f.key === key));
    if (unknown.length > 0) {
      throw invalid(
        ['body', 'config', 'fields'],
        `config.fields names no field of sheet ${sheet.name}: ${unknown.join(', ')}.`,
      );
    }
    if (new Set(fields).size !== fields.length)
      throw invalid(['body', 'config', 'fields'], 'config.fields repeats a field.');
    const format = config.format ?? 'csv';
    const labels = config.header === 'labels';
    const headerCells =
      config.header === false
        ? []
        : fields.map((key) => (labels ? (sheet.fields.find((f) => f.key === key)?.label ?? key) : key));
    return {
      sheet: sheet.id,
      format,
      fields,
      headerCells,
      escapeFormulas: config.escapeFormulas ?? true,
      ...(config.delimiter && format === 'csv' ? { delimiter: config.delimiter } : {}),
      fileName: config.fileName ?? `${sheet.name}${FORMAT_EXTENSIONS[format]}`,
    };
  },

  async plan({ job, config: settings }, services) {
    const segments = (await services.resources.listSegments(settings.sheet)).filter((s) => s.rows > 0);
    const planned: PlannedSegment[] = segments.map(({ sheetId, ordinal, key }) => ({
      sheetId,
      ordinal,
      key,
    }));
    const fileId = derivedId('file', job.id);
    const state = {
      planKey: await savePlan(services, job, planned),
      fileId,
      key: objectKeysOf(job.environmentId).export(job.id, FORMAT_EXTENSIONS[settings.format]),
    };
    // One part per segment (at least one, for the header); XLSX is a single zip: one part.
    const parts = settings.format === 'xlsx' ? 1 : Math.max(1, planned.length);
    return { parts, destination: fileId, state };
  },

  async partMessages({ job }, from, to) {
    const messages: PartMessage[] = [];
    for (let part = from; part < to; part++) messages.push({ jobId: job.id, part });
    return messages;
  },

  async runPart({ job, config: settings, state }, message, services) {
    const planned = await loadPlan<PlannedSegment[]>(services, state.planKey);
    const segments = settings.format === 'xlsx' ? planned : planned.slice(message.part, message.part + 1);
    let rows = 0;
    async function* batches() {
      for (const segment of segments) {
        for await (const batch of await openSegmentRows(services, segment)) {
          rows += batch.rows.length;
          yield batch;
        }
      }
    }
    let size = 0;
    async function* sized(chunks: AsyncIterable<Uint8Array>) {
      for await (const chunk of chunks) {
        size += chunk.length;
        yield chunk;
      }
    }
    const body = Readable.from(sized(partWriter(settings, message.part)(batches())), { objectMode: false });
    await services.blobs.write(exportPartKey(job, message.part), body);
    // `size`: the part object's bytes, which finalize adds up to the export's length.
    return { rows, size };
  },

  async finalize({ job, config: settings, state }, services) {
    const { planKey, fileId, key } = state;
    const record = await services.jobs.get(job.id);
    const parts = record ? await services.jobs.listParts(record, 0, job.parts) : [];
    const records = parts.reduce((sum, p) => sum + (p.stats?.rows ?? 0), 0);
    const outcome = {
      message: `Exported ${records} records as ${settings.format.toUpperCase()} to file ${fileId}.`,
      fileId,
      fileName: settings.fileName,
      format: settings.format,
      records,
      download: `/files/${fileId}/content`,
    };
    // A finalize repeated after a crash: the file is there already.
    const existing = await services.resources.getFile(fileId);
    if (existing) return { ...outcome, size: existing.size };
    if (!(await isExecuting(services, job))) {
      await removeParts(services, job);
      await removePlan(services, planKey);
      return outcome;
    }
    let size = 0;
    // A part written before the layout changed is under the legacy one (shared/domain/object-keys.ts).
    const written = await objectsByPart(services, job, 'exportParts');
    async function* pieces() {
      for (const part of parts) {
        const bytes = await services.blobs.read(written.get(part.part) ?? exportPartKey(job, part.part));
        yield { rows: part.stats?.rows ?? 0, bytes };
      }
    }
    async function* counted() {
      for await (const chunk of joinedExport(settings.format, pieces())) {
        size += chunk.length;
        yield chunk;
      }
    }
    const mediaType = FORMAT_MEDIA_TYPES[settings.format];
    const length = joinedExportSize(
      settings.format,
      parts.map((part) => ({ rows: part.stats?.rows ?? 0, size: part.stats?.size })),
    );
    await services.blobs.write(key, Readable.from(counted(), { objectMode: false }), mediaType, length);
    if (!(await isExecuting(services, job))) {
      // Canceled while the object was being written: no file.
      await services.blobs.remove([key]);
      await removeParts(services, job);
      await removePlan(services, planKey);
      return outcome;
    }
    await registerJobFile(services, job, { id: fileId, name: settings.fileName, mediaType, size, key });
    await removeParts(services, job);
    await removePlan(services, planKey);
    return { ...outcome, size };
  },

  async discardLatePart({ job }, message, services) {
    // Finalize joined the parts and removed them; this copy wrote its part object again.
    await services.blobs.remove([
      exportPartKey(job, message.part),
      `${LEGACY_OBJECT_KEYS.exportParts(job.id)}${partName(message.part)}`,
    ]);
  },

  async abandon({ job, state }, services) {
    await removeParts(services, job);
    if (state) {
      if (await services.resources.getFile(state.fileId)) await services.resources.deleteFile(state.fileId);
      await services.blobs.remove([state.key]);
    }
    return {
      message: 'No file was exported: the objects the export had written were removed.',
      destinationRemoved: true,
    };
  },
});
