/**
 * An extract's finalize and its failed parts (those its tolerance let it complete without):
 * their tallies for the row ledger, their segments, and what the rejected-rows report
 * (report.ts) says of them and of where each part's lines start.
 */
import { isPermanent } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { segmentOrdinal } from '../domain/resources.js';
import type { Format } from '../formats/index.js';
import { PartBytes } from '../formats/part-bytes.js';
import type { Services } from '../services.js';
import { failedTally, type Ledger, type PartTally, partFirstLines } from './extract-ledger.js';
import type { ExtractState } from './extract-state.js';
import { readPinned } from './file-bytes.js';
import type { Settled } from './operation.js';
import type { FailedPart, ReportRequest } from './report.js';

export interface ExtractReportInput {
  job: Job;
  state: ExtractState;
  /** Per part, in part order, what it reported (a failed part: nothing). */
  tallies: PartTally[];
  ledger: Ledger;
  settled: Settled;
}

/**
 * The tally of a failed part: its planned byte range, unread, with the line breaks it holds
 * counted from the file so that lines after it stay the file's. A range that can no longer be
 * read as planned (the file changed: often why the part failed) leaves them unknown.
 */
export async function failedPartTally(
  services: Services,
  state: ExtractState,
  boundaries: readonly number[] | undefined,
  part: number,
): Promise<PartTally> {
  const tally = failedTally(boundaries, part);
  if (tally.start === undefined || tally.end === undefined) return tally;
  try {
    const lineBreaks = await countLineBreaks(services, state, {
      start: tally.start,
      endExclusive: tally.end,
    });
    return { ...tally, lineBreaks };
  } catch (error) {
    if (isPermanent(error)) return tally;
    throw error;
  }
}

/** Removes the segments the failed parts stored before they failed (each part writes one, at its own ordinal). */
export async function removeFailedSegments(
  services: Services,
  state: ExtractState,
  settled: Settled,
): Promise<void> {
  const ranged = state.layout.headerEnd !== undefined;
  for (const { part } of settled.failed) {
    const target = state.targets[ranged ? 0 : part];
    if (!target?.sheetId) continue;
    const segment = await services.resources.getSegment(target.sheetId, segmentOrdinal(target.run, part));
    if (!segment) continue;
    await services.resources.deleteSegments(target.sheetId, [segment.ordinal]);
    await services.blobs.remove([segment.key]);
  }
}

/** The report request of an extract's finalize; a failed part's tally holds its byte range. */
export function extractReportRequest(input: ExtractReportInput): ReportRequest {
  const { job, state, tallies, ledger, settled } = input;
  const { layout, targets, file } = state;
  const ranged = layout.headerEnd !== undefined;
  const failed: FailedPart[] = settled.failed.map(({ part, error }) => {
    const { start, end } = tallies[part] ?? {};
    const value = ranged
      ? start !== undefined && end !== undefined
        ? `bytes ${start}–${end - 1}`
        : `part ${part}`
      : `worksheet ${targets[part]?.name ?? part}`;
    return { part, value, message: error.message };
  });
  const request: ReportRequest = {
    job,
    name: `${file.name.replace(/\.[^.]+$/, '')}-rejected-rows.csv`,
    failed,
    expected: { invalidRecords: ledger.recordsInvalid, rejectedRows: ledger.rowsRejected },
  };
  // Worksheet parts write their rows' numbers as they are; byte-range parts count from their own line 1.
  if (layout.format === 'xlsx') return request;
  return { ...request, firstLines: partFirstLines(tallies, layout.headerLineBreaks) };
}

/** Line breaks in a byte range of the file as planned (a failed part's, or those before a part). */
export async function countLineBreaks(
  services: Services,
  { file, layout }: { file: { key: string }; layout: { format: Format; etag?: string } },
  range: { start: number; endExclusive: number },
): Promise<number> {
  const content = { key: file.key, ...(layout.etag !== undefined ? { etag: layout.etag } : {}) };
  const seen = new PartBytes(layout.format === 'csv' || layout.format === 'tsv' ? 'csv' : 'lf');
  for await (const chunk of await readPinned(services, content, range)) seen.observe(chunk as Uint8Array);
  seen.end();
  return seen.lineBreaks;
}
