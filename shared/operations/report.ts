/**
 * The rejected-rows report: one CSV file, registered in the job's environment, that lists
 * every invalid field of every invalid record, every rejected row and every part that failed
 * (docs/report.md says what a user reads in it).
 *
 * Built in parts. Each part taps the rows it writes to its segment (`ReportFragment.tap`) and
 * the rows its reader rejects, and streams what it finds to a fragment object beside the
 * job's plan, `plans/<jobId>/reports/<part>.ndjson`, with lines counted within the part. A
 * retried part overwrites its fragment; a part that finds nothing removes one it may have
 * written before. Finalize streams the fragments in part order into the report object, each
 * line shifted to the file's, adds one row per failed part, checks the counts against the
 * job's own (the row ledger), and registers the file. Finalize leaves the fragments: the
 * engine removes `plans/<jobId>/` once the job is done with it, and a retried job finalizes
 * again from every part's fragment.
 *
 * The file's id derives from the job's id and attempt, so a finalize that runs twice writes
 * the same file, and one after a retry a new file (the earlier attempt's report is removed
 * once the new one is registered).
 */
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { UnprocessableError } from '../domain/errors.js';
import { derivedId } from '../domain/ids.js';
import type { Job } from '../domain/job.js';
import { type DataFile, type RecordRow, rowIsValid, type SheetValue } from '../domain/resources.js';
import { valueText } from '../domain/values.js';
import { writeCsv } from '../formats/csv/write.js';
import type { Services } from '../services.js';

export const REPORT_COLUMNS = ['kind', 'line', 'recordId', 'field', 'value', 'message', 'part'] as const;

export type ReportKind = 'invalid' | 'rejected' | 'failed-part';

/**
 * One line of a fragment: `[kind, line, recordId, field, value, message]`. `line` is within
 * the part (an XLSX part: the worksheet's row number); `null` when unknown.
 */
type FragmentRow = [
  kind: 'invalid' | 'rejected',
  line: number | null,
  recordId: string,
  field: string,
  value: string,
  message: string,
];

/** A rejected row's text is kept up to this many characters (a rejected line can be megabytes). */
export const MAX_REJECTED_TEXT = 1000;

const fragmentsPrefix = (jobId: string) => `plans/${jobId}/reports/`;
export const reportFragmentKey = (jobId: string, part: number) =>
  `${fragmentsPrefix(jobId)}${String(part).padStart(6, '0')}.ndjson`;
const partOfKey = (key: string) => Number.parseInt(key.slice(key.lastIndexOf('/') + 1), 10);

/**
 * The lines of the records a part reads, in record order, as its reader tells them (the
 * reader tells a record's line before it hands the record out).
 */
export class RecordLines {
  private lines: number[] = [];
  private head = 0;

  readonly push = (line: number): void => {
    this.lines.push(line);
  };

  /** The next record's line (`null`: the reader told none). */
  take(): number | null {
    const line = this.lines[this.head];
    if (line === undefined) return null;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    return line;
  }
}

/** One part's report rows, streamed to its fragment object as they are found. */
export class ReportFragment {
  rows = 0;
  private pending: FragmentRow[] = [];
  /**
   * Rejections wait here for the records before them: a reader rejects a row while it parses
   * a batch, and the batch's records are tapped after; rows go out in line order.
   */
  private rejections: FragmentRow[] = [];
  private body: PassThrough | undefined;
  private upload: Promise<void> | undefined;

  constructor(
    private readonly services: Services,
    private readonly jobId: string,
    private readonly part: number,
  ) {}

  /** A row the reader rejected (it is no record): its line within the part and why. */
  readonly reject = (line: number, reason: string, given?: string): void => {
    // An NDJSON line's CR is its line ending, not its text.
    const text = given?.endsWith('\r') ? given.slice(0, -1) : given;
    const value =
      text === undefined || text.length <= MAX_REJECTED_TEXT
        ? (text ?? '')
        : `${text.slice(0, MAX_REJECTED_TEXT)}…`;
    this.rejections.push(['rejected', line, '', '', value, reason]);
  };

  /** Moves the waiting rejections before `line` (all: `undefined`) to the rows going out. */
  private passRejections(line?: number): void {
    let taken = 0;
    for (const rejection of this.rejections) {
      if (line !== undefined && (rejection[1] ?? 0) >= line) break;
      this.pending.push(rejection);
      taken++;
    }
    if (taken > 0) this.rejections.splice(0, taken);
  }

