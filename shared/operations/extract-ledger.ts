/**
 * An extract's row ledger: the proof that no row went missing without a word.
 *
 * Each part counts what it read and what became of it — rows read, records stored (and how
 * many of them invalid), rows rejected — and, for the byte-range formats, the bytes it read
 * and the line breaks among them. The rejections (a malformed NDJSON line, a JSON element
 * that is no object) and warnings (bytes the encoding cannot decode) go, with the part's own
 * line numbers, to a small object beside the job's plan. Finalize then checks:
 * - the parts' byte ranges tile the file exactly, from the header's end to the last byte,
 *   and each part read its whole range (else the job fails and names the gap);
 * - the records the parts stored are the records the sheet's segments hold, and
 *   `read = stored + rejected` for every part;
 * and writes the ledger into the job's outcome, with each rejection's line in the file
 * (a part's line 1 is the line after every line break of the header and the parts before it).
 */
import { UnprocessableError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { LEGACY_OBJECT_KEYS, objectKeysOf } from '../domain/object-keys.js';
import type { Services } from '../services.js';
import { type JobObjects, listJobObjects, objectsByPart, partName, readText } from './plans.js';

/**
 * A row or byte the ledger speaks of: its line in the file (or in the part, before finalize)
 * and what happened. After a part that failed, lines in the file are not known: a note then
 * names its `part` and `line` is the line within that part.
 */
export interface LedgerNote {
  line: number;
  reason: string;
  part?: number;
}

/** What one part read and what became of it (its `runPart` stats). */
export interface PartTally {
  /** Rows read: records stored + rows rejected. */
  read: number;
  rows: number;
  invalid: number;
  rejected: number;
  /** Warnings: bytes the encoding cannot decode (the rows are stored, with U+FFFD). */
  warned: number;
  /** Notes written beside the plan (the first rejections and warnings). */
  notes: number;
  /** Byte-range formats: the range read, the bytes counted, and the line breaks among them. */
  start?: number;
  end?: number;
  bytes?: number;
  lineBreaks?: number;
  /** The part failed for good and the job's tolerance let it complete without it: nothing was read. */
  failed?: boolean;
}

/** The tally of a part that failed: its planned range (byte-range formats), nothing read. */
export function failedTally(boundaries: readonly number[] | undefined, part: number): PartTally {
  const range = boundaries ? { start: boundaries[part] ?? 0, end: boundaries[part + 1] ?? 0, bytes: 0 } : {};
  return { read: 0, rows: 0, invalid: 0, rejected: 0, warned: 0, notes: 0, failed: true, ...range };
}

/**
 * The line in the file of each part's first line (a part's line 1), in part order: after the
 * header's line breaks and every line break of the parts before. Undefined from the first
 * failed part whose line breaks could not be counted on.
 */
export function partFirstLines(
  tallies: readonly PartTally[],
  headerLineBreaks: number,
): (number | undefined)[] {
  let lineBreaks: number | undefined = headerLineBreaks;
  return tallies.map((tally) => {
    const first = lineBreaks === undefined ? undefined : lineBreaks + 1;
    // A failed part's line breaks are counted at finalize when its range can still be read.
    const known = !tally.failed || tally.lineBreaks !== undefined;
    lineBreaks = !known || lineBreaks === undefined ? undefined : lineBreaks + (tally.lineBreaks ?? 0);
    return first;
  });
}

/** The most notes a part keeps, and the most the outcome shows, of each kind; the counts stay whole. */
export const MAX_NOTES = 100;

/** Beside the job's plans: they go with them, once the job is done (engine/retry-window.ts). */
const notesKey = (job: JobObjects, part: number) =>
  `${objectKeysOf(job.environmentId).ledgerNotes(job.id)}${partName(part)}.json`;

/** Collects one part's rejections and warnings (lines within the part). */
export class PartNotes {
  rejected = 0;
  warned = 0;
  readonly rejections: LedgerNote[] = [];
  readonly warnings: LedgerNote[] = [];

  reject(line: number, reason: string): void {
    this.rejected++;
    if (this.rejections.length < MAX_NOTES) this.rejections.push({ line, reason });
  }

  warn(line: number, reason: string): void {
    this.warned++;
    if (this.warnings.length < MAX_NOTES) this.warnings.push({ line, reason });
  }

  get count(): number {
    return this.rejections.length + this.warnings.length;
  }

  /** Stores the notes beside the plan (overwritten by a retried part); nothing when there are none. */
  async save(services: Services, job: JobObjects, part: number): Promise<void> {
    if (this.count === 0) return;
    const body = JSON.stringify({ rejections: this.rejections, warnings: this.warnings });
    await services.blobs.write(notesKey(job, part), body, 'application/json');
  }
}

/** A part's tally from the stats it reported (a stat it did not report: 0, or absent for the byte range). */
export function tallyOf(stats: Record<string, number>): PartTally {
  const { read = 0, rows = 0, invalid = 0, rejected = 0, warned = 0, notes = 0 } = stats;
  const tally: PartTally = { read, rows, invalid, rejected, warned, notes };
  for (const name of ['start', 'end', 'bytes', 'lineBreaks'] as const) {
    const value = stats[name];
    if (value !== undefined) tally[name] = value;
  }
  return tally;
}

/** The stats a part reports, in the job's part list. */
export function tallyStats(tally: PartTally): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const [name, value] of Object.entries(tally)) if (typeof value === 'number') stats[name] = value;
  return stats;
}

