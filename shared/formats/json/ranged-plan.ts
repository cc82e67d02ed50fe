/**
 * Part boundaries of a JSON array without a pass over the file in order: the bytes after the
 * opening `[` are cut into ranges read at once, each scanned from every string state it
 * could start in (array-depth.ts), and the scans are joined in file order from the true
 * start (outside any string, at depth 1). Each part but the first then starts just after a
 * `,` that separates two elements of the array, the first such at or after its nominal start
 * (`i × partSize`), and reads its range as a run of elements (array.ts, `open: false`).
 *
 * The first part starts at byte 0 (a BOM, blanks, the `[`), the last one ends at the file's
 * end (the `]`, and whatever follows it, for the reader to judge). A `,` after the array has
 * closed is never a boundary, so text after the `]` fails the last part as it fails a whole
 * file. A file whose first text is not `[` is one part, and reading it says what it holds.
 */
import { UnprocessableError } from '../../domain/errors.js';
import type { RangeReader } from '../csv/ranged-plan.js';
import { isSpace, OPEN_BRACKET } from './array.js';
import {
  type DepthLevel,
  DepthScan,
  MAX_LEVELS,
  OUTSIDE,
  type RangeEffects,
  type WatchLevels,
} from './array-depth.js';
import { composeDepthEffects, levelAt } from './array-depth-compose.js';

export interface JsonArrayPlanOptions {
  partSize: number;
  /** The file's first bytes (at least up to its `[`, when it has one in them). */
  head: Uint8Array;
  /** Ranges read at once. @default 8 */
  ranges?: number;
  /** The smallest range worth a read of its own. @default 64 KiB */
  minRangeBytes?: number;
}

/** Where the array's `[` is in `head`, after a UTF-8 BOM and blanks; undefined when the text starts otherwise. */
export function arrayOpening(head: Uint8Array): number | undefined {
  let at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (isSpace(head[at])) at++;
  return head[at] === OPEN_BRACKET ? at : undefined;
}

/** `[0, b1, …, size]`; one part (`[0, size]`) for a file that does not start with `[`. */
export async function planJsonArrayInRanges(
  read: RangeReader,
  size: number,
  options: JsonArrayPlanOptions,
): Promise<number[]> {
  const { partSize, ranges = 8, minRangeBytes = 64 * 1024 } = options;
  const opening = arrayOpening(options.head);
  if (opening === undefined || size <= partSize) return [0, size];
  const bodyStart = opening + 1;

  // Each nominal start `s` is watched from `s - 1`: a `,` there puts the boundary at `s`.
  const watched = new Set<number>();
  for (let s = partSize; s < size; s += partSize) watched.add(Math.max(bodyStart, s - 1));
  const watches = [...watched];

  const step = Math.max(minRangeBytes, Math.ceil((size - bodyStart) / Math.max(1, ranges)));
  const starts: number[] = [];
  for (let start = bodyStart; start < size; start += step) starts.push(start);
  const effects = await Promise.all(
    starts.map(async (start) => {
      const end = Math.min(size, start + step);
      const scan = new DepthScan(
        start,
        watches.filter((w) => w >= start && w < end),
      );
      let bytes = 0;
      for await (const chunk of await read(start, end)) {
        scan.push(chunk);
        bytes += chunk.length;
      }
      if (bytes !== end - start) throw new Error(`read ${bytes} bytes of a range of ${end - start}`);
      return scan.finish();
    }),
  );
  if (effects.length === 0) return [0, size];

  // Only the true run matters from here: the body starts outside any string.
  let whole: RangeEffects = [(effects[0] as RangeEffects)[OUTSIDE] as RangeEffects[number]];
  for (const range of effects.slice(1)) whole = composeDepthEffects(whole, range);
  const body = whole[0] as RangeEffects[number];
  const byOffset = new Map(body.watches.map((w) => [w.at, w]));

  // The body starts at depth 1; it is over where the depth first falls to 0 (the closing `]`).
  const closing = known(levelAt(body.watches[0] as WatchLevels, 1, 0), bodyStart);
  const closedAt = closing?.reach ?? size;
  const boundaries = [0];
  for (const at of watches) {
    const watch = byOffset.get(at) as WatchLevels;
    const comma = known(levelAt(watch, 1, 1), at)?.comma;
    if (comma === undefined || comma >= closedAt || comma + 1 >= size) continue;
    if (comma + 1 > (boundaries.at(-1) as number)) boundaries.push(comma + 1);
  }
  boundaries.push(size);
  return boundaries;
}

function known(level: DepthLevel | undefined | 'too deep', at: number): DepthLevel | undefined {
  if (level === 'too deep')
    throw new UnprocessableError(
      `The JSON array nests deeper than ${MAX_LEVELS} levels after byte ${at}; partwise reads arrays of objects nested less deeply.`,
    );
  return level;
}