  /** One row per invalid field of each invalid record of `rows` (records of a segment with `keys`). */
  invalid(keys: readonly string[], row: RecordRow, line: number | null): void {
    if (line !== null && this.rejections.length > 0) this.passRejections(line);
    if (rowIsValid(keys, row)) return;
    const messages = (row[keys.length + 1] ?? {}) as Record<string, string>;
    for (const [field, message] of Object.entries(messages)) {
      const at = keys.indexOf(field);
      const value = at < 0 ? '' : valueText(row[at + 1] as SheetValue | undefined);
      this.pending.push(['invalid', line, row[0], field, value, message]);
    }
  }

  /**
   * The batches a part writes to its segment, passed on as they are, their invalid records
   * noted on the way (each with the next line of `lines`, when given).
   */
  async *tap(
    keys: readonly string[],
    batches: AsyncIterable<RecordRow[]>,
    lines?: RecordLines,
  ): AsyncGenerator<RecordRow[]> {
    for await (const batch of batches) {
      for (const row of batch) this.invalid(keys, row, lines ? lines.take() : null);
      await this.flush();
      yield batch;
    }
    await this.flush();
  }

  /** Streams the rows found so far to the fragment object, which the first of them opens. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.map((row) => `${JSON.stringify(row)}\n`).join('');
    this.rows += this.pending.length;
    this.pending = [];
    if (!this.body) {
      this.body = new PassThrough({ highWaterMark: 1 << 20 });
      this.upload = this.services.blobs.write(
        reportFragmentKey(this.jobId, this.part),
        this.body,
        'application/x-ndjson',
      );
      // Awaited in `close`; a failed upload also ends the wait for `drain` below.
      this.upload.catch(() => {});
    }
    if (!this.body.write(text)) await Promise.race([once(this.body, 'drain'), this.upload]);
  }

  /** The part is done: its fragment is complete, or there is none (and none left from an earlier try). */
  async close(): Promise<void> {
    this.passRejections();
    await this.flush();
    if (!this.body) {
      await this.services.blobs.remove([reportFragmentKey(this.jobId, this.part)]);
      return;
    }
    this.body.end();
    await this.upload;
  }

  /** The part failed: a fragment being written is not completed (and a complete one from an earlier try goes). */
  async abort(error: unknown): Promise<void> {
    if (this.body) {
      this.body.destroy(error instanceof Error ? error : new Error(String(error)));
      await this.upload?.catch(() => {});
    }
    await this.services.blobs.remove([reportFragmentKey(this.jobId, this.part)]).catch(() => {});
  }

