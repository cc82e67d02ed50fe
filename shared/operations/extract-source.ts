/**
 * How extract looks at a file before it runs: what it is, what it holds, and how it splits
 * into parts. The parts themselves read in extract-part.ts.
 *
 * - Before anything else the file's first bytes decide its format (the config's, else its
 *   name, media type and content), and content that cannot be that format — an image, a
 *   compressed file, binary data — is refused (sniff.ts). A text file's encoding is the
 *   config's, else its BOM's, else detected from its first bytes (encoding-detect.ts); the
 *   parts confirm it as they read, and report any byte it cannot decode.
 * - An empty file is one empty part whatever its format: the job completes with no records.
 * - CSV / TSV: byte ranges that hold whole rows (`planCsvLayoutInRanges`: the head of the
 *   file, then ranges of the rest read at once, by the dialect's rules). A file larger than
 *   `distributedPlanningBytes` has its ranges scanned by a wave of `scan` commands instead,
 *   one per part (csv-scans.ts). A file that ends
 *   inside a quoted cell is refused with the line where the cell opens. UTF-16 files are
 *   one part (a 0x22 or 0x0A byte may be half of another character).
 * - NDJSON: byte ranges too, found with no pass over the file: a JSON text never holds a raw
 *   line feed, so the first line start at or after each nominal start is the byte after the
 *   first `\n` from there, found with one small ranged read per part. UTF-16: one part.
 * - JSON (an array): byte ranges too, each a run of whole elements, found like CSV's from
 *   ranges read at once (`planJsonArrayInRanges`: strings, escapes and depth, scanned from every
 *   string state and joined in file order). A file that does not start with `[`, and UTF-16
 *   files, are one part.
 * - XLSX: one part per worksheet; the zip is read by random access (its directory names
 *   every entry), so planning reads each worksheet's header row and nothing more.
 *
 * NDJSON and JSON columns are the keys of the first 1,000 objects (keys first seen later are
 * not extracted).
 */
import { UnprocessableError } from '../domain/errors.js';
import type { DataFile } from '../domain/resources.js';
import { planCsvLayoutInRanges } from '../formats/csv/ranged-plan.js';
import { decodeAll, type Encoding } from '../formats/encoding.js';
import { detectEncoding, type EncodingVerdict } from '../formats/encoding-detect.js';
import { detectFormat, type Format, readJsonArray, readNdjson } from '../formats/index.js';
import { arrayOpening, planJsonArrayInRanges } from '../formats/json/ranged-plan.js';
import { countLineBreaks } from '../formats/part-bytes.js';
import { contentRefusal } from '../formats/sniff.js';
import { xlsx } from '../formats/xlsx-support.js';
import type { Services } from '../services.js';
import { distributedScans } from './csv-scans.js';
import { blobSource, bytesOf, fileHead, type PinnedContent, readPinned } from './file-bytes.js';
import { checkPartCount, lineBoundaries } from './part-boundaries.js';
import type { JobObjects } from './plans.js';

export interface SourceOptions {
  format?: Format;
  encoding?: Encoding;
  /** One character or `auto`. */
  delimiter?: string;
  headerRow: number;
  partSize: number;
  /** The job planning: given, a CSV/TSV file above `distributedPlanningBytes` is planned by a wave of range scans (csv-scans.ts). */
  job?: JobObjects;
}

/** One table of the file: the single table of a text format, or a worksheet. */
export interface SourceTable {
  name: string;
  header: string[];
}

export interface SourceLayout {
  format: Format;
  encoding?: Encoding;
  /** How the encoding was told, for the outcome: `config`, or the detector's word (`bom`, `utf-8`, `windows-1252`…). */
  encodingSource?: string;
  delimiter?: string;
  tables: SourceTable[];
  /** Byte-range formats: part `i` reads `[boundaries[i], boundaries[i + 1])` of table 0. Else part `i` is table `i`. */
  boundaries?: number[];
  /** The file's size in bytes. */
  size: number;
  /** The ETag of the content planned on: every part reads that content or fails (file-bytes.ts). */
  etag?: string;
  /** Line breaks before the first data byte (the header row and the rows above it). */
  headerLineBreaks: number;
}

