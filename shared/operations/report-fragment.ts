/**
 * One part's fragment of the job's rejected-rows report (report.ts assembles them): the
 * invalid fields of the records the part writes and the rows its reader rejects, streamed
 * as they are found to `<root>plans/<jobId>/reports/<part>.ndjson`, with lines counted within the
 * part. A retried part overwrites its fragment; a part that finds nothing removes one an
 * earlier try may have written.
 *
 * A part's rows are the same on every try: its input is pinned (a file by the ETag the plan
 * read, a sheet's segments by the job's plan), and parsing and checking are deterministic. So
 * a part that finds nothing on the first delivery of its first attempt's message has no
 * earlier fragment to remove, and makes no request for it: only a redelivered message or a
 * job's retry (which may run after a deploy changed what is found) removes one.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { LEGACY_OBJECT_KEYS, objectKeysOf } from '../domain/object-keys.js';
import { type RecordRow, rowIsValid, type SheetValue } from '../domain/resources.js';
import { valueText } from '../domain/values.js';
import type { Services } from '../services.js';
import type { PartMessage } from './operation.js';
import { type JobObjects, partName } from './plans.js';

/**
 * One line of a fragment: `[kind, line, recordId, field, value, message]`. `line` is within
 * the part (an XLSX part: the worksheet's row number); `null` when unknown.
 */
export type FragmentRow = [
  kind: 'invalid' | 'rejected',
  line: number | null,
  recordId: string,
  field: string,
  value: string,
  message: string,
];

/** A rejected row's text is kept up to this many characters (a rejected line can be megabytes). */
export const MAX_REJECTED_TEXT = 1000;

export const reportFragmentKey = (job: JobObjects, part: number) =>
  `${objectKeysOf(job.environmentId).reportFragments(job.id)}${partName(part)}.ndjson`;

/** A part's fragment under both layouts (shared/domain/object-keys.ts), to remove it wherever it is. */
export const reportFragmentKeys = (job: JobObjects, part: number) => [
  reportFragmentKey(job, part),
  `${LEGACY_OBJECT_KEYS.reportFragments(job.id)}${partName(part)}.ndjson`,
];

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

  private readonly part: number;
  /** Whether an earlier try of this part may have left a fragment. */
  private readonly retried: boolean;

  constructor(
    private readonly services: Services,
    private readonly job: JobObjects,
    message: Pick<PartMessage, 'part' | 'attempt' | 'redelivered'>,
  ) {
    this.part = message.part;
    this.retried = message.redelivered === true || (message.attempt ?? 1) > 1;
  }

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
        reportFragmentKey(this.job, this.part),
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
      if (this.retried) await this.services.blobs.remove(reportFragmentKeys(this.job, this.part));
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
    await this.services.blobs.remove(reportFragmentKeys(this.job, this.part)).catch(() => {});
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

/** The rows of a fragment object, in batches as its bytes arrive. */
export async function* fragmentRows(stream: Readable): AsyncGenerator<FragmentRow[]> {
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