  /** Runs a part's work with this fragment: closed when the work is done, aborted when it fails. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      await this.close();
      return result;
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }
}

/** A failed part as the report names it: what it read (`bytes 0–1023`, `worksheet Orders`) and its error. */
export interface FailedPart {
  part: number;
  value: string;
  message: string;
}

export interface ReportRequest {
  job: Job;
  /** The report file's name. */
  name: string;
  /**
   * Per part, the source line of its line 1: fragment lines are shifted by it. Absent: the
   * lines are kept as the parts wrote them (worksheet rows; none for a map).
   */
  firstLines?: readonly number[];
  failed: readonly FailedPart[];
  /** The job's own counts, which the report must match row for row. */
  expected: { invalidRecords: number; rejectedRows: number };
}

/** What the outcome says of the report: `report` and the `next` link to it. */
export interface ReportSummary {
  fileId: string;
  rows: number;
  invalidRecords: number;
  rejectedRows: number;
  failedParts: number;
}

export const reportFileId = (job: Job): string => derivedId('file', `${job.id}:report:${attemptOf(job)}`);
const reportKey = (fileId: string) => `reports/${fileId}.csv`;
/** The job's attempt: 1, then one more for each retry of its failed parts. */
const attemptOf = (job: Job): number => (job as { attempt?: number }).attempt ?? 1;

/**
 * Writes and registers the job's report from its parts' fragments and its failed parts;
 * `undefined` when there is nothing to report. Throws an UnprocessableError when the report's
 * counts differ from the job's (a fragment lost or written twice would show here).
 */
export async function writeReport(
  services: Services,
  request: ReportRequest,
): Promise<ReportSummary | undefined> {
  const { job, failed, expected } = request;
  const failedParts = new Set(failed.map((f) => f.part));
  // A part that failed for good may have left a fragment before it failed: its rows are not the job's.
  const fragments = (await services.blobs.list(fragmentsPrefix(job.id))).filter(
    (key) => !failedParts.has(partOfKey(key)),
  );
  if (fragments.length === 0 && failed.length === 0) {
    checkCounts({ invalidRecords: 0, rejectedRows: 0 }, expected);
    return undefined;
  }
  const fileId = reportFileId(job);
  const key = reportKey(fileId);
  const counts = { rows: 0, invalidRecords: 0, rejectedRows: 0 };
  let size = 0;
  async function* rows(): AsyncGenerator<string[][]> {
    let lastInvalid: string | undefined;
    for (const fragment of fragments) {
      const part = partOfKey(fragment);
      const shift = request.firstLines ? (request.firstLines[part] ?? 1) - 1 : 0;
      for await (const batch of fragmentRows(await services.blobs.read(fragment))) {
        const out: string[][] = [];
        for (const [kind, line, recordId, field, value, message] of batch) {
          if (kind === 'rejected') counts.rejectedRows++;
          else if (recordId !== lastInvalid) {
            // A record's rows are written together: a new id is a new invalid record.
            counts.invalidRecords++;
            lastInvalid = recordId;
          }
          const at = line === null ? '' : String(line + shift);
          out.push([kind, at, recordId, field, value, message, String(part)]);
        }
        counts.rows += out.length;
        yield out;
      }
    }
    const out = failed.map((f) => ['failed-part', '', '', '', f.value, f.message, String(f.part)]);
    counts.rows += out.length;
    if (out.length > 0) yield out;
  }
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of writeCsv({ header: [...REPORT_COLUMNS], rows: rows() })) {
      size += chunk.length;
      yield chunk;
    }
  }
  await services.blobs.write(key, Readable.from(counted(), { objectMode: false }), 'text/csv');
  try {
    checkCounts(counts, expected);
  } catch (error) {
    await services.blobs.remove([key]);
    throw error;
  }
  const now = services.now().toISOString();
  const file: DataFile = {
    id: fileId,
    environmentId: job.environmentId,
    name: request.name,
    mediaType: 'text/csv',
    status: 'available',
    size,
    key,
    createdAt: now,
    updatedAt: now,
  };
  await services.resources.putFile(file);
  await removeEarlierReports(services, job);
  return { fileId, ...counts, failedParts: failed.length };
}

function checkCounts(
  found: { invalidRecords: number; rejectedRows: number },
  expected: ReportRequest['expected'],
): void {
  if (found.invalidRecords === expected.invalidRecords && found.rejectedRows === expected.rejectedRows)
    return;
  throw new UnprocessableError(
    `The rejected-rows report does not match the job's counts: it lists ${found.invalidRecords} invalid records and ${found.rejectedRows} rejected rows, the job counted ${expected.invalidRecords} and ${expected.rejectedRows}.`,
  );
}

/** The reports of the job's earlier attempts: the new one lists all they listed that still holds. */
async function removeEarlierReports(services: Services, job: Job): Promise<void> {
  for (let attempt = attemptOf(job) - 1; attempt >= 1; attempt--) {
    const fileId = reportFileId({ ...job, attempt } as Job);
    const file = await services.resources.getFile(fileId);
    if (!file) continue;
    await services.blobs.remove([file.key]);
    await services.resources.deleteFile(fileId);
  }
}

/** The rows of a fragment object, in batches as its bytes arrive. */
async function* fragmentRows(stream: Readable): AsyncGenerator<FragmentRow[]> {
  let pending = '';
  const decoder = new TextDecoder();
  const parse = (lines: string[]) =>
    lines.filter((line) => line.length > 0).map((line) => JSON.parse(line) as FragmentRow);
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const end = pending.lastIndexOf('\n');
    if (end < 0) continue;
    const lines = pending.slice(0, end).split('\n');
    pending = pending.slice(end + 1);
    yield parse(lines);
  }
  pending += decoder.decode();
  if (pending.trim().length > 0) yield parse([pending]);
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What the job's outcome gets: the report's counts, and `next`, the link to download it (as Flatfile's outcomes link a file). */
export function reportOutcome(report: ReportSummary | undefined): Record<string, unknown> {
  if (!report) return {};
  const rowCount = report.rows - report.failedParts;
  const label =
    rowCount > 0
      ? `Download the ${plural(rowCount, 'rejected and invalid row')}${report.failedParts > 0 ? ` (and ${plural(report.failedParts, 'failed part')})` : ''}`
      : `Download the list of the ${plural(report.failedParts, 'failed part')}`;
  return { next: { type: 'download', fileId: report.fileId, label }, report };
}
