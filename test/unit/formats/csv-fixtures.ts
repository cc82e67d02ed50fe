/** Streams, collectors and a naive reference planner for the CSV format tests. */
import type { CsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';

export const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** Yields `bytes` in chunks whose sizes cycle through `sizes` (each ≥ 1). */
export async function* chunked(bytes: Uint8Array, sizes: number | number[]): AsyncGenerator<Uint8Array> {
  const cycle = typeof sizes === 'number' ? [sizes] : sizes;
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = cycle[i % cycle.length] ?? 1;
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

/** Yields `bytes` split at the given offsets. */
export async function* splitAt(bytes: Uint8Array, ...cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.slice(from, cut);
    from = cut;
  }
}

export async function collectRows(
  chunks: AsyncIterable<Uint8Array>,
  options?: { delimiter?: string },
): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of parseCsvRows(chunks, options)) rows.push(...batch);
  return rows;
}

/** Parses `[from, to)` of `bytes`, delivered in chunks of the given sizes. */
export function rowsOfRange(bytes: Uint8Array, from: number, to: number, sizes: number | number[] = 65536) {
  return collectRows(chunked(bytes.subarray(from, to), sizes));
}

/**
 * Every row start of `bytes` (the offset after each line ending outside a quoted cell, blank
 * lines included), by the dialect's rules written out as Python's csv module states them,
 * byte by byte: the reference the planner and the counter are held to.
 */
export function referenceRowStarts(bytes: Uint8Array, delimiter = 0x2c, from = 0): number[] {
  const FIELD_START = 0;
  const UNQUOTED = 1;
  const QUOTED = 2;
  const QUOTE_IN_QUOTED = 3;
  const starts: number[] = [];
  let state = FIELD_START;
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    const lineEnd = b === 0x0a || b === 0x0d;
    if (state === QUOTED) {
      if (b === 0x22) state = QUOTE_IN_QUOTED;
      continue;
    }
    if (state === QUOTE_IN_QUOTED && b === 0x22) {
      state = QUOTED;
      continue;
    }
    if (lineEnd) {
      if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
      starts.push(i + 1);
      state = FIELD_START;
    } else if (b === delimiter) state = FIELD_START;
    else if (state === FIELD_START && b === 0x22) state = QUOTED;
    else state = UNQUOTED;
  }
  return starts;
}

/**
 * The boundary definition applied literally: every row start is listed by the reference
 * rules, then each boundary is the first listed start at or after its nominal start.
 */
export function naiveBoundaries(
  bytes: Uint8Array,
  partSize: number,
  headerRow = 1,
  delimiter = 0x2c,
): Pick<CsvLayout, 'bomLength' | 'headerEnd' | 'boundaries'> {
  const size = bytes.length;
  const bomLength = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const rowStarts = [bomLength, ...referenceRowStarts(bytes, delimiter, bomLength)];
  const headerEnd = rowStarts[headerRow] ?? size;
  const parts = Math.max(1, Math.ceil(size / partSize));
  const boundaries = [headerEnd];
  let next = 0;
  for (let i = 1; i < parts; i++) {
    while (next < rowStarts.length && (rowStarts[next] ?? size) < i * partSize) next++;
    boundaries.push(Math.max(headerEnd, rowStarts[next] ?? size));
  }
  boundaries.push(size);
  return { bomLength, headerEnd, boundaries };
}
