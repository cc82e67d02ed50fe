/**
 * The planning pass of `planCsvLayout`, over ranges of the file read at once instead of one
 * stream from the start: a large file on S3 reads several times faster through parallel
 * ranged GETs than through one. Same result, boundary for boundary (a property test holds
 * the two together).
 *
 * Where rows end depends on whether each byte is inside a quoted cell, which depends on every
 * byte before it, which a range does not see. So each range runs the dialect's rules
 * (`QuoteRun`) from *every* state it could start in — outside, inside, or just after a `"`
 * inside — and notes, per start state, the state it ends in and the first row start after
 * each part's nominal start. Once every range is read, the head's end state picks the first
 * range's start state, its end state the next one's, and so on: the composition settles the
 * true state at each range, and with it each boundary (ParPaRaw, Stehle and Jacobsen, PVLDB
 * 13(5), 2020). Runs from different start states meet as soon as they see the same state at
 * the end of a chunk (usually within the first few quotes), and go on as one.
 *
 * The head of the file (BOM, delimiter sample, header row, the first parts) is scanned from
 * the start as before; a file whose header does not end within the head, and files planned
 * as one part (UTF-16, a delimiter of several bytes), are planned by `planCsvLayout` itself.
 */
import { CountedBytes } from '../counted-bytes.js';
import {
  type CsvLayout,
  type CsvLayoutOptions,
  csvPartCount,
  HeadScan,
  planCsvLayout,
} from './boundaries.js';
import { DELIMITER_SAMPLE_CHARS } from './delimiter.js';
import { OUTSIDE, QUOTE_STATES, QuoteRun, type QuoteState, type RowStartWatch } from './quote-run.js';

/** Bytes [start, endExclusive) of the file. */
export type RangeReader = (start: number, endExclusive: number) => Promise<AsyncIterable<Uint8Array>>;

/** The head scanned in order from the start, by default: the longest header, and the delimiter sample, fit. */
export const HEAD_BYTES = 2 * 1024 * 1024;

export interface RangedPlanOptions extends CsvLayoutOptions {
  /** Bytes scanned in order from the start. @default 2 MiB (the longest header, and the delimiter sample, fit) */
  headBytes?: number;
  /** Ranges after the head, all read at once. @default 8 */
  ranges?: number;
  /**
   * How the ranges are scanned: read and scanned here, all at once (the default), or
   * elsewhere (distributed planning: a function per range, engine/scans.ts), handing back
   * each range's `CsvRangeScan` in range order. The composition is the same either way.
   */
  scanRanges?: (ranges: CsvRange[], delimiter: number) => Promise<CsvRangeScan[]>;
}

/** A range of the file after its head: bytes [start, end), and the offsets it watches. */
export interface CsvRange {
  start: number;
  end: number;
  /** Absolute offsets, sorted; the first is the range's own start, the others a nominal part start less one. */
  watches: number[];
}

/**
 * What one range's runs found, per start state (`QUOTE_STATES`): plain JSON, so that a scan
 * made in another function can be stored and composed here.
 */
export interface CsvRangeScan {
  /** Per start state: the state at the range's end. */
  endState: QuoteState[];
  /** Per start state: the last opening quote the run saw (-1: none). */
  lastOpen: number[];
  /** Per start state, per watch: the first row start after it within the range (null: none). */
  rowStarts: (number | null)[][];
}

/**
 * Scans one range from every start state: `source` holds bytes [start - 1, min(size, end + 1))
 * of a file of `size` bytes (the byte before decides whether a `"` opens a cell, the byte
 * after settles a CR or a `"` last in the range).
 */
export async function scanCsvRange(
  source: AsyncIterable<Uint8Array>,
  range: CsvRange,
  delimiter: number,
  size: number,
): Promise<CsvRangeScan> {
  const scan = new RangeScan(range.start, range.end, range.watches);
  await scan.read(source, delimiter, size);
  return scan.result();
}

/** One range's runs: for each start state, where it ends and the row start found after each watch. */
class RangeScan {
  /** Per start state: the state at the range's end. */
  readonly endState: QuoteState[] = [];
  /** Per start state: the last opening quote the run saw (-1: none). */
  readonly lastOpen: number[] = [];
  /** Per start state, per watch: the first row start after it within the range (undefined: none). */
  readonly rowStarts: (number | undefined)[][] = QUOTE_STATES.map(() => []);
  private runs: RangeRun[] = [];

  constructor(
    readonly start: number,
    readonly end: number,
    /** Absolute offsets, sorted; the first is the range's own start. */
    readonly watches: number[],
  ) {}

