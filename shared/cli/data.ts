/**
 * The CLI's reads: a sheet's records (NDJSON or CSV, to stdout), an export's file (to disk
 * or stdout), and `events tail` (live).
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PartwiseApiError, type SheetRecord } from '../client/index.js';
import { EventFeedError } from '../events/errors.js';
import { pollEvents, streamEvents } from '../events/feed.js';
import type { JobEvent } from '../events/index.js';
import { writeCsv } from '../formats/csv/write.js';
import type { Row } from '../formats/table.js';
import type { Context } from './jobs.js';
import { EXIT } from './output.js';

/** Writes a sheet's records to stdout: NDJSON (one record a line) or CSV (its fields as columns). */
export async function printRecords(
  ctx: Context,
  sheetId: string,
  options: { invalid: boolean; format: 'ndjson' | 'csv'; limit?: number },
): Promise<number> {
  const filter = options.invalid ? { valid: false } : {};
  const records = limited(ctx.client.records(sheetId, filter), options.limit);
  if (options.format === 'ndjson') {
    for await (const record of records) await ctx.output.write(`${JSON.stringify(record)}\n`);
    return EXIT.ok;
  }
  const sheet = await ctx.client.api.GET('/sheets/{id}', { params: { path: { id: sheetId } } });
  if (!sheet.data) throw new PartwiseApiError(sheet.response.status, sheet.error, `GET /sheets/${sheetId}`);
  const keys = sheet.data.data.fields.map((field) => field.key);
  // With --invalid, each row also says why: "field: message; …".
  const header = options.invalid ? [...keys, 'messages'] : keys;
  const rows = async function* (): AsyncGenerator<Row[]> {
    for await (const record of records) {
      const cells = keys.map((key) => cellText(record.values[key]));
      if (options.invalid) cells.push(messagesOf(record));
      yield [cells];
    }
  };
  for await (const chunk of writeCsv({ header, rows: rows() }, { lineEnding: '\n' }))
    await ctx.output.write(chunk);
  return EXIT.ok;
}

async function* limited<T>(items: AsyncIterable<T>, limit: number | undefined): AsyncGenerator<T> {
  if (limit === 0) return;
  let n = 0;
  for await (const item of items) {
    yield item;
    if (limit !== undefined && ++n >= limit) return;
  }
}

const cellText = (value: SheetRecord['values'][string] | undefined) =>
  value === null || value === undefined ? '' : String(value);

const messagesOf = (record: SheetRecord) =>
  Object.entries(record.messages ?? {})
    .map(([key, message]) => `${key}: ${message}`)
    .join('; ');

/** Downloads a file's content (`GET /files/:id/content`, a redirect to storage) to `to`, or stdout for `-`. */
export async function download(ctx: Context, fileId: string, to: string): Promise<void> {
  const answer = await ctx.client.api.GET('/files/{id}/content', {
    params: { path: { id: fileId } },
    parseAs: 'stream',
  });
  const body = answer.response.body;
  if (!answer.response.ok || !body) {
    throw new PartwiseApiError(answer.response.status, undefined, `GET /files/${fileId}/content`);
  }
  const source = Readable.fromWeb(body);
  if (to === '-') {
    for await (const chunk of source) await ctx.output.write(chunk);
    return;
  }
  await pipeline(source, createWriteStream(to));
}

/**
 * Prints events as they are published until interrupted (or, with `jobId`, until the job
 * ends): the local stack's stream, else the events feed from its newest event on.
 */
export async function tailEvents(
  ctx: Context & { url: string; apiKey: string },
  signal: AbortSignal | undefined,
  filter: { jobId?: string; topic?: string },
): Promise<number> {
  const print = async (event: JobEvent) => {
    if (filter.jobId && event.jobId !== filter.jobId) return;
    if (filter.topic && event.topic !== filter.topic) return;
    if (ctx.output.mode === 'json') await ctx.output.write(`${JSON.stringify(event)}\n`);
    else
      ctx.output.say(
        `${event.createdAt} ${event.topic.padEnd(14)} ${event.jobId} ${event.operation} ${event.status} ${event.processed}/${event.parts}`,
      );
  };
  const ended = (event: JobEvent) =>
    filter.jobId !== undefined &&
    event.jobId === filter.jobId &&
    (event.topic === 'job:deleted' ||
      (['COMPLETED', 'FAILED', 'CANCELED'].includes(event.status) && event.topic !== 'job:updated'));
  const since = Date.now();
  const feed = { url: ctx.url, apiKey: ctx.apiKey, ...(signal ? { signal } : {}) };
  try {
    for await (const message of streamEvents(feed)) {
      const event = JSON.parse(message.data) as JobEvent;
      await print(event);
      if (ended(event)) return EXIT.ok;
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof EventFeedError && error.status === 404)) throw error;
  }
  // A deployed API cannot stream: poll its feed; a job's events from its first, else only new ones.
  let caughtUp = filter.jobId !== undefined;
  for await (const event of pollEvents({
    ...feed,
    ...(filter.jobId ? { jobId: filter.jobId } : {}),
    ...(filter.topic ? { topic: filter.topic } : {}),
    limit: 100,
  })) {
    if (!caughtUp && Date.parse(event.createdAt) < since) continue;
    caughtUp = true;
    await print(event);
    if (ended(event)) return EXIT.ok;
  }
  return EXIT.ok;
}
