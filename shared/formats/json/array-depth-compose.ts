/**
 * Depth effects (array-depth.ts) joined in file order: the effect of range A followed by
 * range B is `composeDepthEffects(A, B)`, which extends A's watches with the levels of B's
 * start watch (a property test holds `scan(A + B) = compose(scan(A), scan(B))`); and, once
 * the true depth is known, the level a watch reached at a given depth.
 */
import {
  type DepthEffect,
  type DepthLevel,
  MAX_LEVELS,
  type RangeEffects,
  type WatchLevels,
} from './array-depth.js';

/** The effect of range A followed by range B (B's first watch at its start). */
export function composeDepthEffects(a: RangeEffects, b: RangeEffects): RangeEffects {
  return a.map((first) => {
    const second = b[first.exit] as DepthEffect;
    const entry = second.watches[0];
    return {
      exit: second.exit,
      depth: first.depth + second.depth,
      watches: [
        ...first.watches.map((w) => (entry ? extendWatch(w, first.depth, entry) : w)),
        ...second.watches.map((w) => ({ ...w, depth: w.depth + first.depth })),
      ],
    };
  });
}

/** Watch `w` of range A carried on through range B, which A leaves at depth `shift` and B's start watch sees. */
function extendWatch(w: WatchLevels, shift: number, entry: WatchLevels): WatchLevels {
  const levels = w.levels.map((level) => ({ ...level }));
  let truncated = w.truncated;
  for (const [j, level] of entry.levels.entries()) {
    const k = w.depth - (shift - j);
    if (k < levels.length - 1) continue;
    if (k === levels.length - 1) {
      const last = levels[k] as DepthLevel;
      if (!truncated && last.comma === undefined && level.comma !== undefined) last.comma = level.comma;
    } else if (levels.length < MAX_LEVELS) levels.push({ ...level });
    else truncated = true;
  }
  // B's run went below the levels it kept: so did this watch's, past what it holds.
  if (entry.truncated) truncated = true;
  return { ...w, levels, truncated };
}

/**
 * The level of watch `w` at absolute depth `target`, for a run that entered the range it
 * belongs to at absolute depth `depthAtStart`: undefined when the run never got that low.
 * `'too deep'` when the levels were cut at `MAX_LEVELS`.
 */
export function levelAt(
  w: WatchLevels,
  depthAtStart: number,
  target: number,
): DepthLevel | undefined | 'too deep' {
  const k = depthAtStart + w.depth - target;
  if (k < 0) return undefined;
  if (k >= w.levels.length) return w.truncated ? 'too deep' : undefined;
  return w.levels[k];
}