/** The format a file is read as: the config's, else the one its name, media type and first bytes tell. */
export function formatOf(file: DataFile, head: Uint8Array, wanted?: Format): Format {
  if (wanted) return wanted;
  const format = detectFormat(file.name, file.mediaType, head);
  if (!format) {
    throw new UnprocessableError(
      `File ${file.id} (${file.name}) is in a format partwise does not read; it reads CSV, TSV, NDJSON, JSON and XLSX (set config.format if the name misleads).`,
    );
  }
  return format;
}

export async function planSource(
  services: Services,
  file: DataFile,
  options: SourceOptions,
): Promise<SourceLayout> {
  // The object's own size and ETag (one HEAD), not the file's record: the ranges must cover
  // it exactly, and every read from here on reads that very content.
  const stat = await services.blobs.stat(file.key);
  const size = stat?.size ?? 0;
  const pin = stat ? { etag: stat.etag } : {};
  const content: PinnedContent = { key: file.key, ...pin };
  const head = await fileHead(services, content, size);
  const format = formatOf(file, head, options.format);
  const name = sheetNameOf(file);
  if (size > 0) {
    const refused = contentRefusal(head, format, file.name);
    if (refused) throw new UnprocessableError(refused);
  } else {
    // Nothing to split, whatever the format: one part that reads nothing.
    const empty = { format, size, ...pin, headerLineBreaks: 0, tables: [{ name, header: [] }] };
    return format === 'xlsx'
      ? empty
      : { ...empty, encoding: options.encoding ?? 'utf-8', boundaries: [0, 0] };
  }
  if (format === 'xlsx') {
    const book = await xlsx().open(blobSource(services, content, size));
    try {
      const tables: SourceTable[] = [];
      for (const sheet of book.sheets) {
        const read = await book.readSheet(sheet.index, { headerRow: options.headerRow });
        await read.rows.return(undefined); // the header is all planning needs
        tables.push({ name: sheet.name, header: read.header });
      }
      if (tables.length === 0) throw new UnprocessableError(`File ${file.id} holds no worksheet.`);
      return { format, size, ...pin, headerLineBreaks: 0, tables };
    } finally {
      await book.close();
    }
  }
  const { encoding, encodingSource } = await textEncoding(
    services,
    file,
    content,
    head,
    size,
    options.encoding,
  );
  switch (format) {
    case 'csv':
    case 'tsv':
      return {
        ...(await planCsv(services, file, content, { ...options, format, encoding, encodingSource, size })),
        ...pin,
      };
    case 'ndjson': {
      const table = await sampleColumns(services, content, readNdjson, encoding);
      const boundaries = await lineBoundaries(services, content, encoding, options.partSize, size);
      checkPartCount(boundaries.length - 1, options.partSize);
      const tables = [{ name, header: table }];
      return { format, encoding, encodingSource, size, ...pin, headerLineBreaks: 0, tables, boundaries };
    }
    case 'json': {
      const table = await sampleColumns(services, content, readJsonArray, encoding);
      const tables = [{ name, header: table }];
      const boundaries = await jsonArrayBoundaries(services, content, head, encoding, options.partSize, size);
      return { format, encoding, encodingSource, size, ...pin, headerLineBreaks: 0, tables, boundaries };
    }
  }
}

/** JSON array parts (formats/json/ranged-plan.ts); UTF-16: one part (a 0x2C byte may be half of another character). */
async function jsonArrayBoundaries(
  services: Services,
  content: PinnedContent,
  head: Uint8Array,
  encoding: Encoding,
  partSize: number,
  size: number,
): Promise<number[]> {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return [0, size];
  // Before the scan, which watches every nominal start (a file that is no array stays one part).
  if (arrayOpening(head) !== undefined) checkPartCount(Math.ceil(size / partSize), partSize);
  const readRange = (start: number, endExclusive: number) =>
    readPinned(services, content, { start, endExclusive });
  const boundaries = await planJsonArrayInRanges(readRange, size, { partSize, head });
  checkPartCount(boundaries.length - 1, partSize);
  return boundaries;
}

const sheetNameOf = (file: DataFile) => file.name.replace(/\.[^.]+$/, '') || 'Sheet1';

