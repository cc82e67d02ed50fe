import type { Readable } from 'node:stream';
import * as z from 'zod';
import { config as settings } from '../config.js';
import { NotFoundError, UnprocessableError, ValidationError } from '../domain/errors.js';
import { derivedId } from '../domain/ids.js';
import type { Job } from '../domain/job.js';
import { MAX_PARTS, MIN_PART_SIZE_BYTES } from '../domain/parts.js';
import { fieldKeys, type Sheet, type SheetRecord } from '../domain/resources.js';
import { planCsvLayout } from '../formats/csv/boundaries.js';
import { parseCsvRows } from '../formats/csv/rows.js';
import type { Operation, PartMessage } from './operation.js';
import { availableFile, resolveSheet } from './resources.js';
import { writeSegment } from './segments.js';

const ExtractConfig = z
  .object({
    partSizeBytes: z
      .number()
      .int()
      .min(MIN_PART_SIZE_BYTES, `must be at least ${MIN_PART_SIZE_BYTES} bytes`)
      .optional(),
    delimiter: z.string().length(1, 'must be a single character').optional(),
    headerRow: z.number().int().min(1).optional(),
  })
  .strict();

interface ExtractState {
  sheetId: string;
  /** For each column of the file, the field it goes to (null: no such field, dropped). */
  columns: (string | null)[];
  planKey: string;
  /** Segments of this job are numbered from here (after those the sheet already had). */
  ordinalBase: number;
}

const planKeyOf = (jobId: string) => `plans/${jobId}.json`;

async function readJson<T>(stream: Readable): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

function optionsOf(job: Job) {
  const config = job.config as z.infer<typeof ExtractConfig>;
  return {
    partSize: config.partSizeBytes ?? settings.defaultPartSizeBytes,
    delimiter: config.delimiter ?? ',',
    headerRow: config.headerRow ?? 1,
  };
}

const normalize = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

/** Header cells match field keys or labels, ignoring case and spaces. */
function matchColumns(header: string[], sheet: Sheet): (string | null)[] {
  return header.map((cell) => {
    const wanted = normalize(cell);
    const field = sheet.fields.find(
      (f) => normalize(f.key) === wanted || (f.label && normalize(f.label) === wanted),
    );
    return field?.key ?? null;
  });
}

/** Extract: a CSV file → a sheet, in byte-range parts that each parse whole rows. */
export const extract: Operation = {
  name: 'extract',
  types: ['file'],

  async validate(request, services) {
    const parsed = ExtractConfig.safeParse(request.config);
    if (!parsed.success) {
      throw new ValidationError('The extract config is not valid.', {
        errors: parsed.error.issues.map((issue) => ({
          pointer: ['body', 'config', ...issue.path].join('.'),
          detail: issue.message,
        })),
      });
    }
    await availableFile(services, request.environmentId, request.source);
    if (request.destination) await resolveSheet(services, request.environmentId, request.destination);
    return parsed.data;
  },

  async plan(job, services) {
    const file = await availableFile(services, job.environmentId, job.source);
    const { partSize, delimiter, headerRow } = optionsOf(job);
    const layout = await planCsvLayout(await services.blobs.read(file.key), {
      partSize,
      delimiter,
      headerRow,
    });
    const parts = layout.boundaries.length - 1;
    if (parts > MAX_PARTS) {
      throw new UnprocessableError(
        `The file would need ${parts} parts of ${partSize} bytes; the most a job may have is ${MAX_PARTS}. Use a larger config.partSizeBytes.`,
      );
    }
    if (layout.header.length === 0) throw new UnprocessableError(`File ${file.id} has no header row.`);
    const planKey = planKeyOf(job.id);
    await services.blobs.write(
      planKey,
      JSON.stringify({ boundaries: layout.boundaries }),
      'application/json',
    );

    let sheet: Sheet;
    let workbookId: string;
    let ordinalBase = 0;
    if (job.destination) {
      sheet = await resolveSheet(services, job.environmentId, job.destination);
      workbookId = sheet.workbookId;
      const existing = await services.resources.listSegments(sheet.id);
      ordinalBase = existing
        .filter((s) => s.jobId !== job.id)
        .reduce((max, s) => Math.max(max, s.ordinal + 1), 0);
    } else {
      // Deterministic ids: a retried plan overwrites the same workbook instead of adding one.
      workbookId = derivedId('workbook', job.id);
      const now = job.createdAt;
      const keys = fieldKeys(layout.header);
      sheet = {
        id: derivedId('sheet', job.id),
        workbookId,
        environmentId: job.environmentId,
        name: file.name.replace(/\.[^.]+$/, '') || 'Sheet 1',
        fields: keys.map((key, i) => ({ key, label: layout.header[i] ?? key, type: 'string' as const })),
        createdAt: now,
      };
      await services.resources.putWorkbook({
        id: workbookId,
        environmentId: job.environmentId,
        name: file.name,
        sheets: [sheet],
        createdAt: now,
        updatedAt: now,
      });
    }
    const columns = job.destination ? matchColumns(layout.header, sheet) : fieldKeys(layout.header);
    const state: ExtractState = { sheetId: sheet.id, columns, planKey, ordinalBase };
    return { parts, destination: job.destination ?? workbookId, state: { ...state } };
  },

  async partMessages(job, state, from, to, services) {
    const { planKey } = state as unknown as ExtractState;
    const { boundaries } = await readJson<{ boundaries: number[] }>(await services.blobs.read(planKey));
    const messages: PartMessage[] = [];
    for (let part = from; part < to; part++) {
      messages.push({
        jobId: job.id,
        part,
        range: { start: boundaries[part] ?? 0, endExclusive: boundaries[part + 1] ?? 0 },
      });
    }
    return messages;
  },

  async runPart(job, state, message, services) {
    const { sheetId, columns, ordinalBase } = state as unknown as ExtractState;
    const { delimiter } = optionsOf(job);
    const file = await services.resources.getFile(job.source);
    if (!file) throw new NotFoundError('File', job.source);
    const range = message.range ?? { start: 0, endExclusive: 0 };
    const bytes = await services.blobs.read(file.key, range);
    const prefix = `${message.part.toString(36)}-`;
    let n = 0;
    async function* records(): AsyncGenerator<SheetRecord[]> {
      for await (const rows of parseCsvRows(bytes, { delimiter })) {
        yield rows.map((cells) => {
          const values: SheetRecord['values'] = {};
          columns.forEach((key, i) => {
            if (key !== null) values[key] = cells[i] ?? null;
          });
          return { id: prefix + (n++).toString(36), values };
        });
      }
    }
    const rows = await writeSegment(
      services,
      { sheetId, ordinal: ordinalBase + message.part, jobId: job.id },
      records(),
    );
    return { rows, bytes: range.endExclusive - range.start };
  },

  async finalize(job, state, services) {
    const { sheetId } = state as unknown as ExtractState;
    const segments = await services.resources.listSegments(sheetId);
    const records = segments.filter((s) => s.jobId === job.id).reduce((sum, s) => sum + s.rows, 0);
    return {
      message: `Extracted ${records} records into sheet ${sheetId}.`,
      records,
      sheetId,
      workbookId: job.destination,
    };
  },
};
