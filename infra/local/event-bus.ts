/**
 * The local EventBridge: a PutEvents endpoint speaking the AWS JSON 1.1 protocol, so the
 * real EventBridge adapter publishes to it unchanged, and a bus that appends every event
 * to `events.jsonl` and hands it to in-process subscribers (the SSE stream, webhooks).
 * It keeps EventBridge's limits (10 entries, less than 256 KB a call as EventBridge sizes
 * entries), so an oversized event fails here as it would in AWS.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { appendFile, open, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  entrySize,
  PUT_EVENTS_MAX_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
  withinLimits,
} from '../../shared/adapters/eventbridge/put-events-limits.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda.js';

/** An event as EventBridge delivers it to a rule's target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export class LocalEventBus extends EventEmitter<{ event: [BusEvent] }> {
  /** The appends in order; the first one ends a torn last line that a killed run left. */
  private appending: Promise<void>;

  constructor(readonly logPath: string) {
    super();
    this.setMaxListeners(0); // one listener per open SSE stream
    this.appending = endTornLine(logPath).catch(() => {});
  }

  /** Appends the events to the log (in order, one line each), then notifies subscribers. */
  publish(events: BusEvent[]): Promise<void> {
    const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    const appended = this.appending.then(() => appendFile(this.logPath, lines));
    this.appending = appended.catch(() => {});
    return appended.then(() => {
      for (const event of events) this.emit('event', event);
    });
  }

  /** Every logged event, oldest first; a torn last line (a kill mid-append) is skipped. */
  async history(): Promise<BusEvent[]> {
    let text: string;
    try {
      text = await readFile(this.logPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const events: BusEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as BusEvent);
      } catch {
        // not a whole line: skipped
      }
    }
    return events;
  }
}

/**
 * A log whose last line has no newline (the process was killed mid-append) gets one, so the
 * next event starts a line of its own instead of being glued to the torn one and lost with it.
 */
async function endTornLine(logPath: string): Promise<void> {
  const file = await open(logPath, 'r').catch(() => undefined);
  if (!file) return;
  try {
    const { size } = await file.stat();
    if (size === 0) return;
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
    if (buffer[0] !== 0x0a) await appendFile(logPath, '\n');
  } finally {
    await file.close();
  }
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string;
}

/** How PutEvents answers for one entry it did not take. */
export interface EntryFailure {
  ErrorCode: string;
  ErrorMessage: string;
}

type EntryResult = { EventId: string } | EntryFailure;

/**
 * An entry rule EventBridge applies that the emulator has no other way to know of (a bus
 * policy, a redaction failure): fault injection for tests. Returns the failure, or
 * undefined to take the entry.
 */
export type EntryRule = (entry: PutEventsEntry) => EntryFailure | undefined;

function toBusEvent(entry: PutEventsEntry, rule: EntryRule | undefined): BusEvent | EntryResult {
  if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required.' };
  }
  const broken = rule?.(entry);
  if (broken) return broken;
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  // The JSON protocol sends a timestamp as epoch seconds.
  const time = entry.Time === undefined ? new Date() : new Date(Number(entry.Time) * 1000);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: LOCAL_ACCOUNT,
    time: (Number.isNaN(time.getTime()) ? new Date() : time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: entry.Resources ?? [],
    detail: detail as Record<string, unknown>,
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}

async function handlePutEvents(
  bus: LocalEventBus,
  rule: EntryRule | undefined,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
    return reply(res, 400, { __type: 'UnknownOperationException', message: `Unsupported: ${target}` });
  }
  let entries: PutEventsEntry[];
  try {
    entries =
      (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsEntry[] }).Entries ?? [];
  } catch {
    return reply(res, 400, { __type: 'SerializationException', message: 'Malformed JSON body' });
  }
  if (entries.length < 1 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
    return reply(res, 400, { __type: 'ValidationException', message: 'Entries must hold 1 to 10 items' });
  }
  // As EventBridge: an oversized call fails whole, the good entries in it too.
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (!withinLimits(entries.length, total)) {
    return reply(res, 400, {
      __type: 'ValidationException',
      message: `Total size of the entries in the request is over the limit (${total} bytes; less than ${PUT_EVENTS_MAX_BYTES} allowed).`,
    });
  }
  const results = entries.map((entry) => toBusEvent(entry, rule));
  const accepted = results.filter((result): result is BusEvent => 'version' in result);
  await bus.publish(accepted);
  reply(res, 200, {
    FailedEntryCount: results.length - accepted.length,
    Entries: results.map((result) => ('version' in result ? { EventId: result.id } : result)),
  });
}

export interface EventBridgeEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

export interface EventBridgeEmulatorOptions {
  /** @default 0: a free port */
  port?: number;
  /** Entries to fail as EventBridge would for reasons the emulator cannot see (tests). */
  rule?: EntryRule;
}

export async function startEventBridgeEmulator(
  bus: LocalEventBus,
  options: EventBridgeEmulatorOptions = {},
): Promise<EventBridgeEmulator> {
  const { port = 0, rule } = options;
  const server: Server = createServer((req, res) => {
    handlePutEvents(bus, rule, req, res).catch((error: unknown) => {
      reply(res, 500, { __type: 'InternalException', message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