  async read(source: AsyncIterable<Uint8Array>, delimiter: number, size: number): Promise<void> {
    // The source starts a byte early (the byte before decides whether a `"` opens a cell) and,
    // before the file's end, ends a byte late (a CR or a `"` last in the range needs it).
    let offset = this.start - 1;
    let next: number | undefined;
    for await (const chunk of source) {
      let from = 0;
      let to = chunk.length;
      if (offset < this.start && to > 0) {
        if (this.runs.length === 0) this.startRuns(delimiter, chunk[0] as number);
        from = 1;
      }
      if (offset + to > this.end) {
        next = chunk[this.end - offset];
        to = this.end - offset;
      }
      if (to > from) this.push(chunk.subarray(from, to), offset + from);
      offset += chunk.length;
    }
    const read = offset - (this.start - 1);
    const expected = Math.min(size, this.end + 1) - (this.start - 1);
    if (read !== expected) throw new Error(`read ${read} bytes of a range of ${expected}`);
    for (const { run, watch } of this.runs) run.finish(this.end, next, watch);
    for (const { run, states } of this.runs) {
      for (const state of states) {
        this.endState[state] = run.state;
        // A run that joined another keeps its own last opening quote, unless one opened since.
        const joined = this.joined.get(state);
        this.lastOpen[state] = joined && run.lastOpen < joined.at ? joined.lastOpen : run.lastOpen;
      }
    }
  }

  result(): CsvRangeScan {
    return {
      endState: QUOTE_STATES.map((state) => this.endState[state] as QuoteState),
      lastOpen: QUOTE_STATES.map((state) => this.lastOpen[state] as number),
      rowStarts: QUOTE_STATES.map((state) => this.watches.map((_, w) => this.rowStarts[state]?.[w] ?? null)),
    };
  }

  /** Start states whose run joined another's: where, and the last opening quote it had seen. */
  private readonly joined = new Map<QuoteState, { at: number; lastOpen: number }>();

  private startRuns(delimiter: number, previous: number): void {
    this.runs = QUOTE_STATES.map((state) => {
      const watch = new RangeWatch(this.watches, this.rowStarts, [state]);
      return { run: new QuoteRun(state, delimiter, previous), states: [state], watch };
    });
  }

  private push(bytes: Uint8Array, base: number): void {
    const at = base + bytes.length;
    for (const { run, watch } of this.runs) run.push(bytes, base, watch);
    if (this.runs.length === 1) return;
    // Runs that now stand in the same place and wait for the same watch see the same from here on.
    const merged: RangeRun[] = [];
    for (const candidate of this.runs) {
      const same = merged.find((m) => m.run.sameAs(candidate.run) && m.watch.next === candidate.watch.next);
      if (!same) {
        merged.push(candidate);
        continue;
      }
      same.states.push(...candidate.states);
      same.watch.states.push(...candidate.states);
      for (const state of candidate.states) {
        const earlier = this.joined.get(state);
        this.joined.set(state, {
          at,
          lastOpen:
            earlier && candidate.run.lastOpen < earlier.at ? earlier.lastOpen : candidate.run.lastOpen,
        });
      }
    }
    this.runs = merged;
  }
}

interface RangeRun {
  run: QuoteRun;
  /** The start states this run stands for. */
  states: QuoteState[];
  watch: RangeWatch;
}

/** The watches of one run: each resolves at the first row start after it. */
class RangeWatch implements RowStartWatch {
  next = 0;

  constructor(
    private readonly watches: number[],
    private readonly rowStarts: (number | undefined)[][],
    readonly states: QuoteState[],
  ) {}

  get watchFrom(): number {
    return this.watches[this.next] ?? Number.POSITIVE_INFINITY;
  }

  rowStart(at: number): void {
    for (; this.next < this.watches.length && (this.watches[this.next] as number) < at; this.next++) {
      for (const state of this.states) (this.rowStarts[state] as (number | undefined)[])[this.next] = at;
    }
  }
}

