/**
 * How extract splits a file of each format into parts, and how a part reads its rows.
 *
 * - CSV / TSV: byte ranges that hold whole rows (`planCsvLayoutInRanges`: the head of the file,
 *   then ranges of the rest read at once, counting quotes).
 *   UTF-16 files are one part (a 0x22 or 0x0A byte may be half of another character).
 * - NDJSON: byte ranges too, found with no pass over the file: a JSON text never holds a raw
 *   line feed, so the first line start at or after each nominal start is the byte after the
 *   first `\n` from there, found with one small ranged read per part. UTF-16: one part.
 * - JSON (an array): one part; the array has to be scanned from its `[`.
 * - XLSX: one part per worksheet (a zip is read from its start; each part skips to its sheet).
 *
 * NDJSON and JSON columns are the keys of the first 1,000 objects (keys first seen later are
 * not extracted).
 */
import type { Readable } from 'node:stream';
import { UnprocessableError, ValidationError } from '../domain/errors.js';
import { MAX_PARTS } from '../domain/parts.js';
import type { DataFile } from '../domain/resources.js';
import { planCsvLayoutInRanges } from '../formats/csv/ranged-plan.js';
import { parseCsvRows } from '../formats/csv/rows.js';
import { DECODER_LABELS, encodingFromBom } from '../formats/encoding.js';
import { detectFormat, type Encoding, type Format, readJsonArray, readNdjson } from '../formats/index.js';
import { ndjsonRecords } from '../formats/json/ndjson.js';
import { RecordColumns } from '../formats/json/records.js';
import type { Row } from '../formats/table.js';
import { xlsx } from '../formats/xlsx-support.js';
import type { Services } from '../services.js';

export interface SourceOptions {
  format?: Format;
  encoding?: Encoding;
  /** One character or `auto`. */
  delimiter?: string;
  headerRow: number;
  partSize: number;
}

/** One table of the file: the single table of a text format, or a worksheet. */
export interface SourceTable {
  name: string;
  header: string[];
}

export interface SourceLayout {
  format: Format;
  encoding?: Encoding;
  delimiter?: string;
  tables: SourceTable[];
  /** Byte-range formats: part `i` reads `[boundaries[i], boundaries[i + 1])` of table 0. Else part `i` is table `i`. */
  boundaries?: number[];
}

const SNIFF_BYTES = 64 * 1024;

async function firstBytes(services: Services, file: DataFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await services.blobs.read(file.key, { start: 0, endExclusive: SNIFF_BYTES }))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The format a file is read as: the config's, else the one its name, media type and bytes tell. */
export async function formatOf(services: Services, file: DataFile, wanted?: Format): Promise<Format> {
  if (wanted) return wanted;
  const format = detectFormat(file.name, file.mediaType, await firstBytes(services, file));
  if (!format) {
    throw new UnprocessableError(
      `File ${file.id} (${file.name}) is in a format partwise does not read; it reads CSV, TSV, NDJSON, JSON and XLSX (set config.format if the name misleads).`,
    );
  }
  return format;
}

function checkPartCount(parts: number, partSize: number): void {
  if (parts > MAX_PARTS) {
    throw new UnprocessableError(
      `The file would need ${parts} parts of ${partSize} bytes; the most a job may have is ${MAX_PARTS}. Use a larger config.partSizeBytes.`,
    );
  }
}

export async function planSource(
  services: Services,
  file: DataFile,
  options: SourceOptions,
): Promise<SourceLayout> {
  const format = await formatOf(services, file, options.format);
  const read = () => services.blobs.read(file.key);
  switch (format) {
    case 'csv':
    case 'tsv': {
      // The object's own size (one HEAD), not the file's record: the ranges must cover it exactly.
      const size = (await services.blobs.size(file.key)) ?? 0;
      const readRange = (start: number, endExclusive: number) =>
        services.blobs.read(file.key, { start, endExclusive });
      const layout = await planCsvLayoutInRanges(readRange, size, {
        partSize: options.partSize,
        delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : 'auto'),
        headerRow: options.headerRow,
        ...(options.encoding ? { encoding: options.encoding } : {}),
      });
      checkPartCount(layout.boundaries.length - 1, options.partSize);
      return {
        format,
        encoding: layout.encoding,
        delimiter: layout.delimiter,
        tables: [{ name: sheetNameOf(file), header: layout.header }],
        boundaries: layout.boundaries,
      };
    }
    case 'ndjson':
    case 'json': {
      const stream = await read();
      try {
        const reader = format === 'ndjson' ? readNdjson : readJsonArray;
        const table = await reader(stream, options.encoding ? { encoding: options.encoding } : {});
        const tables = [{ name: sheetNameOf(file), header: [...table.header] }];
        if (format === 'json') return { format, encoding: table.encoding, tables };
        const boundaries = await lineBoundaries(services, file, table.encoding, options.partSize);
        checkPartCount(boundaries.length - 1, options.partSize);
        return { format, encoding: table.encoding, tables, boundaries };
      } finally {
        stream.destroy();
      }
    }
    case 'xlsx': {
      const tables: SourceTable[] = [];
      for await (const sheet of xlsx().read(await read(), { headerRow: options.headerRow }))
        tables.push({ name: sheet.name, header: sheet.header });
      if (tables.length === 0) throw new UnprocessableError(`File ${file.id} holds no worksheet.`);
      return { format, tables };
    }
  }
}

