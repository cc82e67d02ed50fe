/**
 * The rejected-rows report: one CSV file, registered in the job's environment, that lists
 * every invalid field of every invalid record, every rejected row and every part that failed
 * (docs/report.md says what a user reads in it).
 *
 * Built in parts. Each part taps the rows it writes to its segment (`ReportFragment.tap`) and
 * the rows its reader rejects, and streams what it finds to a fragment object beside the
 * job's plan, `<root>plans/<jobId>/reports/<part>.ndjson` (shared/domain/object-keys.ts), with lines counted within the part. A
 * retried part overwrites its fragment; a part that finds nothing removes one it may have
 * written before. Finalize streams the fragments in part order into the report object, each
 * line shifted to the file's, adds one row per failed part, checks the counts against the
 * job's own (the row ledger), and registers the file. Finalize leaves the fragments: the
 * engine removes the job's plans once the job is done with it, and a retried job finalizes
 * again from every part's fragment.
 *
 * The file's id derives from the job's id and attempt, so a finalize that runs twice writes
 * the same file, and one after a retry a new file (the earlier attempt's report is removed
 * once the new one is registered).
 */
import { Readable } from 'node:stream';
import { UnprocessableError } from '../domain/errors.js';
import { derivedId } from '../domain/ids.js';
import { attemptOf, type Job } from '../domain/job.js';
import { objectKeysOf } from '../domain/object-keys.js';
import { writeCsv } from '../formats/csv/write.js';
import type { Services } from '../services.js';
import { objectsByPart } from './plans.js';
import { fragmentRows } from './report-fragment.js';
import { registerJobFile } from './resources.js';

export const REPORT_COLUMNS = ['kind', 'line', 'recordId', 'field', 'value', 'message', 'part'] as const;

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
  firstLines?: readonly (number | undefined)[];
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
  const fragments = [...(await objectsByPart(services, job, 'reportFragments'))].filter(
    ([part]) => !failedParts.has(part),
  );
  if (fragments.length === 0 && failed.length === 0) {
    checkCounts({ invalidRecords: 0, rejectedRows: 0 }, expected);
    return undefined;
  }
  const fileId = reportFileId(job);
  const key = objectKeysOf(job.environmentId).report(fileId);
  const counts = { rows: 0, invalidRecords: 0, rejectedRows: 0 };
  let size = 0;
  async function* rows(): AsyncGenerator<string[][]> {
    let lastInvalid: string | undefined;
    for (const [part, fragment] of fragments) {
      // A part after a failed one whose lines could not be counted keeps its own lines (`part` says which).
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
  await registerJobFile(services, job, { id: fileId, name: request.name, mediaType: 'text/csv', size, key });
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
const removeEarlierReports = (services: Services, job: Job) =>
  removeReports(services, job, attemptOf(job) - 1);

/**
 * Removes the report files of the job's attempts up to `upTo` (all of them by default): a job
 * that ends FAILED or CANCELED after a finalize registered one (a cancel that raced it, or a
 * retry that failed) keeps none.
 */
export async function removeReports(services: Services, job: Job, upTo = attemptOf(job)): Promise<void> {
  for (let attempt = upTo; attempt >= 1; attempt--) {
    const fileId = reportFileId({ ...job, attempt });
    const file = await services.resources.getFile(fileId);
    if (!file) continue;
    await services.blobs.remove([file.key]);
    await services.resources.deleteFile(fileId);
  }
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