export async function planCsvLayoutInRanges(
  read: RangeReader,
  size: number,
  options: RangedPlanOptions,
): Promise<CsvLayout> {
  const { partSize, headBytes = HEAD_BYTES, ranges: rangeCount = 8 } = options;
  const whole = async () => planCsvLayout(await read(0, size), options);
  // The delimiter is detected from the first 64 KiB: a head shorter than that would see less.
  const sampleFits = options.delimiter !== 'auto' || headBytes >= DELIMITER_SAMPLE_CHARS;
  if (size <= headBytes || rangeCount < 1 || !sampleFits) return whole();

  // The head, and the byte after it (the head's run ends on a CR or a `"` that it settles).
  const headSource = new CountedBytes(await read(0, headBytes + 1));
  const head = await HeadScan.start(headSource, options);
  if (!(head instanceof HeadScan)) return whole(); // one part, found from the decoded text
  let after: number | undefined;
  for await (const chunk of headSource) {
    const room = headBytes - head.offset;
    if (chunk.length > room) after = chunk[room];
    if (room > 0) head.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
  }
  head.finish(after);
  if (head.headerEnd === undefined) return whole(); // a header longer than the head

  const ranges = csvRanges(size, partSize, headBytes, rangeCount);
  const delimiter = head.options.delimiter.charCodeAt(0);
  const scanRanges =
    options.scanRanges ??
    ((all: CsvRange[]) =>
      Promise.all(
        all.map(async (range) =>
          scanCsvRange(await read(range.start - 1, Math.min(size, range.end + 1)), range, delimiter, size),
        ),
      ));
  const scans = await scanRanges(ranges, delimiter);
  if (scans.length !== ranges.length)
    throw new Error(`${scans.length} range scans for ${ranges.length} ranges`);
  return composeCsvLayout(head, ranges, scans, size);
}

/** The rest of the file after the head, cut into `count` ranges; each watches the nominal starts `s` whose `s - 1` it holds. */
export function csvRanges(size: number, partSize: number, headBytes: number, count: number): CsvRange[] {
  const parts = csvPartCount(size, partSize);
  const step = Math.ceil((size - headBytes) / count);
  const ranges: CsvRange[] = [];
  for (let start = headBytes; start < size; start += step) {
    const end = Math.min(size, start + step);
    const watches = [start];
    for (let i = Math.max(1, Math.ceil((start + 1) / partSize)); i < parts && i * partSize - 1 < end; i++)
      if (i * partSize - 1 > start) watches.push(i * partSize - 1);
    ranges.push({ start, end, watches });
  }
  return ranges;
}

/**
 * Places every boundary from the head and the ranges' scans: the head's end state picks the
 * first range's start state, its end state the next one's, and so on (ParPaRaw's composition).
 */
function composeCsvLayout(head: HeadScan, ranges: CsvRange[], scans: CsvRangeScan[], size: number) {
  const { partSize } = head.options;
  const parts = csvPartCount(size, partSize);
  const headBytes = ranges[0]?.start ?? size;
  // The state at each range's start, from the head's end state onwards.
  const startState: QuoteState[] = [];
  let state = head.run.state;
  for (const scan of scans) {
    startState.push(state);
    state = scan.endState[state] as QuoteState;
  }
  /** The first row start after watch `w` of range `k`, in the state the range truly starts in. */
  const rowStartAfter = (k: number, w: number): number => {
    const found = scans[k]?.rowStarts[startState[k] as QuoteState]?.[w];
    if (found !== undefined && found !== null) return found;
    return k + 1 < scans.length ? rowStartAfter(k + 1, 0) : size;
  };

  const boundaries = [head.headerEnd ?? size];
  for (let i = 1; i < parts; i++) {
    const found = head.found[i - 1];
    if (found !== undefined) {
      boundaries.push(found);
      continue;
    }
    const from = i * partSize - 1;
    // Not found in the head: the first row start at or after the head's end or after `from`.
    // The range that holds `from` (they are sorted and tile the rest of the file).
    const k = from < headBytes ? 0 : rangeHolding(ranges, from);
    const w = from < headBytes ? 0 : (ranges[k] as CsvRange).watches.indexOf(from);
    boundaries.push(rowStartAfter(k, w));
  }
  boundaries.push(size);
  return head.layout(size, boundaries, unclosedQuote(head, scans, startState, state));
}

/** The index of the range whose bytes hold `offset` (ranges sorted, tiling the rest of the file). */
function rangeHolding(ranges: CsvRange[], offset: number): number {
  let low = 0;
  let high = ranges.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((ranges[mid] as CsvRange).start <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Where the quoted cell the file ends in opens: the last range that saw a quote open, in its true state. */
function unclosedQuote(
  head: HeadScan,
  scans: CsvRangeScan[],
  startState: QuoteState[],
  endState: QuoteState,
): number | undefined {
  if (endState === OUTSIDE) return undefined;
  for (let k = scans.length - 1; k >= 0; k--) {
    const opened = (scans[k] as CsvRangeScan).lastOpen[startState[k] as QuoteState] as number;
    if (opened >= 0) return opened;
  }
  return Math.max(0, head.run.lastOpen); // the head starts outside: a quote opened in it
}
