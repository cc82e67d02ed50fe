/**
 * The planning pass of `planCsvLayout`, over ranges of the file read at once instead of one
 * stream from the start: a large file on S3 reads several times faster through parallel
 * ranged GETs than through one. Same result, boundary for boundary (a property test holds
 * the two together).
 *
 * Whether a byte is inside quotes depends on every `"` before it, which a range does not
 * see. But only the parity of that count matters, and it comes in two halves: the quotes
 * before the range (known once every earlier range is counted) and the quotes within it. So
 * each range counts its own quotes and, after each part's nominal start, notes the first
 * `\n` that follows an even number of its quotes and the first that follows an odd number;
 * once the ranges are done, the parity of all earlier quotes picks which of the two ends a
 * row. A row start not found within `window` bytes of a nominal start (a quoted field that
 * long) is looked for with one more read from there.
 *
 * The head of the file (BOM, delimiter sample, header row, the first parts) is scanned from
 * the start as before; a file whose header does not end within the head, and UTF-16 files
 * (one part), are planned by `planCsvLayout` itself.
 */
import { CountedBytes } from '../counted-bytes.js';
import {
  type CsvLayout,
  type CsvLayoutOptions,
  csvPartCount,
  HeadScan,
  planCsvLayout,
} from './boundaries.js';
import { countQuotes } from './boundary-scan.js';
import { DELIMITER_SAMPLE_CHARS } from './delimiter.js';

const LF = 0x0a;

/** Bytes [start, endExclusive) of the file. */
export type RangeReader = (start: number, endExclusive: number) => Promise<AsyncIterable<Uint8Array>>;

export interface RangedPlanOptions extends CsvLayoutOptions {
  /** Bytes scanned in order from the start. @default 2 MiB (the longest header, and the delimiter sample, fit) */
  headBytes?: number;
  /** Ranges after the head, all read at once. @default 8 */
  ranges?: number;
  /** How far after a nominal start a row start is looked for within the range pass. @default 64 KiB */
  window?: number;
}

/** The first `\n` of each quote parity at or after `from`, within a range. */
interface Watch {
  from: number;
  /** Parity of the range's quotes before `from`. */
  parityAtFrom: number;
  lf: [number | undefined, number | undefined];
  /** The search ended at the range's end (not at the window's): a missing `\n` is in a later range. */
  reachedRangeEnd: boolean;
}

class RangeScan {
  /** Parity of the quotes seen so far in the range. */
  parity = 0;
  offset: number;
  private next = 0;
  private active: Watch[] = [];

  constructor(
    readonly start: number,
    readonly end: number,
    /** Sorted by `from`; the first is the range's own start. */
    readonly watches: Watch[],
    private readonly window: number,
  ) {
    this.offset = start;
  }

  push(bytes: Uint8Array): void {
    const base = this.offset;
    const length = bytes.length;
    let p = 0;
    while (p < length) {
      const at = base + p;
      for (; this.next < this.watches.length && (this.watches[this.next] as Watch).from <= at; this.next++) {
        const watch = this.watches[this.next] as Watch;
        watch.parityAtFrom = this.parity;
        this.active.push(watch);
      }
      this.active = this.active.filter(
        (watch) => (watch.lf[0] === undefined || watch.lf[1] === undefined) && watch.from + this.window > at,
      );
      const nextFrom =
        this.next < this.watches.length ? (this.watches[this.next] as Watch).from - base : length;
      if (this.active.length === 0) {
        // Nothing watched here: only the quote parity matters.
        const to = Math.min(length, nextFrom);
        this.parity ^= countQuotes(bytes, p, to) & 1;
        p = to;
        continue;
      }
      const windowEnd = Math.min(...this.active.map((watch) => watch.from + this.window)) - base;
      let lf = bytes.indexOf(LF, p);
      if (lf === -1) lf = length;
      const to = Math.min(length, nextFrom, windowEnd, lf);
      this.parity ^= countQuotes(bytes, p, to) & 1;
      // A `\n` at the next watch's start or past a window's end waits for the watches to change.
      if (to === lf && lf < length && lf < nextFrom && lf < windowEnd) {
        for (const watch of this.active) watch.lf[this.parity] ??= base + lf;
        p = lf + 1;
      } else {
        p = to;
      }
    }
    this.offset += length;
  }

  finish(): void {
    for (const watch of this.watches) watch.reachedRangeEnd = watch.from + this.window >= this.end;
  }
}

