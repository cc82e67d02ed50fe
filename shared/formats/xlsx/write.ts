/**
 * Writing an XLSX workbook, streamed: the worksheet XML is made a slice of rows at a time,
 * deflated (Node's zlib) and laid into the zip (fflate) as it goes, and each slice's compressed bytes are handed out
 * before the next rows are read, so memory holds a slice, not the workbook, and a slow reader
 * of the output slows the writer down (the generator waits for it).
 *
 * Strings are written inline (`t="inlineStr"`), not in a shared strings table: the table
 * would keep every distinct string in memory to the end and come after the sheets, while an
 * export's cells are mostly distinct anyway. Cells are text; XML-forbidden characters are kept
 * through `_xHHHH_` escapes (see `encodeXString`). An XLSX file is one zip, so unlike the text
 * formats it cannot be written in pieces by parallel parts.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { type AsyncFlateStreamHandler, Zip, type ZipInputFile } from 'fflate';
import { UnprocessableError } from '../../domain/errors.js';
import { formulaEscaper } from '../formula.js';
import type { Row, SheetSource, TableSource } from '../table.js';
import { encodeXString } from './cells.js';
import { escapeXml, packageParts, WORKSHEET_HEAD, WORKSHEET_TAIL, worksheetPath } from './package.js';

export interface XlsxWriteOptions {
  /** The sheet's name when one table is written. @default 'Sheet1' */
  sheetName?: string;
  /** Write the header row. @default true */
  includeHeader?: boolean;
  /** Prefix `'` to cells that a spreadsheet would run as formulas (see `escapeFormula`). @default true */
  escapeFormulas?: boolean;
}

/** Worksheet XML gathered before it is deflated and the zip's output handed out. */
const SLICE_CHARS = 256 * 1024;
/**
 * Deflate level: on worksheet XML level 1 writes a file the size exceljs wrote; 6 makes it
 * about a fifth smaller for twice the time. An export is written once and read once.
 */
const LEVEL = 1;
/**
 * fflate writes no Zip64 records, so an entry or an offset past 4 GiB would make a broken
 * file; the writer fails instead (Excel's 1,048,576 rows rarely come near it).
 */
const MAX_ZIP32 = 0xffff_ffff;

/** One table as one worksheet, or several named tables as several worksheets, in order. */
export async function* writeXlsx(
  tables: TableSource | readonly SheetSource[],
  options: XlsxWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const sheets: readonly SheetSource[] = isSheetList(tables)
    ? tables
    : [{ ...tables, name: options.sheetName ?? 'Sheet1' }];
  const guard = formulaEscaper(options.escapeFormulas);
  const includeHeader = options.includeHeader ?? true;
  // A workbook holds at least one sheet (Excel refuses one with none).
  const names = sheets.length > 0 ? sheetNames(sheets.map((sheet) => sheet.name)) : ['Sheet1'];

  const output = new ZipOutput();
  for (const [path, xml] of packageParts(names)) output.addWhole(path, xml);
  yield* output.take();
  for (const [n] of names.entries()) {
    const entry = output.open(worksheetPath(n));
    const sheet = sheets[n];
    let xml = WORKSHEET_HEAD;
    let rowNumber = 0;
    if (sheet) {
      if (includeHeader && sheet.header.length > 0) xml += rowXml(++rowNumber, sheet.header, guard);
      for await (const batch of sheet.rows) {
        for (const row of batch as Row[]) {
          xml += rowXml(++rowNumber, row, guard);
          if (xml.length >= SLICE_CHARS) {
            entry.push(xml);
            xml = '';
            yield* output.take();
          }
        }
      }
    }
    entry.push(xml + WORKSHEET_TAIL, true);
    yield* output.take();
  }
  output.end();
  yield* output.take();
}

function isSheetList(tables: TableSource | readonly SheetSource[]): tables is readonly SheetSource[] {
  return Array.isArray(tables);
}

/**
 * One `<row>`: a cell per column up to the row's last, each a reference and an inline string.
 * Empty cells are left out (a reader fills the gap), except the last one, which keeps the
 * row's width. `xml:space="preserve"` where Excel would otherwise trim whitespace.
 */
