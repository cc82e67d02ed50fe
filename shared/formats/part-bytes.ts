/**
 * The bytes of one part of a text file, counted as they pass: how many (a part must read its
 * whole range, no more and no less), how many line breaks (so a part's own line numbers
 * become the file's: the lines before a part are the line breaks of the parts before it),
 * and, for a UTF-8 file, every sequence that is not UTF-8 with its line — the encoding was
 * told from the file's first bytes, and each part confirms it for its own. A part starts at
 * a row start (after a line break), never inside a character.
 *
 * Line breaks are every LF, and for CSV also a CR that no LF follows (old Mac files); inside
 * a quoted cell or not, they are the lines an editor shows.
 */
import { countByte } from './csv/count.js';
import { Utf8Check } from './utf8-check.js';

const LF = 0x0a;
const CR = 0x0d;

export type LineBreaks = 'csv' | 'lf';

/** Bytes a decoder turns into U+FFFD, and the line (1-based, within the part) they are on. */
export interface UndecodableBytes {
  line: number;
  bytes: number[];
}

/**
 * Watches a part's chunks go by: a reader that loops over the chunks itself hands each to
 * `observe` (an extra async generator between a stream and its reader costs two promise hops
 * a chunk: about 15 % of a CSV slice part's time, on 16 KiB socket chunks); `through` wraps
 * a stream for readers that take an iterable.
 */
export class PartBytes {
  bytes = 0;
  lineBreaks = 0;
  /** The first undecodable sequences (all of them counted in `undecodableCount`). */
  readonly undecodable: UndecodableBytes[] = [];
  undecodableCount = 0;
  /** The last chunk ended with a CR whose line break depends on the next byte. */
  private crLast = false;
  private readonly check: Utf8Check | undefined;

  constructor(
    private readonly breaks: LineBreaks,
    options: { utf8?: boolean; keep?: number } = {},
  ) {
    if (options.utf8) this.check = new Utf8Check({ keep: options.keep ?? 100, countMultibyte: false });
  }

  observe(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.check) this.confirm(chunk);
    const counted = countLineBreaks(chunk, this.breaks, this.crLast);
    this.lineBreaks += counted.breaks;
    this.crLast = counted.crLast;
    this.bytes += chunk.length;
  }

  /** The part's bytes are all seen. */
  end(): void {
    if (this.crLast) this.lineBreaks++;
    this.crLast = false;
    if (this.check) {
      // A sequence cut short by the part's end: on the last line.
      const before = this.check.invalidCount;
      this.check.end();
      this.note(before, () => this.lineBreaks + 1);
    }
  }

  /** `source`, each chunk observed on its way, and the end seen when it ends. */
  async *through(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.observe(chunk);
      yield chunk;
    }
    this.end();
  }

  /** Checks `chunk` (which starts at part offset `this.bytes`) and notes its undecodable bytes with their lines. */
  private confirm(chunk: Uint8Array): void {
    const check = this.check as Utf8Check;
    const before = check.invalidCount;
    check.push(chunk);
    this.note(before, (offset) => this.lineAt(chunk, Math.max(0, offset - this.bytes)));
  }

  private note(before: number, lineOf: (offset: number) => number): void {
    const check = this.check as Utf8Check;
    this.undecodableCount = check.invalidCount;
    const kept = check.invalid;
    for (let i = before; i < kept.length; i++) {
      const sequence = kept[i];
      if (sequence) this.undecodable.push({ line: lineOf(sequence.offset), bytes: sequence.bytes });
    }
  }

  /** The line (1-based, within the part) of the byte at `offset` in `chunk`, which starts at part offset `this.bytes`. */
  private lineAt(chunk: Uint8Array, offset: number): number {
    if (offset === 0) return this.lineBreaks + (this.crLast ? 1 : 0) + 1;
    const before = countLineBreaks(chunk.subarray(0, offset), this.breaks, this.crLast);
    return this.lineBreaks + before.breaks + (before.crLast ? 1 : 0) + 1;
  }
}

/**
 * Line breaks in `chunk`. `crBefore`: the byte before the chunk was a CR not yet counted
 * (a LF first here makes the pair one break). The result's `crLast`: a CR ends the chunk, its
 * break not counted yet.
 */
export function countLineBreaks(
  chunk: Uint8Array,
  breaks: LineBreaks,
  crBefore: boolean,
): { breaks: number; crLast: boolean } {
  let count = countByte(chunk, LF, 0, chunk.length);
  if (breaks === 'lf') return { breaks: count, crLast: false };
  if (crBefore && chunk.length > 0 && chunk[0] !== LF) count++;
  const length = chunk.length;
  let crLast = false;
  for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
    if (cr + 1 === length) crLast = true;
    else if (chunk[cr + 1] !== LF) count++;
  }
  return { breaks: count, crLast: crLast || (crBefore && length === 0) };
}
