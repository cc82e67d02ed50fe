/**
 * What a byte range of a JSON array does to the structure around it, from every string state
 * it could start in: the state machine the element scanner runs (array.ts) reduced to what
 * decides where elements start — inside a string or not, just after a backslash in one, and
 * the bracket depth — so that ranges read at once can be joined in file order (ParPaRaw,
 * Stehle and Jacobsen, PVLDB 13(5), 2020; formats/csv/ranged-plan.ts does the same for CSV).
 *
 * Depth is unbounded and a range does not know the depth it starts at, so its effect is kept
 * relative: per entry string state, the exit state, the net depth change, and per watched
 * offset the *levels* below the watch's own depth that the range reaches — where each is
 * first reached and the first `,` at it (outside strings) before the depth goes lower still.
 * Once the true depth `D` at a watch is known, the element level (depth 1, the array's own)
 * is level `D - 1`, and its comma, if any, is the first element boundary after the watch:
 * every depth inside the array is ≥ 1, so the element level is always the lowest seen so far.
 * Level `D` is where the array closes.
 *
 * Effects compose, in array-depth-compose.ts.
 */
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './array.js';

export const OUTSIDE = 0;
export const IN_STRING = 1;
export const AFTER_BACKSLASH = 2;
export type StringState = typeof OUTSIDE | typeof IN_STRING | typeof AFTER_BACKSLASH;
export const STRING_STATES: readonly StringState[] = [OUTSIDE, IN_STRING, AFTER_BACKSLASH];

/**
 * Levels kept per watch. A run that starts in the wrong string state reads string content as
 * structure and can reach absurd depths; only the true run's levels are ever looked up, and a
 * file nested deeper than this is refused when one is needed (`elementLevel`).
 */
export const MAX_LEVELS = 4096;

/** A depth the run reached below a watch: where first (absolute offset), and its first `,` (absolute offset). */
export interface DepthLevel {
  reach: number;
  comma?: number;
}

/** One watched offset, as a run saw it from there to the range's end. */
export interface WatchLevels {
  /** Absolute offset watched: commas at or after it count. */
  at: number;
  /** The depth at the watch, relative to the range's start. */
  depth: number;
  /** `levels[k]`: depth `depth - k`, from the watch's own (k = 0) down. */
  levels: DepthLevel[];
  /** More levels were reached than `MAX_LEVELS`. */
  truncated: boolean;
}

/** What a range does to a run that enters it in one string state. */
export interface DepthEffect {
  exit: StringState;
  /** Net depth change over the range. */
  depth: number;
  /** In offset order; the first is at the range's start. */
  watches: WatchLevels[];
}

/** A range's effect per entry string state (indexed by `StringState`). */
export type RangeEffects = readonly DepthEffect[];

/** A watch as one run follows it: `min` is in the run's own depth coordinates. */
class WatchRun {
  readonly levels: DepthLevel[];
  truncated = false;

  constructor(
    public min: number,
    at: number,
  ) {
    this.levels = [{ reach: at }];
  }
}

/** One run of the state machine over the range; several entry states may share it once they meet. */
class DepthRun {
  depth = 0;
  readonly watches: WatchRun[] = [];
  /** The latest watch's `min`: the depth at which a comma or a closing bracket matters. */
  private top = Number.NEGATIVE_INFINITY;
  /**
   * A watch at `top` still waits for its comma. Off once each has one: an array's every
   * element ends in a comma at `top`, and looking through the watches at each would cost
   * them all per element.
   */
  private waiting = false;

  constructor(public state: StringState) {}

  watch(at: number): WatchRun {
    const run = new WatchRun(this.depth, at);
    this.watches.push(run);
    this.top = this.depth;
    this.waiting = true;
    return run;
  }

  /** Rebases onto another run's coordinates: a depth `d` here is `d - shift` there. */
  shiftWatches(shift: number): WatchRun[] {
    for (const watch of this.watches) watch.min -= shift;
    return this.watches;
  }

  adopt(watches: WatchRun[]): void {
    this.watches.push(...watches);
    this.top = Math.max(this.top, ...this.watches.map((w) => w.min));
    this.waiting = true;
  }

  push(bytes: Uint8Array, base: number): void {
    let state = this.state;
    let depth = this.depth;
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const c = bytes[i] as number;
      if (state === OUTSIDE) {
        if (c === QUOTE) state = IN_STRING;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth < this.top) this.lower(depth, base + i);
        } else if (c === COMMA && depth === this.top && this.waiting) this.comma(depth, base + i);
      } else if (state === IN_STRING) {
        if (c === QUOTE) state = OUTSIDE;
        else if (c === BACKSLASH) state = AFTER_BACKSLASH;
      } else state = IN_STRING;
    }
    this.state = state;
    this.depth = depth;
  }

  /** One byte outside a string that is no quote. */
  outside(c: number, at: number): void {
    if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--this.depth < this.top) this.lower(this.depth, at);
    } else if (c === COMMA && this.depth === this.top && this.waiting) this.comma(this.depth, at);
  }

  private lower(depth: number, at: number): void {
    for (const watch of this.watches) {
      if (depth >= watch.min) continue;
      watch.min = depth;
      if (watch.levels.length < MAX_LEVELS) watch.levels.push({ reach: at });
      else watch.truncated = true;
    }
    this.top = depth;
    this.waiting = true;
  }

  /** Watches below `top` wait for a depth that only `lower` reaches, which sets `waiting` again. */
  private comma(depth: number, at: number): void {
    for (const watch of this.watches) {
      const last = watch.levels[watch.levels.length - 1] as DepthLevel;
      if (watch.min === depth && !watch.truncated && last.comma === undefined) last.comma = at;
    }
    this.waiting = false;
  }
}