export interface Ledger {
  rowsRead: number;
  recordsStored: number;
  recordsInvalid: number;
  rowsRejected: number;
  /** The first rejections, in file order, with their lines in the file. */
  rejections: LedgerNote[];
  /** The first warnings (bytes the encoding cannot decode, stored as U+FFFD), with their lines. */
  warnings: LedgerNote[];
  warningCount: number;
  /** Byte-range formats: the bytes the parts read, which tile the file from its header's end. */
  bytesRead?: number;
  /** Parts that failed (the job's tolerance let it complete without them), and the bytes they held. */
  partsFailed?: number;
  bytesUnread?: number;
}

export interface LedgerCheck {
  job: Job;
  /** Per part, in part order, what it reported. */
  tallies: PartTally[];
  /** Records the destination sheets' segments of this extract hold. */
  recordsStored: number;
  recordsInvalid: number;
  /** Byte-range formats: where the data starts and the file's size. */
  bytes?: { headerEnd: number; size: number };
  /** Line breaks before the first data row. */
  headerLineBreaks: number;
}

/** Checks the parts' tallies against the file and the sheets, and composes the ledger; throws when it does not balance. */
export async function closeLedger(services: Services, check: LedgerCheck): Promise<Ledger> {
  const { tallies } = check;
  if (check.bytes) checkTiling(tallies, check.bytes);
  const sum = (pick: (tally: PartTally) => number) =>
    tallies.reduce((total, tally) => total + pick(tally), 0);
  const rowsRead = sum((t) => t.read);
  const rowsRejected = sum((t) => t.rejected);
  const partRows = sum((t) => t.rows);
  const unbalanced = tallies.findIndex((t) => !t.failed && t.read !== t.rows + t.rejected);
  if (unbalanced >= 0 || partRows !== check.recordsStored) {
    throw new UnprocessableError(
      `The extract's row ledger does not balance: the parts read ${rowsRead} rows, stored ${partRows} records and rejected ${rowsRejected}, and the sheets hold ${check.recordsStored} of its records${unbalanced >= 0 ? ` (part ${unbalanced})` : ''}.`,
    );
  }
  const rejections: LedgerNote[] = [];
  const warnings: LedgerNote[] = [];
  const firstLines = partFirstLines(tallies, check.headerLineBreaks);
  const saved = await objectsByPart(services, check.job, 'ledgerNotes');
  for (const [part, tally] of tallies.entries()) {
    const firstLine = firstLines[part];
    if (tally.notes === 0 || (rejections.length >= MAX_NOTES && warnings.length >= MAX_NOTES)) continue;
    const notes = JSON.parse(
      await readText(await services.blobs.read(saved.get(part) ?? notesKey(check.job, part))),
    ) as {
      rejections: LedgerNote[];
      warnings: LedgerNote[];
    };
    const inFile = (note: LedgerNote): LedgerNote =>
      firstLine === undefined
        ? { part, line: note.line, reason: note.reason }
        : { line: note.line + firstLine - 1, reason: note.reason };
    for (const note of notes.rejections) if (rejections.length < MAX_NOTES) rejections.push(inFile(note));
    for (const note of notes.warnings) if (warnings.length < MAX_NOTES) warnings.push(inFile(note));
  }
  const bytesRead = check.bytes ? sum((t) => t.bytes ?? 0) : undefined;
  const failed = tallies.filter((t) => t.failed);
  const unread = failed.reduce((total, t) => total + ((t.end ?? 0) - (t.start ?? 0)), 0);
  return {
    rowsRead,
    recordsStored: check.recordsStored,
    recordsInvalid: check.recordsInvalid,
    rowsRejected,
    rejections,
    warnings,
    warningCount: sum((t) => t.warned),
    ...(bytesRead === undefined ? {} : { bytesRead }),
    ...(failed.length > 0
      ? { partsFailed: failed.length, ...(check.bytes ? { bytesUnread: unread } : {}) }
      : {}),
  };
}

/** The parts' ranges must follow one another from the header's end to the file's end, each read whole. */
function checkTiling(tallies: PartTally[], file: { headerEnd: number; size: number }): void {
  let at = file.headerEnd;
  for (const [part, tally] of tallies.entries()) {
    const { start = at, end = at, bytes = 0 } = tally;
    // A failed part's range is its planned one: unread, but not a hole between the others.
    if (start > at)
      throw tilingError(`bytes ${at}–${start - 1} of the file were read by no part (before part ${part})`);
    if (start < at)
      throw tilingError(`bytes ${start}–${at - 1} of the file were read twice (part ${part} again)`);
    if (!tally.failed && bytes !== end - start)
      throw tilingError(
        `part ${part} read ${bytes} bytes of its ${end - start}-byte range ${start}–${end - 1}`,
      );
    at = end;
  }
  if (at !== file.size)
    throw tilingError(`bytes ${at}–${file.size - 1} at the end of the file were read by no part`);
}

function tilingError(what: string): UnprocessableError {
  return new UnprocessableError(`The extract's parts do not cover the file exactly: ${what}.`);
}

/** Removes the notes one part left (a late copy of a part of a completed job). */
export async function removePartNotes(services: Services, job: JobObjects, part: number): Promise<void> {
  const legacy = `${LEGACY_OBJECT_KEYS.ledgerNotes(job.id)}${partName(part)}.json`;
  await services.blobs.remove([notesKey(job, part), legacy]);
}

/** Removes the notes the parts left beside the plan. */
export async function removeNotes(services: Services, job: JobObjects): Promise<void> {
  await services.blobs.remove(await listJobObjects(services, job, 'ledgerNotes'));
}
