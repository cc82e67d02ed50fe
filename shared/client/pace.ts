/**
 * A job's pace as a watcher sees it (the CLI's bar, the web page): rows per second and an
 * ETA, from the job's counts as its events show them. No I/O: it runs in Node and browsers.
 */
/** What the pace reads of a job (a Job, a JobSnapshot, an event's snapshot). */
export interface JobCounts {
  status: string;
  parts: number;
  processed: number;
  rowsProcessed?: number | undefined;
}

/**
 * The job's pace since the wait first saw it execute (its throughput, not the wait's): rows
 * per second, and an ETA from the parts still to go at the rate parts have finished.
 */
export class Pace {
  private first: Sample | undefined;
  private last: Sample | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes the job's counts once it executes (planning is not throughput). */
  observe(job: JobCounts): void {
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
