/**
 * One part of an extract: its rows read, typed and stored as one segment of the sheet, and
 * what it read tallied for the row ledger (extract-ledger.ts).
 *
 * - CSV / TSV: the part's byte range, stored as it is (a CSV slice). Into fields that keep
 *   every cell as it is (optional text), its rows are only counted; into typed fields, every
 *   row is parsed, converted and checked as it passes, and readers convert it again. (With a
 *   delimiter the planner cannot find in bytes, the rows are typed and stored as JSON rows.)
 *   Either way a ragged row, or one with text after a closing quote, is kept with a message
 *   (row-notes.ts), and bytes a UTF-8 file does not decode are noted with their line.
 * - NDJSON: the part's byte range; JSON: the part's byte range, a run of the array's elements
 *   (the first part holds the `[`, the last the `]`). A line or element that is no JSON object
 *   is rejected with its line and reason, and the rest is read.
 * - XLSX: the part's worksheet, opened in place.
 *
 * Each part also lists its invalid records (one row per invalid field) and rejected rows, with
 * their lines, in its fragment of the job's rejected-rows report (report.ts).
 */
import { ContentChangedError, UnprocessableError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import {
  type DataFile,
  type Field,
  type RecordRow,
  recordIds,
  type SheetSegment,
  segmentOrdinal,
} from '../domain/resources.js';
import { keepsCellsAsTheyAre, rowTyper } from '../domain/values.js';
import { delimiterByte } from '../formats/csv/dialect.js';
import { parseCsvRows } from '../formats/csv/rows.js';
import { DECODER_LABELS, type Encoding } from '../formats/encoding.js';
import type { Format } from '../formats/index.js';
import { jsonArrayRecords, MalformedJsonArrayError } from '../formats/json/array.js';
import { ndjsonRecords } from '../formats/json/ndjson.js';
import { newRowLedger, RecordColumns } from '../formats/json/records.js';
import { PartBytes } from '../formats/part-bytes.js';
import type { Row } from '../formats/table.js';
import { xlsx } from '../formats/xlsx-support.js';
import type { Services } from '../services.js';
import { rowPicker } from './columns.js';
import { type SliceRowsWatch, sliceField, unclosedQuoteError } from './csv-slice.js';
import { MAX_NOTES, PartNotes, type PartTally } from './extract-ledger.js';
import { countLineBreaks } from './extract-report.js';
import { blobSource, type PinnedContent, readPinned } from './file-bytes.js';
import type { PartMessage } from './operation.js';
import { RecordLines, ReportFragment } from './report-fragment.js';
import { type RowShape, rowShapeMessages, withShapeMessages } from './row-notes.js';
import { type SegmentTarget, writeCsvSliceSegment, writeSegment } from './segments.js';

/** Everything one part needs, from the job's plan. */
export interface ExtractPart {
  job: Job;
  file: DataFile;
  /** `etag`: the content planned on, which every read of the part names (file-bytes.ts). */
  layout: { format: Format; encoding?: Encoding; delimiter?: string; etag?: string; size?: number };
  headerRow: number;
  /** The table the part reads (a worksheet, or the file's one table) and where its cells go. */
  table: { index: number; header: string[]; fields: Field[]; columns: number[] };
  target: { sheetId: string; run: number };
  message: PartMessage;
}

/** Reads, types and stores one part; returns its tally. The rows of the part are one segment of the sheet. */
export async function extractPart(services: Services, part: ExtractPart): Promise<PartTally> {
  const report = new ReportFragment(services, part.job, part.message);
  return report.around(() => readPart(services, part, report));
}

async function readPart(services: Services, part: ExtractPart, report: ReportFragment): Promise<PartTally> {
  const { job, layout, message } = part;
  const notes = new PartNotes();
  const segmentTarget = {
    environmentId: job.environmentId,
    sheetId: part.target.sheetId,
    ordinal: segmentOrdinal(part.target.run, message.part),
    jobId: job.id,
  };
  let read: { segment: SheetSegment; rejected: number; bytes?: PartBytes };
  switch (layout.format) {
    case 'csv':
    case 'tsv':
      read = await csvPart(services, part, segmentTarget, report);
      break;
    case 'ndjson':
    case 'json':
      read = await jsonPart(services, part, segmentTarget, notes, report);
      break;
    case 'xlsx':
      read = { segment: await xlsxPart(services, part, segmentTarget, report), rejected: 0 };
      break;
  }
  const { segment, rejected, bytes } = read;
  if (bytes) {
    for (const { line, bytes: sequence } of bytes.undecodable) {
      const hex = sequence.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
      notes.warn(line, `bytes ${hex} are not UTF-8: stored as U+FFFD`);
    }
    notes.warned = bytes.undecodableCount;
  }
  await notes.save(services, job, message.part);
  const range = message.range;
  return {
    read: segment.rows + rejected,
    rows: segment.rows,
    invalid: segment.invalid,
    rejected,
    warned: notes.warned,
    notes: Math.min(notes.count, 2 * MAX_NOTES),
    ...(range && bytes
      ? { start: range.start, end: range.endExclusive, bytes: bytes.bytes, lineBreaks: bytes.lineBreaks }
      : {}),
  };
}

/** The file's content as the job planned on it. */
const contentOf = ({ file, layout }: ExtractPart): PinnedContent => ({
  key: file.key,
  ...(layout.etag !== undefined ? { etag: layout.etag } : {}),
});

/** The part's bytes from the file, and what counts them (and, for UTF-8, checks them) as they pass. */
async function partBytes(services: Services, part: ExtractPart, breaks: 'csv' | 'lf') {
  const { message, layout } = part;
  const source = await readPinned(services, contentOf(part), message.range);
  return { source, seen: new PartBytes(breaks, { utf8: (layout.encoding ?? 'utf-8') === 'utf-8' }) };
}

/** A part must read its whole range: a short read would store a truncated part under a whole count. */
function checkWhole(bytes: PartBytes, message: PartMessage): void {
  const range = message.range;
  if (range && bytes.bytes !== range.endExclusive - range.start)
    throw new Error(
      `read ${bytes.bytes} bytes of the ${range.endExclusive - range.start}-byte part ${message.part}`,
    );
}

/** The shape messages of parsed row `n` (`undefined`: none); `unclean` holds the rows the parser noted. */
function shapeMessagesOf(cells: string[], shape: RowShape, unclean: Map<number, number[]>, n: number) {
  return (shape.width > 0 && cells.length !== shape.width) || unclean.has(n)
    ? rowShapeMessages(cells, shape, unclean.get(n))
    : undefined;
}

async function csvPart(services: Services, part: ExtractPart, target: SegmentTarget, report: ReportFragment) {
  const { layout, table, message } = part;
  if (!message.range) throw new Error(`a ${layout.format} extract part needs a byte range`);
  const encoding = layout.encoding ?? 'utf-8';
  const delimiter = layout.delimiter ?? ',';
  const keys = table.fields.map((field) => field.key);
  const shape: RowShape = { keys, columns: table.columns, width: table.header.length };
  const { source, seen: bytes } = await partBytes(services, part, 'csv');
  let segment: SheetSegment;
  const bytesPlanned = delimiterByte(delimiter, encoding === 'latin1') !== undefined;
  if (keys.length > 0 && bytesPlanned) {
    // The part's bytes are the segment (a CSV slice). Text fields take every cell as it is, so
    // its rows are only counted; typed fields convert and check every cell on the way, their
    // invalid records listed as they are found, and readers convert the cells again.
    const text = keepsCellsAsTheyAre(table.fields);
    const csv = {
      encoding,
      delimiter,
      columns: table.columns,
      width: shape.width,
      ...(text ? {} : { fields: table.fields.map(sliceField) }),
    };
    const lines = new RecordLines();
    const watch: SliceRowsWatch | undefined = text
      ? undefined
      : { onRowLine: (_row, line) => lines.push(line), tap: (rows) => report.tap(keys, rows, lines) };
    const length = message.range.endExclusive - message.range.start;
    segment = await writeCsvSliceSegment(
      services,
      target,
      keys,
      csv,
      source,
      length,
      (chunk) => bytes.observe(chunk),
      watch,
    );
    bytes.end();
    if (text && segment.invalid > 0) await reportSliceRows(services, part, target, shape, report);
  } else {
    const typed = rowTyper(table.fields);
    const pick = rowPicker(table.columns);
    const unclean = new Map<number, number[]>();
    let unclosedRow: number | undefined;
    const lines = new RecordLines();
    const rowNotes = {
      onQuoteNotClosedCleanly: (row: number, cell: number) =>
        unclean.set(row, [...(unclean.get(row) ?? []), cell]),
      onUnclosedQuote: (row: number) => {
        unclosedRow = row;
      },
      onRowLine: (_row: number, line: number) => lines.push(line),
    };
    const idOf = recordIds(target.ordinal);
    let n = 0;
    async function* typedRows() {
      for await (const batch of parseCsvRows(bytes.through(source), {
        delimiter,
        encoding,
        notes: rowNotes,
      })) {
        yield batch.map((cells) => {
          const row = typed(idOf(n), pick(cells));
          const messages = shapeMessagesOf(cells, shape, unclean, n);
          unclean.delete(n++);
          return withShapeMessages(row, keys.length, messages);
        });
      }
      if (unclosedRow !== undefined) throw unclosedQuoteError(unclosedRow + 1);
    }
    segment = await writeSegment(services, target, keys, report.tap(keys, typedRows(), lines));
  }
  checkWhole(bytes, message);
  return { segment, rejected: 0, bytes };
}

/**
 * A CSV slice stores the part's bytes without building a row: when its count flagged rows,
 * the part is read again, with lines, to list them (a file of text fields rarely has any).
 */
async function reportSliceRows(
  services: Services,
  part: ExtractPart,
  target: SegmentTarget,
  shape: RowShape,
  report: ReportFragment,
): Promise<void> {
  const { layout, message } = part;
  const unclean = new Map<number, number[]>();
  const lines = new RecordLines();
  const notes = {
    onQuoteNotClosedCleanly: (row: number, cell: number) =>
      unclean.set(row, [...(unclean.get(row) ?? []), cell]),
    onRowLine: (_row: number, line: number) => lines.push(line),
  };
  const source = await readPinned(services, contentOf(part), message.range);
  const options = { delimiter: layout.delimiter ?? ',', encoding: layout.encoding ?? 'utf-8', notes };
  const idOf = recordIds(target.ordinal);
  let n = 0;
  for await (const batch of parseCsvRows(source, options)) {
    for (const cells of batch) {
      const line = lines.take();
      const messages = shapeMessagesOf(cells, shape, unclean, n);
      unclean.delete(n);
      if (messages) {
        const row: RecordRow = [idOf(n)];
        for (const column of shape.columns) row.push(column < 0 ? null : (cells[column] ?? null));
        row.push(messages);
        report.invalid(shape.keys, row, line);
      }
      n++;
    }
    await report.flush();
  }
}

async function jsonPart(
  services: Services,
  part: ExtractPart,
  target: SegmentTarget,
  notes: PartNotes,
  report: ReportFragment,
) {
  const { layout, table, message } = part;
  const { source, seen: bytes } = await partBytes(services, part, 'lf');
  // An NDJSON part never starts with the file's BOM (the plan starts after it), nor does a JSON
  // part after the first (it starts after a `,`): a U+FEFF there is data. A JSON file's first
  // part starts at byte 0, before its `[`, and a part ends with the `]` when it ends the file.
  const first = (message.range?.start ?? 0) === 0;
  const last = message.range === undefined || message.range.endExclusive === layout.size;
  const decoder = new TextDecoder(DECODER_LABELS[layout.encoding ?? 'utf-8'], {
    ignoreBOM: layout.format !== 'json' || !first,
  });
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of bytes.through(source)) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  }
  const ledger = newRowLedger();
  const lines = new RecordLines();
  const options = {
    ledger,
    onReject: ({ line, reason }: { line: number; reason: string }, text?: string) => {
      notes.reject(line, reason);
      report.reject(line, reason, text);
    },
    onRecordLine: lines.push,
  };
  const records =
    layout.format === 'ndjson'
      ? ndjsonRecords(text(), options)
      : jsonArrayRecords(text(), { ...options, open: first, close: last });
  const columns = new RecordColumns(table.header);
  const typed = rowTyper(table.fields);
  const pick = rowPicker(table.columns);
  const idOf = recordIds(target.ordinal);
  let n = 0;
  async function* typedRows() {
    for await (const batch of records)
      yield batch.map((record) => typed(idOf(n++), pick(columns.toRow(record))));
  }
  const keys = table.fields.map((field) => field.key);
  const segment = await writeSegment(services, target, keys, report.tap(keys, typedRows(), lines)).catch(
    async (error: unknown) => {
      // The reader counts lines from the part's start; the message names the file's line.
      const start = message.range?.start ?? 0;
      if (!(error instanceof MalformedJsonArrayError) || start === 0) throw error;
      throw error.after(await countLineBreaks(services, part, { start: 0, endExclusive: start }));
    },
  );
  checkWhole(bytes, message);
  if (ledger.read !== segment.rows + ledger.rejected)
    throw new Error(
      `part ${message.part} read ${ledger.read} rows, stored ${segment.rows}, rejected ${ledger.rejected}`,
    );
  return { segment, rejected: ledger.rejected, bytes };
}

async function xlsxPart(
  services: Services,
  part: ExtractPart,
  target: SegmentTarget,
  report: ReportFragment,
): Promise<SheetSegment> {
  const { file, table, headerRow } = part;
  const stat = await services.blobs.stat(file.key);
  if (stat === undefined) throw new UnprocessableError(`The content of file ${file.id} is gone.`);
  const content = contentOf(part);
  // The zip's directory says where each entry lies: in another content it lies elsewhere.
  if (content.etag !== undefined && stat.etag !== content.etag) throw new ContentChangedError();
  const book = await xlsx().open(blobSource(services, content, stat.size));
  try {
    const lines = new RecordLines();
    const sheet = await book.readSheet(table.index, { headerRow, onRowNumber: lines.push });
    const typed = rowTyper(table.fields);
    const pick = rowPicker(table.columns);
    const idOf = recordIds(target.ordinal);
    let n = 0;
    async function* typedRows() {
      for await (const batch of sheet.rows as AsyncIterable<Row[]>)
        yield batch.map((cells) => typed(idOf(n++), pick(cells)));
    }
    const keys = table.fields.map((field) => field.key);
    return await writeSegment(services, target, keys, report.tap(keys, typedRows(), lines));
  } finally {
    await book.close();
  }
}