const sheetNameOf = (file: DataFile) => file.name.replace(/\.[^.]+$/, '') || 'Sheet1';

/** NDJSON part boundaries: the first line start at or after each nominal start, one ranged read each. */
async function lineBoundaries(
  services: Services,
  file: DataFile,
  encoding: Encoding,
  partSize: number,
): Promise<number[]> {
  const size = (await services.blobs.size(file.key)) ?? 0;
  const lead = await firstBytes(services, file);
  const start = encodingFromBom(lead)?.encoding === encoding ? (encodingFromBom(lead)?.bomLength ?? 0) : 0;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return [start, size];
  const nominal: number[] = [];
  for (let at = partSize; at < size; at += partSize) nominal.push(at);
  checkPartCount(nominal.length + 1, partSize);
  const found = await mapLimited(nominal, 16, (at) => nextLineStart(services, file.key, at, size));
  const boundaries = [start];
  for (const boundary of found) boundaries.push(Math.max(boundary, boundaries.at(-1) ?? 0));
  boundaries.push(size);
  return boundaries;
}

const WINDOW = 64 * 1024;

/** The first offset ≥ `at` that starts a line: just after the first `\n` at or after `at - 1`. */
async function nextLineStart(services: Services, key: string, at: number, size: number): Promise<number> {
  for (let from = at - 1; from < size; from += WINDOW) {
    const bytes = await readRange(services, key, from, Math.min(size, from + WINDOW));
    const lf = bytes.indexOf(0x0a);
    if (lf >= 0) return from + lf + 1;
  }
  return size;
}

async function readRange(services: Services, key: string, start: number, endExclusive: number) {
  const chunks: Buffer[] = [];
  for await (const chunk of await services.blobs.read(key, { start, endExclusive }))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function* decoded(stream: Readable, encoding: Encoding): AsyncGenerator<string> {
  // A part never starts with the file's BOM (the plan starts after it): a U+FEFF here is data.
  const decoder = new TextDecoder(DECODER_LABELS[encoding], { ignoreBOM: true });
  for await (const chunk of stream) yield decoder.decode(chunk as Buffer, { stream: true });
  yield decoder.decode();
}

/** The rows of one part: table `table` (a worksheet, or 0), within `range` for the byte-range formats. */
export async function* partRows(
  services: Services,
  file: DataFile,
  layout: Pick<SourceLayout, 'format' | 'encoding' | 'delimiter'> & { headerRow: number },
  table: { index: number; header: readonly string[] },
  range?: { start: number; endExclusive: number },
): AsyncGenerator<Row[]> {
  const { header } = table;
  const encoding = layout.encoding ?? 'utf-8';
  switch (layout.format) {
    case 'csv':
    case 'tsv':
      if (!range) throw new ValidationError(`a ${layout.format} extract part needs a byte range`);
      yield* parseCsvRows(await services.blobs.read(file.key, range), {
        delimiter: layout.delimiter ?? ',',
        encoding,
      });
      return;
    case 'ndjson': {
      if (!range) throw new ValidationError('an NDJSON extract part needs a byte range');
      const columns = new RecordColumns(header);
      for await (const records of ndjsonRecords(
        decoded(await services.blobs.read(file.key, range), encoding),
      ))
        yield records.map((record) => columns.toRow(record));
      return;
    }
    case 'json': {
      const array = await readJsonArray(await services.blobs.read(file.key), { encoding, header });
      yield* array.rows;
      return;
    }
    case 'xlsx': {
      let index = 0;
      for await (const sheet of xlsx().read(await services.blobs.read(file.key), {
        headerRow: layout.headerRow,
      })) {
        if (index++ !== table.index) continue;
        yield* sheet.rows;
        return;
      }
    }
  }
}