export async function planCsvLayoutInRanges(
  read: RangeReader,
  size: number,
  options: RangedPlanOptions,
): Promise<CsvLayout> {
  const { partSize, headBytes = 2 * 1024 * 1024, ranges: rangeCount = 8, window = 64 * 1024 } = options;
  const whole = async () => planCsvLayout(await read(0, size), options);
  // The delimiter is detected from the first 64 KiB: a head shorter than that would see less.
  const sampleFits = options.delimiter !== 'auto' || headBytes >= DELIMITER_SAMPLE_CHARS;
  if (size <= headBytes || rangeCount < 1 || !sampleFits) return whole();

  const headSource = new CountedBytes(await read(0, headBytes));
  const head = await HeadScan.start(headSource, options);
  if (head === undefined) return whole(); // UTF-16: one part, found from the decoded text
  for await (const chunk of headSource) head.push(chunk);
  if (head.scan.headerEnd === undefined) return whole(); // a header longer than the head

  // The rest, cut into ranges; each watches the nominal starts `s` whose `s - 1` it holds.
  const parts = csvPartCount(size, partSize);
  const step = Math.ceil((size - headBytes) / rangeCount);
  const scans: RangeScan[] = [];
  for (let start = headBytes; start < size; start += step) {
    const end = Math.min(size, start + step);
    const watches: Watch[] = [watchFrom(start)];
    for (let i = Math.max(1, Math.ceil((start + 1) / partSize)); i < parts && i * partSize - 1 < end; i++)
      if (i * partSize - 1 > start) watches.push(watchFrom(i * partSize - 1));
    scans.push(new RangeScan(start, end, watches, window));
  }
  await Promise.all(
    scans.map(async (scan) => {
      for await (const chunk of await read(scan.start, scan.end)) scan.push(chunk);
      if (scan.offset !== scan.end)
        throw new Error(`read ${scan.offset - scan.start} bytes of a range of ${scan.end - scan.start}`);
      scan.finish();
    }),
  );

  // The parity of every quote before each range, from the head's state onwards.
  const parityBefore: number[] = [];
  let parity = head.scan.inQuotes ? 1 : 0;
  for (const scan of scans) {
    parityBefore.push(parity);
    parity ^= scan.parity;
  }
  /** The byte after the first `\n` outside quotes at or after `watch.from` (of range `k`), or `size`. */
  const rowStartAfter = async (k: number, watch: Watch): Promise<number> => {
    const wanted = parityBefore[k] as number; // the quotes before an ending `\n`: an even total
    const lf = watch.lf[wanted];
    if (lf !== undefined) return lf + 1;
    if (watch.reachedRangeEnd) {
      const later = scans[k + 1];
      return later ? rowStartAfter(k + 1, later.watches[0] as Watch) : size;
    }
    return rowStartByReading(read, watch.from, size, (wanted ^ watch.parityAtFrom) === 1);
  };

  const boundaries = [head.scan.headerEnd];
  for (let i = 1; i < parts; i++) {
    const found = head.scan.found[i - 1];
    if (found !== undefined) {
      boundaries.push(found);
      continue;
    }
    const from = i * partSize - 1;
    // Not found in the head: the first row start at or after the head's end or after `from`.
    const k = from < headBytes ? 0 : Math.floor((from - headBytes) / step);
    const scan = scans[k] as RangeScan;
    const watch =
      from < headBytes ? (scan.watches[0] as Watch) : (scan.watches.find((w) => w.from === from) as Watch);
    boundaries.push(await rowStartAfter(k, watch));
  }
  boundaries.push(size);
  return head.layout(size, boundaries);
}

function watchFrom(from: number): Watch {
  return { from, parityAtFrom: 0, lf: [undefined, undefined], reachedRangeEnd: false };
}

/** The first row start after `from` (a `\n` outside quotes), reading on from there. */
async function rowStartByReading(
  read: RangeReader,
  from: number,
  size: number,
  inQuotesAtFrom: boolean,
): Promise<number> {
  let inQuotes = inQuotesAtFrom;
  let offset = from;
  for await (const chunk of await read(from, size)) {
    for (let lf = chunk.indexOf(LF), p = 0; ; lf = chunk.indexOf(LF, p)) {
      const to = lf === -1 ? chunk.length : lf;
      if (countQuotes(chunk, p, to) % 2 === 1) inQuotes = !inQuotes;
      if (lf === -1) break;
      if (!inQuotes) return offset + lf + 1;
      p = lf + 1;
    }
    offset += chunk.length;
  }
  return size;
}
