/**
 * The first rows of an extract's table, read and typed as its parts will read and type them
 * (extract-part.ts), for the plan review: the same parser, picker, typer and row-shape
 * messages, over the content the job planned on (pinned by its ETag). Only what the sample
 * needs is read: the stream stops once it has its rows.
 */
import { type Field, type RecordRow, rowToRecord, type SheetValue } from '../domain/resources.js';
import { rowTyper } from '../domain/values.js';
import { parseCsvRows } from '../formats/csv/rows.js';
import { DECODER_LABELS, type Encoding } from '../formats/encoding.js';
import type { Format } from '../formats/index.js';
import { jsonArrayRecords } from '../formats/json/array.js';
import { ndjsonRecords } from '../formats/json/ndjson.js';
import { RecordColumns } from '../formats/json/records.js';
import type { Row } from '../formats/table.js';
import { openXlsx } from '../formats/xlsx/book.js';
import type { Services } from '../services.js';
import { rowPicker } from './columns.js';
import { blobSource, type PinnedContent, readPinned } from './file-bytes.js';
import { type RowShape, rowShapeMessages, withShapeMessages } from './row-notes.js';

/** Rows a plan review shows of each table. */
export const SAMPLE_ROWS = 20;

export interface SampleRow {
  /** 1-based, over the table's data rows (blank lines are no rows). */
  row: number;
  /** As the destination fields type them: what the record will hold. */
  values: Record<string, SheetValue>;
  valid: boolean;
  /** Why a value does not fit its field, or the row its header: per field key. */
  messages?: Record<string, string>;
}

export interface Sample {
  rows: SampleRow[];
  /** Lines of a JSON or NDJSON file that are no object (they become no record), met among the sampled rows. */
  rejected: { line: number; reason: string }[];
  /** The table holds more rows than the sample. */
  more: boolean;
}

/** What the sample reads: the planned content and layout, and one table with its fields and columns. */
export interface SampleSource {
  content: PinnedContent;
  format: Format;
  encoding?: Encoding;
  delimiter?: string;
  size: number;
  headerRow: number;
  /** Where the table's data rows lie in the file (byte-range formats): from after the header to the end. */
  range?: { start: number; endExclusive: number };
  table: { index: number; header: string[]; fields: Field[]; columns: number[] };
}

/** Collects typed rows up to the sample's size (and one more, to tell whether there are more). */
class Collector {
  readonly rows: SampleRow[] = [];
  more = false;
  private readonly keys: string[];
  private readonly typed: (id: string, raw: readonly unknown[]) => RecordRow;
  private readonly pick: (cells: readonly unknown[]) => readonly unknown[];

  constructor(table: SampleSource['table']) {
    this.keys = table.fields.map((field) => field.key);
    this.typed = rowTyper(table.fields);
    this.pick = rowPicker(table.columns);
  }

  /** Types one row's cells; false once the sample is complete (the caller stops reading). */
  add(cells: readonly unknown[], shapeMessages?: Record<string, string>): boolean {
    if (this.rows.length === SAMPLE_ROWS) {
      this.more = true;
      return false;
    }
    const row = withShapeMessages(this.typed('', this.pick(cells)), this.keys.length, shapeMessages);
    const { values, valid, messages } = rowToRecord(this.keys, row);
    this.rows.push({ row: this.rows.length + 1, values, valid, ...(messages ? { messages } : {}) });
    return true;
  }
}

/** The first rows of one table, typed. An empty file, or a table no sheet takes (no fields), has none. */
export async function sampleRows(services: Services, source: SampleSource): Promise<Sample> {
  const collector = new Collector(source.table);
  const rejected: Sample['rejected'] = [];
  if (source.size > 0 && source.table.fields.length > 0) {
    switch (source.format) {
      case 'csv':
      case 'tsv':
        await csvSample(services, source, collector);
        break;
      case 'ndjson':
      case 'json':
        await jsonSample(services, source, collector, rejected);
        break;
      case 'xlsx':
        await xlsxSample(services, source, collector);
        break;
    }
  }
  return { rows: collector.rows, rejected, more: collector.more };
}

async function csvSample(services: Services, source: SampleSource, collector: Collector) {
  const { table, range } = source;
  if (!range) return;
  const shape: RowShape = {
    keys: table.fields.map((field) => field.key),
    columns: table.columns,
    width: table.header.length,
  };
  const unclean = new Map<number, number[]>();
  const notes = {
    onQuoteNotClosedCleanly: (row: number, cell: number) =>
      unclean.set(row, [...(unclean.get(row) ?? []), cell]),
  };
  const stream = await readPinned(services, source.content, range);
  try {
    let n = 0;
    const rows = parseCsvRows(stream, {
      delimiter: source.delimiter ?? ',',
      encoding: source.encoding ?? 'utf-8',
      notes,
    });
    for await (const batch of rows) {
      for (const cells of batch) {
        const messages =
          (shape.width > 0 && cells.length !== shape.width) || unclean.has(n)
            ? rowShapeMessages(cells, shape, unclean.get(n))
            : undefined;
        n++;
        if (!collector.add(cells, messages)) return;
      }
    }
  } finally {
    stream.destroy();
  }
}

async function jsonSample(
  services: Services,
  source: SampleSource,
  collector: Collector,
  rejected: Sample['rejected'],
) {
  const stream = await readPinned(services, source.content, source.range);
  // As in extract-part.ts: a JSON file is read from byte 0 (its BOM is no data); an NDJSON
  // range starts after the BOM, so a U+FEFF there would be data.
  const decoder = new TextDecoder(DECODER_LABELS[source.encoding ?? 'utf-8'], {
    ignoreBOM: source.format !== 'json',
  });
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of stream) yield decoder.decode(chunk as Uint8Array, { stream: true });
    yield decoder.decode();
  }
  const options = { onReject: (rejection: { line: number; reason: string }) => rejected.push(rejection) };
  const records =
    source.format === 'ndjson' ? ndjsonRecords(text(), options) : jsonArrayRecords(text(), options);
  const columns = new RecordColumns(source.table.header);
  try {
    for await (const batch of records) {
      for (const record of batch) if (!collector.add(columns.toRow(record))) return;
    }
  } finally {
    stream.destroy();
  }
}

async function xlsxSample(services: Services, source: SampleSource, collector: Collector) {
  // The in-place reader alone (zip directory and entries by range), not the codec the
  // processor plugs in (xlsx-support.ts): that one brings the writer and fflate with it,
  // which no API bundle needs for a 20-row look.
  const book = await openXlsx(blobSource(services, source.content, source.size));
  try {
    const sheet = await book.readSheet(source.table.index, { headerRow: source.headerRow });
    try {
      for await (const batch of sheet.rows as AsyncIterable<Row[]>) {
        for (const cells of batch) if (!collector.add(cells)) return;
      }
    } finally {
      await sheet.rows.return(undefined);
    }
  } finally {
    await book.close();
  }
}
