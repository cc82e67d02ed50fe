/**
 * A JSON array of objects, streamed: a small scanner finds where each top-level element
 * starts and ends (tracking strings, escapes and bracket depth) and hands each element's
 * text to `JSON.parse`. Only the element being read is held, never the whole text, and the
 * scan never revisits a character however an element is split across chunks.
 *
 * Why not a streaming JSON library: the usual ones (stream-json, JSONStream) build each value
 * token by token in JavaScript, several times slower than `JSON.parse` on the element, and
 * the scanner is all the streaming this shape needs.
 */
import { UnprocessableError } from '../../domain/errors.js';
import { decodeText, type Encoding } from '../encoding.js';
import type { Row, TableReader, TableSource } from '../table.js';
import { Utf8Output } from '../table.js';
import type { JsonReadOptions } from './ndjson.js';
import {
  type JsonRecord,
  jsonKeys,
  MAX_RECORD_CHARS,
  parseRecord,
  recordJson,
  recordTable,
  recordTooLong,
} from './records.js';

export async function readJsonArray(
  bytes: AsyncIterable<Uint8Array>,
  options: JsonReadOptions = {},
): Promise<TableReader & { encoding: Encoding }> {
  const { encoding, text } = await decodeText(bytes, options.encoding);
  const table = await recordTable(jsonArrayRecords(text, options.maxRecordChars), options);
  return { ...table, encoding };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** What the scanner expects next. */
type Phase = 'open' | 'first' | 'next' | 'after' | 'element' | 'end';

/** The objects of a JSON array text, one batch per piece of text that completes an element. */
export async function* jsonArrayRecords(
  pieces: AsyncIterable<string>,
  maxRecordChars = MAX_RECORD_CHARS,
): AsyncGenerator<JsonRecord[]> {
  const scanner = new JsonArrayScanner(maxRecordChars);
  for await (const piece of pieces) {
    const records = scanner.push(piece);
    if (records.length > 0) yield records;
  }
  scanner.end();
}

class JsonArrayScanner {
  private phase: Phase = 'open';
  /** From the start of the element being read; empty between elements. */
  private text = '';
  /** Where the scan resumes in `text`. */
  private scan = 0;
  private depth = 0;
  private inString = false;
  private elements = 0;

  constructor(private readonly maxRecordChars: number) {}

  push(piece: string): JsonRecord[] {
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
          if (slashes % 2 === 0) this.inString = false;
          i = close + 1;
          continue;
        }
        const c = text.charCodeAt(i++);
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0) {
          records.push(parseRecord(text.slice(start, i), `JSON array element ${++this.elements}`));
          this.phase = 'after';
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.phase) {
        case 'open':
          if (c !== OPEN_BRACKET) this.fail('the text does not start with "["');
          this.phase = 'first';
          i++;
          break;
        case 'after':
          if (c === COMMA) this.phase = 'next';
          else if (c === CLOSE_BRACKET) this.phase = 'end';
          else this.fail(`expected "," or "]", found ${JSON.stringify(text[i])}`);
          i++;
          break;
        case 'first':
        case 'next':
          if (c === CLOSE_BRACKET && this.phase === 'first') {
            this.phase = 'end';
            i++;
            break;
          }
          if (c !== OPEN_BRACE) this.fail('an element is not an object');
          start = i++;
          this.depth = 1;
          this.inString = false;
          this.phase = 'element';
          break;
        default:
          this.fail('text after the closing "]"');
      }
    }
    // Keep only the element being read, from its start; everything else is done with.
    if (this.phase === 'element') {
      this.text = text.slice(start);
      this.scan = i - start;
      if (this.text.length > this.maxRecordChars)
        throw recordTooLong(`JSON array element ${this.elements + 1}`, this.maxRecordChars);
    } else {
      this.text = '';
    }
    return records;
  }

  end(): void {
    if (this.phase === 'open') this.fail('the text is empty, not a JSON array');
    if (this.phase !== 'end') this.fail('the text ends before the closing "]"');
  }

  private fail(what: string): never {
    throw new UnprocessableError(`The JSON array is malformed: ${what} (element ${this.elements + 1}).`);
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
 * A JSON array of objects, one per row, keys from the header and every value a string. A
 * file may be written in pieces (one per part), concatenated in order: the first piece has
 * `open`, the last `close`, and each piece `afterRows` when any piece before it wrote a row.
 */
export async function* writeJson(
  table: TableSource,
  options: JsonArrayWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const keys = jsonKeys(table.header);
  const out = new Utf8Output();
  let separator = options.afterRows ? ',\n' : '\n';
  if (options.open ?? true) out.push('[');
  for await (const batch of table.rows) {
    for (const row of batch as Row[]) {
      const chunk = out.push(separator + recordJson(keys, row));
      separator = ',\n';
      if (chunk) yield chunk;
    }
  }
  if (options.close ?? true) out.push('\n]\n');
  const rest = out.flush();
  if (rest) yield rest;
}
