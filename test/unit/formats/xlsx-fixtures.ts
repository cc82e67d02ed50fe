/**
 * Workbooks and byte sources for the XLSX reader tests: zips written entry by entry (stored or
 * deflated, Zip64 or not, in any order), hand-made XML parts, exceljs's own output, and
 * sources that read by range the way S3 does, recording, chunking or failing.
 */
import { PassThrough } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { Row } from '../../../shared/formats/table.js';
import { openXlsx } from '../../../shared/formats/xlsx/book.js';
import type { RandomAccessSource } from '../../../shared/formats/xlsx/source.js';
import { bytesOf } from './format-fixtures.js';

export type ZipEntry = [name: string, content: string | Uint8Array];

export interface ZipOptions {
  /** Deflate every entry (method 8) rather than store it (method 0). */
  deflate?: boolean;
  /** Write Zip64 sizes, offsets and end records, as a writer does for files past 4 GiB. */
  zip64?: boolean;
}

const MAX32 = 0xffffffff;

/** A zip of `entries`, in this order, with UTF-8 names (APPNOTE.TXT 4.3). */
export function zipOf(entries: ZipEntry[], options: ZipOptions = {}): Buffer {
  const { deflate = false, zip64 = false } = options;
  const pieces: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(content);
    const stored = deflate ? deflateRawSync(data) : data;
    const crc = crc32(data);
    // Zip64: the 32-bit fields say "see the extra field", which holds the 64-bit values.
    const extra = (...values: number[]) => {
      if (!zip64) return Buffer.alloc(0);
      const field = Buffer.alloc(4 + 8 * values.length);
      field.writeUInt16LE(0x0001, 0);
      field.writeUInt16LE(8 * values.length, 2);
      for (const [i, value] of values.entries()) field.writeBigUInt64LE(BigInt(value), 4 + 8 * i);
      return field;
    };
    const localExtra = extra(data.length, stored.length);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(zip64 ? MAX32 : stored.length, 18);
    local.writeUInt32LE(zip64 ? MAX32 : data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const centralExtra = extra(data.length, stored.length, offset);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(zip64 ? 45 : 20, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(zip64 ? MAX32 : stored.length, 20);
    central.writeUInt32LE(zip64 ? MAX32 : data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE(zip64 ? MAX32 : offset, 42);
    pieces.push(local, nameBytes, localExtra, stored);
    centrals.push(central, nameBytes, centralExtra);
    offset += local.length + nameBytes.length + localExtra.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const ends: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    ends.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(zip64 ? MAX32 : directory.length, 12);
  end.writeUInt32LE(zip64 ? MAX32 : offset, 16);
  return Buffer.concat([...pieces, directory, ...ends, end]);
}

/** The entries of a zip, uncompressed, in the order the file holds them. */
export async function entriesOf(zip: Uint8Array): Promise<ZipEntry[]> {
  const file = await yauzl.fromBufferPromise(Buffer.from(zip));
  const entries: { at: number; entry: ZipEntry }[] = [];
  for await (const entry of file.eachEntry()) {
    const content = await bytesOf(await file.openReadStreamPromise(entry));
    entries.push({ at: entry.relativeOffsetOfLocalHeader, entry: [entry.fileName, content] });
  }
  return entries.sort((a, b) => a.at - b.at).map(({ entry }) => entry);
}

/** Where each entry's compressed bytes lie in the zip: `[start, end)`. */
export async function dataRanges(zip: Uint8Array): Promise<Map<string, [number, number]>> {
  const file = await yauzl.fromBufferPromise(Buffer.from(zip));
  const ranges = new Map<string, [number, number]>();
  for await (const entry of file.eachEntry()) {
    const { fileDataStart } = await file.readLocalFileHeaderPromise(entry, { minimal: true });
    ranges.set(entry.fileName, [fileDataStart, fileDataStart + entry.compressedSize]);
  }
  return ranges;
}

export interface RecordingSource extends RandomAccessSource {
  /** Every range asked for, `[start, endExclusive)`, in order. */
  ranges: [number, number][];
  /** Reads started and not yet ended or abandoned: a leaked S3 body would show here. */
  open: number;
}

/**
 * `bytes` read by range as S3 hands a body out: in chunks of `chunkSize`. `failAt`: a read
 * that reaches that byte hands out what comes before it, then fails with `failure`.
 */
export function rangeSource(
  bytes: Uint8Array,
  options: { chunkSize?: number; failAt?: number; failure?: Error } = {},
): RecordingSource {
  const { chunkSize = 64 * 1024, failAt = Number.POSITIVE_INFINITY } = options;
  const source: RecordingSource = {
    size: bytes.length,
    ranges: [],
    open: 0,
    async read(start, endExclusive) {
      source.ranges.push([start, endExclusive]);
      source.open++;
      return (async function* () {
        try {
          for (let at = start; at < endExclusive; at += chunkSize) {
            const end = Math.min(endExclusive, at + chunkSize);
            if (end > failAt) {
              if (failAt > at) yield bytes.slice(at, failAt);
              throw options.failure ?? new Error('socket hang up');
            }
            yield bytes.slice(at, end);
          }
        } finally {
          source.open--;
        }
      })();
    },
  };
  return source;
}

type Cell = ExcelJS.CellValue;

/** An XLSX built by exceljs's streaming writer: shared strings on, so they follow the sheets (as Excel orders them). */
export async function streamedWorkbook(
  sheets: Record<string, Cell[][]>,
  dateFormat?: string,
): Promise<Buffer> {
  const out = new PassThrough();
  const done = bytesOf(out);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: true,
    useStyles: true,
  });
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    for (const values of rows) {
      const row = sheet.addRow(values);
      row.eachCell((cell) => {
        if (dateFormat && cell.value instanceof Date) cell.numFmt = dateFormat;
      });
      row.commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  return done;
}

/** An XLSX built by exceljs's in-memory writer (workbook.xml last). */
export async function bufferedWorkbook(sheets: Record<string, Cell[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** A rels part: `[id, type (last segment), target]`. */
export function relsXml(relationships: [id: string, type: string, target: string][]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL_NS}">${relationships
    .map(([id, type, target]) => `<Relationship Id="${id}" Type="${REL_NS}/${type}" Target="${target}"/>`)
    .join('')}</Relationships>`;
}

/** A worksheet part around `<sheetData>` inner XML. */
export const worksheetXml = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>${rows}</sheetData></worksheet>`;

/** A workbook part listing `sheets` as `[name, relationship id]`. */
export function workbookXml(sheets: [name: string, id: string][], workbookPr = '<workbookPr/>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL_NS}">${workbookPr}<sheets>${sheets
    .map(([name, id], i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="${id}"/>`)
    .join('')}</sheets></workbook>`;
}

export interface HandSheet {
  name: string;
  /** The `<sheetData>` inner XML. */
  rows: string;
}

/**
 * A workbook whose parts come in the order a streaming reader likes best: workbook, rels,
 * styles and shared strings, then the sheets; stored, so a chunk edge can fall inside any
 * character. No `_rels/.rels`: the reader finds `xl/workbook.xml` where Excel puts it.
 * `numFmts` are the number formats of style ids 1….
 */
export function handWorkbook(options: {
  sheets: HandSheet[];
  sharedStrings?: string[];
  date1904?: boolean;
  numFmts?: string[];
  zip?: ZipOptions;
}): Buffer {
  const { sheets, sharedStrings = [], date1904 = false, numFmts = [] } = options;
  const workbook = workbookXml(
    sheets.map((s, i) => [s.name, `rId${i + 1}`]),
    `<workbookPr${date1904 ? ' date1904="1"' : ''}/>`,
  );
  // The second sheet's target is absolute, as some writers make it.
  const rels = relsXml(
    sheets.map((_, i) => [
      `rId${i + 1}`,
      'worksheet',
      `${i === 1 ? '/xl/' : ''}worksheets/sheet${i + 1}.xml`,
    ]),
  );
  const styles = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${NS}"><numFmts count="${numFmts.length}">${numFmts
    .map((code, i) => `<numFmt numFmtId="${164 + i}" formatCode="${code}"/>`)
    .join(
      '',
    )}</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="${numFmts.length + 1}"><xf numFmtId="0"/>${numFmts
    .map((_, i) => `<xf numFmtId="${164 + i}" applyNumberFormat="1"/>`)
    .join('')}</cellXfs></styleSheet>`;
  const strings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${sharedStrings.length}">${sharedStrings.join('')}</sst>`;
  return zipOf(
    [
      ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types/>'],
      ['xl/workbook.xml', workbook],
      ['xl/_rels/workbook.xml.rels', rels],
      ['xl/styles.xml', styles],
      ['xl/sharedStrings.xml', strings],
      ...sheets.map((s, i): ZipEntry => [`xl/worksheets/sheet${i + 1}.xml`, worksheetXml(s.rows)]),
    ],
    options.zip,
  );
}

/** Every worksheet of a book opened on `source`, read whole: name, header and rows. */
export async function readAllSheets(source: RandomAccessSource) {
  const book = await openXlsx(source);
  try {
    const sheets: { name: string; header: string[]; rows: Row[] }[] = [];
    for (const { index } of book.sheets) {
      const sheet = await book.readSheet(index);
      const rows: Row[] = [];
      for await (const batch of sheet.rows) rows.push(...batch);
      sheets.push({ name: sheet.name, header: sheet.header, rows });
    }
    return sheets;
  } finally {
    await book.close();
  }
}
