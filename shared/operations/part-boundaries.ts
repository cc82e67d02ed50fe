/**
 * Where an extract's byte-range parts may start without a pass over the file, and how
 * many parts a job may have. CSV boundaries come from the parser (formats/csv/ranged-plan.ts).
 */
import { UnprocessableError } from '../domain/errors.js';
import { MAX_PARTS } from '../domain/parts.js';
import { type Encoding, encodingFromBom } from '../formats/encoding.js';
import type { Services } from '../services.js';
import { bytesOf, fileHead, type PinnedContent, readPinned } from './file-bytes.js';

export function checkPartCount(parts: number, partSize: number): void {
  if (parts > MAX_PARTS) {
    throw new UnprocessableError(
      `The file would need ${parts} parts of ${partSize} bytes; the most a job may have is ${MAX_PARTS}. Use a larger config.partSizeBytes.`,
    );
  }
}

/** NDJSON part boundaries: the first line start at or after each nominal start, one ranged read each. */
export async function lineBoundaries(
  services: Services,
  content: PinnedContent,
  encoding: Encoding,
  partSize: number,
  size: number,
): Promise<number[]> {
  const lead = await fileHead(services, content, size, 4);
  const found = encodingFromBom(lead);
  const start = found?.encoding === encoding ? found.bomLength : 0;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return [start, size];
  const nominal: number[] = [];
  for (let at = partSize; at < size; at += partSize) nominal.push(at);
  checkPartCount(nominal.length + 1, partSize);
  const starts = await mapLimited(nominal, 16, (at) => nextLineStart(services, content, at, size));
  const boundaries = [start];
  for (const boundary of starts) boundaries.push(Math.max(boundary, boundaries.at(-1) ?? 0));
  boundaries.push(size);
  return boundaries;
}

const WINDOW = 64 * 1024;

/** The first offset ≥ `at` that starts a line: just after the first `\n` at or after `at - 1`. */
async function nextLineStart(
  services: Services,
  content: PinnedContent,
  at: number,
  size: number,
): Promise<number> {
  for (let from = at - 1; from < size; from += WINDOW) {
    const stream = await readPinned(services, content, {
      start: from,
      endExclusive: Math.min(size, from + WINDOW),
    });
    const lf = Buffer.concat(await bytesOf(stream)).indexOf(0x0a);
    if (lf >= 0) return from + lf + 1;
  }
  return size;
}

/** `fn` over `items`, at most `limit` at once; the results in the items' order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
