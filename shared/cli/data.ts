/**
 * The CLI's reads: a sheet's records (NDJSON or CSV, to stdout), an export's file (to disk
 * or stdout), and `events tail` (live).
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notAStream, openStream, parsed } from '../client/follow.js';
import { dataOf, PartwiseApiError, type SheetRecord } from '../client/index.js';
import type { JobEvent } from '../domain/events.js';
import { endsJob } from '../domain/status.js';
import { pollEvents } from '../events/feed.js';
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
  const sheet = dataOf(
    await ctx.client.api.GET('/sheets/{id}', { params: { path: { id: sheetId } } }),
    `GET /sheets/${sheetId}`,
  );
  const keys = sheet.fields.map((field) => field.key);
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
 * Prints events as they are published until interrupted or, with `jobId`, until the job
 * ends (its events so far first): the local stack's stream, else the events feed (a job's
 * events from its first, otherwise those published from now on).
 */
export async function tailEvents(
  ctx: Context & { url: string; apiKey: string },
  signal: AbortSignal | undefined,
  filter: { jobId?: string; topic?: string },
): Promise<number> {
  const print = async (event: JobEvent) => {
    if (filter.topic && event.topic !== filter.topic) return;
    if (ctx.output.mode === 'json') await ctx.output.write(`${JSON.stringify(event)}\n`);
    else
      ctx.output.say(
        `${event.createdAt} ${event.topic.padEnd(14)} ${event.jobId} ${event.operation} ${event.status} ${event.processed}/${event.parts}`,
      );
  };
  const stop = new AbortController();
  signal?.addEventListener('abort', () => stop.abort());
  try {
    const stream = await openStream(ctx, stop.signal).catch(notAStream);
    if (stream) {
      // Open first, then the job's history: nothing falls between the two.
      const seen = new Set<string>();
      if (filter.jobId) {
        for (const event of await jobEvents(ctx, filter.jobId)) {
          seen.add(event.id);
          await print(event);
          if (endsJob(event)) return EXIT.ok;
        }
      }
      for await (const message of stream) {
        const event = parsed(message);
        if (!event || seen.has(event.id) || (filter.jobId && event.jobId !== filter.jobId)) continue;
        await print(event);
        if (filter.jobId && endsJob(event)) return EXIT.ok;
      }
      return EXIT.ok;
    }
    const since = Date.now();
    for await (const event of pollEvents({
      url: ctx.url,
      apiKey: ctx.apiKey,
      signal: stop.signal,
      ...(filter.jobId ? { jobId: filter.jobId } : {}),
      ...(filter.topic ? { topic: filter.topic } : {}),
    })) {
      if (!filter.jobId && Date.parse(event.createdAt) < since) continue;
      await print(event);
      if (filter.jobId && endsJob(event)) return EXIT.ok;
    }
    return EXIT.ok;
  } finally {
    stop.abort();
  }
}

async function jobEvents(ctx: Context, jobId: string): Promise<JobEvent[]> {
  return dataOf(
    await ctx.client.api.GET('/jobs/{id}/events', { params: { path: { id: jobId } } }),
    `GET /jobs/${jobId}/events`,
  );
}
