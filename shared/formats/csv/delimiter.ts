/**
 * Delimiter auto-detection for CSV when `config.delimiter` is not given.
 *
 * The rule: over the first lines of a sample (up to `maxLines` non-blank physical rows; a
 * quoted line break does not end a row, a quoted candidate is not counted), count each
 * candidate per line. A candidate's *mode* is its most frequent count (the larger on a tie)
 * and its *consistency* the share of lines with exactly that count. Candidates whose mode is
 * 0 are out; the highest consistency wins, then the higher mode (more columns), then the
 * order `,` `;` tab `|`. No candidate left (a one-column file) gives `,`.
 *
 * Why the mode and not "the same count on every line": a title line above the header, a
 * ragged last row or one free-text cell with an unquoted `;` should not lose a file its real
 * delimiter, and `1,5;2,5` (decimal commas) has `;` on every line but `,` not always.
 */
export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

/** How much text to sample, in characters. */
export const DELIMITER_SAMPLE_CHARS = 64 * 1024;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface DetectDelimiterOptions {
  /**
   * Whether `sample` is the whole file. When not, its last line may be cut short and is left
   * out (unless it is the only one).
   * @default false
   */
  complete?: boolean;
  /** @default 50 */
  maxLines?: number;
}

export function detectDelimiter(sample: string, options: DetectDelimiterOptions = {}): string {
  const lines = countPerLine(sample, options.maxLines ?? 50, options.complete ?? false);
  let best: { delimiter: string; consistency: number; mode: number } | undefined;
  DELIMITER_CANDIDATES.forEach((delimiter, c) => {
    const counts = lines.map((line) => line[c] ?? 0);
    const mode = modeOf(counts);
    if (mode === 0) return;
    const consistency = counts.filter((n) => n === mode).length / counts.length;
    // Candidates are visited in preference order, so only a strictly better one replaces.
    if (!best || consistency > best.consistency || (consistency === best.consistency && mode > best.mode)) {
      best = { delimiter, consistency, mode };
    }
  });
  return best?.delimiter ?? ',';
}

/**
 * Per non-blank line, the count of each candidate outside quoted cells. The delimiter is not
 * known yet, so a `"` opens a quoted cell after any candidate or a line start, as the
 * dialect has it for whichever candidate turns out to be the delimiter.
 */
function countPerLine(sample: string, maxLines: number, complete: boolean): number[][] {
  const codes = DELIMITER_CANDIDATES.map((d) => d.charCodeAt(0));
  const lines: number[][] = [];
  let counts = [0, 0, 0, 0];
  let content = false; // anything but a line ending on this line?
  let inQuotes = false;
  let previous = LF;
  for (let i = 0; i < sample.length && lines.length < maxLines; previous = sample.charCodeAt(i++)) {
    const c = sample.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (sample.charCodeAt(i + 1) === QUOTE)
          i++; // `""` inside the cell
        else inQuotes = false;
      }
      continue;
    }
    if (c === QUOTE && (previous === LF || previous === CR || codes.includes(previous))) {
      inQuotes = true;
      content = true;
      continue;
    }
    if (c === LF || c === CR) {
      if (content) lines.push(counts);
      counts = [0, 0, 0, 0];
      content = false;
      continue;
    }
    content = true;
    const k = codes.indexOf(c);
    if (k >= 0) counts[k] = (counts[k] ?? 0) + 1;
  }
  // The text after the last line ending: a whole line only when the sample is the whole file.
  if (content && lines.length < maxLines && (complete || lines.length === 0)) lines.push(counts);
  return lines;
}

function modeOf(counts: number[]): number {
  const frequency = new Map<number, number>();
  let mode = 0;
  let top = 0;
  for (const n of counts) {
    const f = (frequency.get(n) ?? 0) + 1;
    frequency.set(n, f);
    if (f > top || (f === top && n > mode)) {
      top = f;
      mode = n;
    }
  }
  return mode;
}