/** The encoding the config names, else the BOM's, else the one the first bytes tell (a wider look when they are all ASCII). */
async function textEncoding(
  services: Services,
  file: DataFile,
  content: PinnedContent,
  head: Uint8Array,
  size: number,
  wanted: Encoding | undefined,
): Promise<{ encoding: Encoding; encodingSource: string }> {
  if (wanted) return { encoding: wanted, encodingSource: 'config' };
  let verdict = detectEncoding(head, { complete: size <= head.length, fileName: file.name });
  if (!('refused' in verdict) && verdict.detected === 'ascii' && size > head.length) {
    // Plain ASCII so far tells nothing: look further for the first byte that is not.
    const wider = await fileHead(services, content, size, WIDE_HEAD_BYTES);
    verdict = detectEncoding(wider, { complete: size <= wider.length, fileName: file.name });
  }
  if ('refused' in verdict) throw new UnprocessableError(verdict.refused);
  return { encoding: verdict.encoding, encodingSource: describe(verdict) };
}

/** How much of a file the encoding is told from when its first 64 KiB are plain ASCII. */
const WIDE_HEAD_BYTES = 2 * 1024 * 1024;

const describe = (verdict: EncodingVerdict) => (verdict.detected === 'ascii' ? 'utf-8' : verdict.detected);

async function planCsv(
  services: Services,
  file: DataFile,
  content: PinnedContent,
  options: SourceOptions & {
    format: 'csv' | 'tsv';
    encoding: Encoding;
    encodingSource: string;
    size: number;
  },
): Promise<SourceLayout> {
  const { format, encoding, encodingSource, size } = options;
  const readRange = (start: number, endExclusive: number) =>
    readPinned(services, content, { start, endExclusive });
  const layout = await planCsvLayoutInRanges(readRange, size, {
    partSize: options.partSize,
    delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : 'auto'),
    headerRow: options.headerRow,
    encoding,
    ...(options.job ? distributedScans(services, options.job, content, size, options.partSize) : {}),
  });
  if (layout.unclosedQuoteAt !== undefined) {
    const line = (await lineBreaksBefore(services, content, layout.unclosedQuoteAt, encoding)) + 1;
    throw new UnprocessableError(
      `Line ${line}: a quoted cell opens here and never closes — the file ends inside it, so no row after it can be told apart. Close the quote (or remove the stray one) and extract again.`,
    );
  }
  checkPartCount(layout.boundaries.length - 1, options.partSize);
  return {
    format,
    encoding: layout.encoding,
    encodingSource,
    delimiter: layout.delimiter,
    tables: [{ name: sheetNameOf(file), header: layout.header }],
    boundaries: layout.boundaries,
    size,
    headerLineBreaks:
      layout.headerLineBreaks ?? (await lineBreaksBefore(services, content, layout.headerEnd, encoding)),
  };
}

/** Line breaks (LF, or a CR no LF follows) in the file's first `offset` bytes. */
async function lineBreaksBefore(
  services: Services,
  content: PinnedContent,
  offset: number,
  encoding: Encoding,
): Promise<number> {
  if (offset === 0) return 0;
  const stream = await readPinned(services, content, { start: 0, endExclusive: offset });
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // Code units, not bytes: a 0x0A byte may be half of another character.
    const text = decodeAll(Buffer.concat(await bytesOf(stream)), encoding);
    return (text.match(/\r\n|\r|\n/g) ?? []).length;
  }
  let breaks = 0;
  let crLast = false;
  for await (const chunk of stream) {
    const counted = countLineBreaks(chunk as Uint8Array, 'csv', crLast);
    breaks += counted.breaks;
    crLast = counted.crLast;
  }
  return breaks + (crLast ? 1 : 0);
}

/** The columns of the first objects of a JSON or NDJSON file; a malformed row is the parts' to report. */
async function sampleColumns(
  services: Services,
  content: PinnedContent,
  reader: typeof readNdjson | typeof readJsonArray,
  encoding: Encoding,
): Promise<string[]> {
  const stream = await readPinned(services, content);
  try {
    const table = await reader(stream, { encoding, onReject: () => {} });
    return [...table.header];
  } finally {
    stream.destroy();
  }
}
