/** What an extract's finalize tells the rejected-rows report (report.ts): where each part's lines start, and what its failed parts read. */
import { NotFoundError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { PartBytes } from '../formats/part-bytes.js';
import type { Services } from '../services.js';
import type { Ledger, PartTally } from './extract-ledger.js';
import type { ExtractState } from './extract-state.js';
import { readPinned } from './file-bytes.js';
import type { Settled } from './operation.js';
import { loadPlan } from './plans.js';
import type { FailedPart, ReportRequest } from './report.js';

export interface ExtractReportInput {
  job: Job;
  state: ExtractState;
  /** Per part, in part order, what it reported (a failed part: nothing). */
  tallies: PartTally[];
  ledger: Ledger;
  settled: Settled;
}

/** The report request of an extract's finalize: run it before the plan is removed (a failed part's byte range is in it). */
export async function extractReportRequest(
  services: Services,
  input: ExtractReportInput,
): Promise<ReportRequest> {
  const { job, state, tallies, ledger, settled } = input;
  const { layout, targets, file } = state;
  const ranged = layout.headerEnd !== undefined;
  const boundaries =
    ranged && settled.failed.length > 0
      ? await loadPlan<{ boundaries?: number[] }>(services, state.planKey).then(
          (plan) => plan.boundaries,
          (error) => {
            // A finalize run again after it removed the plan: the ranges go unnamed.
            if (error instanceof NotFoundError) return undefined;
            throw error;
          },
        )
      : undefined;
  const rangeOf = (part: number) => {
    const start = boundaries?.[part];
    const end = boundaries?.[part + 1];
    return start === undefined || end === undefined ? undefined : { start, endExclusive: end };
  };
  const failed: FailedPart[] = settled.failed.map(({ part, error }) => {
    const range = rangeOf(part);
    const value = ranged
      ? range
        ? `bytes ${range.start}–${range.endExclusive - 1}`
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
  const failedParts = new Set(settled.failed.map((f) => f.part));
  const firstLines: number[] = [];
  let lineBreaks = layout.headerLineBreaks;
  for (const [part, tally] of tallies.entries()) {
    firstLines.push(lineBreaks + 1);
    const range = rangeOf(part);
    // A failed part reported no count: its bytes are counted here, so the lines after it hold.
    lineBreaks +=
      failedParts.has(part) && range
        ? await countLineBreaks(services, state, range)
        : (tally.lineBreaks ?? 0);
  }
  return { ...request, firstLines };
}

async function countLineBreaks(
  services: Services,
  { file, layout }: ExtractState,
  range: { start: number; endExclusive: number },
): Promise<number> {
  const content = { key: file.key, ...(layout.etag !== undefined ? { etag: layout.etag } : {}) };
  const seen = new PartBytes(layout.format === 'csv' || layout.format === 'tsv' ? 'csv' : 'lf');
  for await (const chunk of await readPinned(services, content, range)) seen.observe(chunk as Uint8Array);
  seen.end();
  return seen.lineBreaks;
}