function rowXml(rowNumber: number, row: readonly (string | undefined)[], guard: (cell: string) => string) {
  let xml = `<row r="${rowNumber}">`;
  const last = row.length - 1;
  for (let i = 0; i <= last; i++) {
    const cell = row[i] ?? '';
    if (cell === '' && i < last) continue;
    const text = escapeXml(encodeXString(guard(cell)));
    const space = WHITESPACE_TO_KEEP.test(text) ? ' xml:space="preserve"' : '';
    xml += `<c r="${columnLetters(i)}${rowNumber}" t="inlineStr"><is><t${space}>${text}</t></is></c>`;
  }
  return `${xml}</row>`;
}

const WHITESPACE_TO_KEEP = /^\s|\s$|\n/;

const letters: string[] = [];

/** 0 → `A`, 25 → `Z`, 26 → `AA`, 16383 → `XFD`. */
export function columnLetters(index: number): string {
  let known = letters[index];
  if (known === undefined) {
    known = '';
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
      known = String.fromCharCode(0x41 + ((n - 1) % 26)) + known;
    letters[index] = known;
  }
  return known;
}

/** The zip being written, entry by entry, and the compressed bytes it made that are not yet handed out. */
class ZipOutput {
  private chunks: Uint8Array[] = [];
  private failure: Error | undefined;
  private written = 0;
  private readonly zip = new Zip((error, chunk) => {
    if (error) this.failure ??= error;
    else {
      this.chunks.push(chunk);
      this.written += chunk.length;
    }
  });

  /** Starts an entry; push its text in slices, the last one `final`. */
  open(path: string): { push(text: string, final?: boolean): void } {
    const file = new SliceDeflate(path);
    this.zip.add(file);
    return {
      push: (text, final = false) => {
        const bytes = Buffer.from(text, 'utf8');
        if (file.size + bytes.length > MAX_ZIP32 || this.written > MAX_ZIP32)
          throw new UnprocessableError(
            'The XLSX file would pass 4 GiB, which this writer cannot write (no Zip64); export fewer rows or another format.',
          );
        file.push(bytes, final);
      },
    };
  }

  addWhole(path: string, text: string): void {
    this.open(path).push(text, true);
  }

  end(): void {
    this.zip.end();
  }

  /** The compressed bytes made since the last call. */
  *take(): Generator<Uint8Array> {
    if (this.failure) throw this.failure;
    const chunks = this.chunks;
    this.chunks = [];
    yield* chunks;
  }
}

/** What Excel refuses in a name, and what XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF, a lone surrogate). */
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
  /[[\]:*?/\\\x00-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The first `length` UTF-16 units of `text`, less a surrogate pair the cut would split. */
function cut(text: string, length: number): string {
  const head = text.slice(0, length);
  const last = head.charCodeAt(head.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
}

/**
 * Names Excel accepts: at most 31 characters, none of `[ ] : * ? / \` nor any XML cannot
 * hold, not starting or ending with `'`, not empty, unique ignoring case. A name that breaks
 * a rule is mended, not refused.
 */
export function sheetNames(wanted: readonly string[]): string[] {
  const taken = new Set<string>();
  return wanted.map((name, i) => {
    let base = cut(name.replace(FORBIDDEN, '_'), 31)
      .trim()
      .replace(/^'+|'+$/g, '');
    if (base === '') base = `Sheet${i + 1}`;
    let candidate = base;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      candidate = cut(base, 31 - suffix.length) + suffix;
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * A zip entry deflated by Node's zlib (native, about three times fflate's JavaScript deflate
 * at level 1, which took most of the writer's time), a slice at a time, synchronously. Each
 * slice is compressed on its own and ends with a sync flush (an empty stored block, not the
 * final one), so the slices concatenate into one deflate stream, as pigz makes its parallel
 * blocks; only the last ends the stream. A slice loses the previous one's 32 KiB window,
 * which costs a 256 KiB slice almost nothing.
 */
class SliceDeflate implements ZipInputFile {
  readonly compression = 8;
  size = 0;
  crc = 0;
  ondata?: AsyncFlateStreamHandler;

  constructor(readonly filename: string) {}

  push(bytes: Uint8Array, final: boolean): void {
    this.size += bytes.length;
    this.crc = crc32(bytes, this.crc);
    const finishFlush = final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH;
    const compressed = deflateRawSync(bytes, { level: LEVEL, finishFlush });
    this.ondata?.(null, compressed, final);
  }
}
