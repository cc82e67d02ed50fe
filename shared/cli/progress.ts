/**
 * A job's progress as the CLI shows it while it waits, from the job's events (pushed by the
 * local stack, from the events feed elsewhere): on a terminal a live bar — parts processed
 * of total, rows, rows per second, ETA, status — and elsewhere one plain line per change.
 */
import { SingleBar } from 'cli-progress';
import type { JobSnapshot } from '../client/index.js';
import { formatSeconds, Pace } from '../client/pace.js';
import { isFinal } from '../domain/status.js';
import type { Output } from './output.js';

export interface ProgressView {
  update(job: JobSnapshot): void;
  /** Ends the bar (a terminal keeps its last frame). */
  stop(): void;
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
      if (perSecond !== undefined && !isFinal(job.status)) parts.push(`${Math.round(perSecond)} rows/s`);
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
      const eta = isFinal(job.status) ? 0 : pace.etaSeconds();
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
