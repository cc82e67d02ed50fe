/**
 * A JSON array of objects, streamed: a small scanner finds where each top-level element
 * starts and ends (tracking strings, escapes and bracket depth) and hands each element's
 * text to `JSON.parse`. Only the element being read is held, never the whole text, and the
 * scan never revisits a character however an element is split across chunks.
 *
 * Every element is delimited, not only objects: an object or array by its brackets, a string
 * by its quotes, anything else (a number, `true`, a stray word) by the next `,`, `]` or
 * space. So an element that is no object, or not valid JSON, is one rejected row and the next
 * element is read. Only a broken structure — text before `[`, two elements without a `,`,
 * text after `]`, text that ends inside the array — fails the read: past it there is no
 * telling where the next element starts.
 *
 * Why not a streaming JSON library: the usual ones (stream-json, JSONStream) build each value
 * token by token in JavaScript, several times slower than `JSON.parse` on the element, and
 * the scanner is all the streaming this shape needs.
 */
import { UnprocessableError } from '../../domain/errors.js';
import { decodeText, type Encoding } from '../encoding.js';
import type { TableReader, TableSource } from '../table.js';
import { Utf8Output } from '../table.js';
import type { JsonReadOptions } from './ndjson.js';
import {
  type JsonRecord,
  type JsonRow,
  jsonKeys,
  RecordRows,
  type RecordScanOptions,
  recordJson,
  recordTable,
} from './records.js';

export async function readJsonArray(
  bytes: AsyncIterable<Uint8Array>,
  options: JsonReadOptions = {},
): Promise<TableReader & { encoding: Encoding }> {
  const { encoding, text } = await decodeText(bytes, options.encoding);
  const table = await recordTable(jsonArrayRecords(text, options), options);
  return { ...table, encoding };
}

/** The bytes (and UTF-16 code units) of JSON's structure, shared with the part planner (array-depth.ts). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
const LINE_FEED = 0x0a;

export const isSpace = (c: number | undefined) => c === 0x20 || c === LINE_FEED || c === 0x0d || c === 0x09;

/** What the scanner expects next. */
type Phase = 'open' | 'first' | 'next' | 'after' | 'element' | 'end';

/** The reason given for `[1,,2]` and `[1,]`. */
const EMPTY_ELEMENT = 'an empty element, not an object';

/** How much of the array a text holds: a part of a file planned into several holds a run of its elements. */
export interface JsonArrayScanOptions extends RecordScanOptions {
  /** The text holds the opening `[`. Off: it starts just after a `,` between elements. @default true */
  open?: boolean;
  /** The text holds the closing `]`. Off: it ends just after a `,` between elements. @default true */
  close?: boolean;
}

/**
 * The objects of a JSON array text, one batch per piece of text that completes an element.
 * An element that is not a JSON object goes to `options.onReject` (or fails the read without
 * it) with the line it starts on, counted from the first character of `pieces`.
 */
export async function* jsonArrayRecords(
  pieces: AsyncIterable<string>,
  options: JsonArrayScanOptions = {},
): AsyncGenerator<JsonRecord[]> {
  const scanner = new JsonArrayScanner(options);
  for await (const piece of pieces) {
    const records = scanner.push(piece);
    if (records.length > 0) yield records;
  }
  scanner.end();
}

class JsonArrayScanner {
  private phase: Phase;
  /** From the start of the element being read; empty between elements. */
  private text = '';
  /** Where the scan resumes in `text`. */
  private scan = 0;
  private depth = 0;
  private inString = false;
  /** The element is a bare value (a number, a literal, a stray word), which a delimiter ends. */
  private bare = false;
  private elements = 0;
  /** The line that position `counted` of the text being scanned is on. */
  private line = 1;
  private counted = 0;
  /**
   * The first line feed at or after `counted` (-1: none), once looked for in this text: a
   * text with few line breaks (a minified array) is then searched once, not once per element.
   */
  private lineFeed: number | undefined;
  private elementLine = 1;
  /** Whether any text came, and whether it ended with a line feed (for the ledger's `lines`). */
  private anyText = false;
  private endsWithLineFeed = false;
  private readonly rows: RecordRows;

  private readonly closes: boolean;

  constructor(options: JsonArrayScanOptions) {
    this.phase = (options.open ?? true) ? 'open' : 'next';
    this.closes = options.close ?? true;
    this.rows = new RecordRows(options, (line) => `JSON array element ${this.elements} on line ${line}`);
  }