/**
 * Scans one range from every entry state at once. `watches`: absolute offsets in the range,
 * sorted; the range's start is always watched first.
 */
export class DepthScan {
  /** Per entry state: the run it follows, and `delta` such that entry depth = run depth + delta. */
  private readonly follows: { run: DepthRun; delta: number; watches: { run: WatchRun; depth: number }[] }[];
  private runs: DepthRun[];
  private offset: number;
  private next = 0;
  private readonly watches: number[];

  constructor(
    readonly start: number,
    watches: readonly number[],
  ) {
    this.offset = start;
    this.watches = [start, ...watches.filter((w) => w > start)];
    this.runs = STRING_STATES.map((state) => new DepthRun(state));
    this.follows = this.runs.map((run) => ({ run, delta: 0, watches: [] }));
  }

  push(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.length) {
      const at = this.watches[this.next];
      if (at !== undefined && at <= this.offset + from) {
        this.startWatch(at);
        continue;
      }
      const to = at === undefined ? bytes.length : Math.min(bytes.length, at - this.offset);
      const [a, b] = this.runs;
      if (this.runs.length === 2 && a && b && (a.state === OUTSIDE) !== (b.state === OUTSIDE)) {
        // One run outside a string, one inside: one loop serves both until they meet.
        from = pushPaired(
          a.state === OUTSIDE ? a : b,
          a.state === OUTSIDE ? b : a,
          bytes,
          from,
          to,
          this.offset,
        );
        if (from < to) this.merge();
        continue;
      }
      for (const run of this.runs) run.push(bytes.subarray(from, to), this.offset + from);
      from = to;
    }
    this.offset += bytes.length;
    this.merge();
  }

  /** The range's effect per entry state, once every byte is pushed. */
  finish(): RangeEffects {
    while (this.next < this.watches.length && (this.watches[this.next] as number) <= this.offset)
      this.startWatch(this.watches[this.next] as number);
    return this.follows.map(({ run, delta, watches }) => ({
      exit: run.state,
      depth: run.depth + delta,
      watches: watches.map((w, i) => ({
        at: this.watches[i] ?? this.start,
        depth: w.depth,
        levels: w.run.levels,
        truncated: w.run.truncated,
      })),
    }));
  }

  private startWatch(at: number): void {
    const created = new Map<DepthRun, WatchRun>();
    for (const follow of this.follows) {
      let watch = created.get(follow.run);
      if (!watch) {
        watch = follow.run.watch(at);
        created.set(follow.run, watch);
      }
      follow.watches.push({ run: watch, depth: follow.run.depth + follow.delta });
    }
    this.next++;
  }

  /** Runs in the same string state see the same from here on, up to a depth shift: one goes on for both. */
  private merge(): void {
    if (this.runs.length === 1) return;
    const kept: DepthRun[] = [];
    for (const run of this.runs) {
      const same = kept.find((k) => k.state === run.state);
      if (!same) {
        kept.push(run);
        continue;
      }
      const shift = run.depth - same.depth;
      same.adopt(run.shiftWatches(shift));
      for (const follow of this.follows) {
        if (follow.run !== run) continue;
        follow.run = same;
        follow.delta += shift;
      }
    }
    this.runs = kept;
  }
}

/**
 * Bytes `[from, to)` of `bytes` (offset `base` in the file) through a run outside a string
 * and one inside (or just after a backslash in one). Their states stay opposite — a quote
 * swaps them, any other byte is structure for the outside run only — until a quote comes
 * just after a backslash: the inside run keeps it in its string, the outside run opens one,
 * and they meet. On data without escaped quotes they never meet, and this halves the work.
 * Returns where it stopped: `to`, or just after the byte where they met.
 */
function pushPaired(
  outside: DepthRun,
  inside: DepthRun,
  bytes: Uint8Array,
  from: number,
  to: number,
  base: number,
): number {
  let [out, inn] = [outside, inside];
  let escaped = inn.state === AFTER_BACKSLASH;
  for (let i = from; i < to; i++) {
    const c = bytes[i] as number;
    if (escaped) {
      escaped = false;
      if (c === QUOTE) {
        out.state = IN_STRING;
        inn.state = IN_STRING;
        return i + 1;
      }
      if (c !== BACKSLASH) out.outside(c, base + i);
    } else if (c === QUOTE) [out, inn] = [inn, out];
    else if (c === BACKSLASH) escaped = true;
    else out.outside(c, base + i);
  }
  out.state = OUTSIDE;
  inn.state = escaped ? AFTER_BACKSLASH : IN_STRING;
  return to;
}
