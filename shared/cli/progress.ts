/**
 * A job's progress as the CLI shows it while it waits, from the job's events (pushed by the
 * local stack, from the events feed elsewhere): on a terminal a live bar — parts processed
 * of total, rows, rows per second, ETA, status — and elsewhere one plain line per change.
 */
import { SingleBar } from 'cli-progress';
import type { JobSnapshot } from '../client/index.js';
import type { Output } from './output.js';

export interface ProgressView {
  update(job: JobSnapshot): void;
  /** Ends the bar (a terminal keeps its last frame). */
  stop(): void;
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/**
 * The job's pace since the wait first saw it execute (its throughput, not the wait's): rows
 * per second, and an ETA from the parts still to go at the rate parts have finished.
 */
export class Pace {
  private first: Sample | undefined;
  private last: Sample | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes the job's counts once it executes (planning is not throughput). */
  observe(job: Pick<JobSnapshot, 'status' | 'rowsProcessed' | 'processed' | 'parts'>): void {
    if (job.status === 'PLANNING' || job.status === 'READY') return;
    const seen = { at: this.now(), rows: job.rowsProcessed, parts: job.processed, total: job.parts };
    this.first ??= seen;
    this.last = seen;
  }

  /** Rows per second over the observed span; undefined until there is one. */
  rowsPerSecond(): number | undefined {
    const { first, last } = this;
    if (!first || !last || last.at <= first.at || first.rows === undefined || last.rows === undefined)
      return undefined;
    return ((last.rows - first.rows) * 1000) / (last.at - first.at);
  }

  /** Seconds until every part is done at the pace so far; undefined before a part finished. */
  etaSeconds(): number | undefined {
    const { first, last } = this;
    if (!first || !last || last.at <= first.at || last.parts <= first.parts) return undefined;
    const perPart = (last.at - first.at) / (last.parts - first.parts);
    return Math.max(0, Math.ceil(((last.total - last.parts) * perPart) / 1000));
  }
}

interface Sample {
  at: number;
  rows: number | undefined;
  parts: number;
  total: number;
}

/** 75 s as "1m15s", as a terminal has room for. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const formatCount = (n: number) => integer.format(n);

export function progressView(output: Output, now: () => number = Date.now): ProgressView {
  if (output.mode === 'json') return { update() {}, stop() {} };
  return output.mode === 'tty' ? barView(output.stream, now) : lineView(output, now);
}

/** One line per change of status, parts or rows. */
function lineView(output: Output, now: () => number): ProgressView {
  const pace = new Pace(now);
  let last = '';
  return {
    update(job) {
      pace.observe(job);
      const key = `${job.status} ${job.processed}/${job.parts} ${job.rowsProcessed ?? ''}`;
      if (key === last) return;
      last = key;
      const perSecond = pace.rowsPerSecond();
      const parts = [`${job.id} ${job.status}`, `parts ${job.processed}/${job.parts}`];
      if (job.rowsProcessed !== undefined) parts.push(`rows ${job.rowsProcessed}`);
      if (perSecond !== undefined && !FINAL.has(job.status)) parts.push(`${Math.round(perSecond)} rows/s`);
      output.say(parts.join(' '));
    },
    stop() {},
  };
}

/** cli-progress on the output's stream: the bar counts parts; rows, their rate and the status ride along. */
function barView(stream: NodeJS.WriteStream, now: () => number): ProgressView {
  const pace = new Pace(now);
  const bar = new SingleBar({
    format: ' {bar} {value}/{total} parts | {rows} rows | {rate} rows/s | ETA {remaining} | {status}',
    stream,
    hideCursor: true,
    // What the terminal has room for beside the ~70 characters of text (80 columns: 10).
    barsize: Math.min(40, Math.max(10, (stream.columns || 80) - 70)),
    fps: 10,
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  let started = false;
  return {
    update(job) {
      pace.observe(job);
      const perSecond = pace.rowsPerSecond();
      const eta = FINAL.has(job.status) ? 0 : pace.etaSeconds();
      const payload = {
        rows: job.rowsProcessed === undefined ? '?' : formatCount(job.rowsProcessed),
        rate: perSecond === undefined ? '–' : formatCount(perSecond),
        remaining: eta === undefined ? '–' : formatSeconds(eta),
        status: job.status,
      };
      // Parts are known once planned; until then the bar stands at 0 of 1.
      const total = Math.max(job.parts, 1);
      if (!started) {
        bar.start(total, job.processed, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(job.processed, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