  push(piece: string): JsonRecord[] {
    if (piece.length > 0) {
      this.anyText = true;
      this.endsWithLineFeed = piece.charCodeAt(piece.length - 1) === LINE_FEED;
    }
    const records: JsonRecord[] = [];
    const text = this.phase === 'element' ? this.text + piece : piece;
    const length = text.length;
    let start = 0; // of the element being read
    let i = this.phase === 'element' ? this.scan : 0;
    while (i < length) {
      if (this.phase === 'element') {
        if (this.inString) {
          // Jump to the next quote; it closes the string unless an odd run of backslashes precedes it.
          const close = text.indexOf('"', i);
          if (close === -1) {
            i = length;
            break;
          }
          let slashes = 0;
          while (text.charCodeAt(close - 1 - slashes) === BACKSLASH) slashes++;
          i = close + 1;
          if (slashes % 2 === 0) {
            this.inString = false;
            if (this.depth === 0) this.take(text.slice(start, i), records);
          }
          continue;
        }
        const c = text.charCodeAt(i);
        if (this.bare) {
          // The delimiter is not part of the element: the next phase reads it.
          if (isSpace(c) || c === COMMA || c === CLOSE_BRACKET) this.take(text.slice(start, i), records);
          else i++;
          continue;
        }
        i++;
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0)
          this.take(text.slice(start, i), records);
        continue;
      }
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.phase) {
        case 'open':
          if (c !== OPEN_BRACKET) this.fail('the text does not start with "["', this.lineAt(text, i));
          this.phase = 'first';
          i++;
          break;
        case 'after':
          if (c === COMMA) this.phase = 'next';
          else if (c === CLOSE_BRACKET) this.phase = 'end';
          else this.fail(`expected "," or "]", found ${JSON.stringify(text[i])}`, this.lineAt(text, i));
          i++;
          break;
        case 'first':
        case 'next':
          if (c === CLOSE_BRACKET || c === COMMA) {
            // `[]` is empty; `[1,]`, `[1,,2]` and `[,1]` hold an element with nothing in it.
            if (c === COMMA || this.phase === 'next') {
              this.elements++;
              this.rows.reject(this.lineAt(text, i), EMPTY_ELEMENT);
            }
            this.phase = c === COMMA ? 'next' : 'end';
            i++;
            break;
          }
          this.elements++;
          this.elementLine = this.lineAt(text, i);
          start = i;
          this.depth = c === OPEN_BRACE || c === OPEN_BRACKET ? 1 : 0;
          this.inString = c === QUOTE;
          this.bare = this.depth === 0 && !this.inString;
          // A bare element's first character is read by the element loop; the others' here.
          if (!this.bare) i++;
          this.phase = 'element';
          break;
        default:
          this.fail('text after the closing "]"', this.lineAt(text, i));
      }
    }
    // Keep only the element being read, from its start; everything else is done with.
    if (this.phase === 'element') {
      // The lines are counted up to the element's start (`lineAt`), which is now position 0.
      this.text = text.slice(start);
      this.scan = i - start;
      this.counted = 0;
      this.lineFeed = undefined;
      if (this.text.length > this.rows.maxChars) throw this.rows.tooLong(this.elementLine);
    } else {
      this.lineAt(text, length);
      this.counted = 0;
      this.lineFeed = undefined;
      this.text = '';
    }
    return records;
  }

  end(): void {
    // The last line read: past the held element, if the text ends inside one.
    const last = this.phase === 'element' ? this.lineAt(this.text, this.text.length) : this.line;
    this.rows.ledger.lines += this.anyText ? last - (this.endsWithLineFeed ? 1 : 0) : 0;
    // An empty or blank file holds no rows: the extract says so rather than failing.
    if (this.phase === 'open') return;
    // A part before the last ends after a `,`, the next element in the next part.
    if (!this.closes && this.phase === 'next') return;
    if (this.phase === 'element')
      this.fail(
        `the text ends before the closing "]", inside element ${this.elements} from line ${this.elementLine}`,
        last,
      );
    if (this.phase !== 'end') this.fail('the text ends before the closing "]"', last);
  }

  /** The element's text is complete: an object to `records`, anything else rejected. */
  private take(element: string, records: JsonRecord[]): void {
    this.rows.take(element, this.elementLine, records);
    this.phase = 'after';
    this.bare = false;
  }

  /** The line of position `at` of `text`, counting line feeds from where the last count stopped. */
  private lineAt(text: string, at: number): number {
    let lf = this.lineFeed ?? text.indexOf('\n', this.counted);
    for (; lf !== -1 && lf < at; lf = text.indexOf('\n', lf + 1)) this.line++;
    this.lineFeed = lf;
    this.counted = at;
    return this.line;
  }

  private fail(what: string, line: number): never {
    throw new MalformedJsonArrayError(what, line);
  }
}

/** A JSON array whose structure is broken: past it there is no telling where an element starts. */
export class MalformedJsonArrayError extends UnprocessableError {
  constructor(
    readonly what: string,
    /** Counted from the first character the reader was given. */
    readonly line: number,
    options?: ErrorOptions,
  ) {
    super(`The JSON array is malformed: ${what} (line ${line}).`, options);
    this.name = 'MalformedJsonArrayError';
  }

  /** The same error in a text that `lineBreaks` line breaks precede (a part's line made the file's). */
  after(lineBreaks: number): MalformedJsonArrayError {
    return new MalformedJsonArrayError(this.what, this.line + lineBreaks, { cause: this });
  }
}

export interface JsonArrayWriteOptions {
  /** Write the opening `[`. Off for the parts after the first when parts write pieces of one file. @default true */
  open?: boolean;
  /** Write the closing `]`. Off for the parts before the last. @default true */
  close?: boolean;
  /** Whether an earlier piece of the same file wrote rows, so this piece's first row needs a `,`. @default false */
  afterRows?: boolean;
}

/**
 * A JSON array of objects, one per row, keys from the header; cells as `writeNdjson` writes
 * them. A file may be written in pieces (one per part), concatenated in order: the first
 * piece has `open`, the last `close`, and each piece `afterRows` when any piece before it
 * wrote a row.
 */
export async function* writeJson(
  table: TableSource<JsonRow>,
  options: JsonArrayWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const keys = jsonKeys(table.header);
  const out = new Utf8Output();
  let separator = options.afterRows ? ',\n' : '\n';
  if (options.open ?? true) out.push('[');
  for await (const batch of table.rows) {
    for (const row of batch) {
      const chunk = out.push(separator + recordJson(keys, row));
      separator = ',\n';
      if (chunk) yield chunk;
    }
  }
  if (options.close ?? true) out.push('\n]\n');
  const rest = out.flush();
  if (rest) yield rest;
}
