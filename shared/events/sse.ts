/**
 * A minimal Server-Sent Events parser, after the WHATWG event-stream interpretation rules:
 * lines end in LF, CRLF or CR; `:` starts a comment; `data:` lines join with LF; `id:`
 * sets the last event id (kept for later messages, ignored when it holds NUL); `retry:`
 * sets the reconnection delay; a blank line dispatches, unless no data arrived.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

export interface SseMessage {
  /** The last event id seen on the stream when this message was dispatched ('' if none). */
  id: string;
  /** The `event:` field, `message` when absent. */
  event: string;
  data: string;
}

export class SseParser {
  /** What `Last-Event-ID` should carry when reconnecting. */
  lastEventId = '';
  /** The server's `retry:` advice in ms, once it gave one. */
  retryMs: number | undefined;

  private pending = '';
  private started = false;
  private afterCr = false;
  private data: string[] = [];
  private event = '';
  private idBuffer: string;

  /** @param lastEventId the id to resume from: it persists across reconnections, as in EventSource. */
  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  /** Feeds decoded text; returns the messages completed by it, in order. */
  push(text: string): SseMessage[] {
    let input = this.pending + text;
    if (input === '') return [];
    if (!this.started) {
      this.started = true;
      if (input.startsWith('\uFEFF')) input = input.slice(1);
    }
    // The previous chunk ended in CR: an LF starting this one completes that CRLF.
    if (this.afterCr && input.startsWith('\n')) input = input.slice(1);
    this.afterCr = false;
    const messages: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < input.length; i++) {
      const char = input[i];
      if (char !== '\n' && char !== '\r') continue;
      const message = this.line(input.slice(start, i));
      if (message) messages.push(message);
      if (char === '\r' && i === input.length - 1) this.afterCr = true;
      else if (char === '\r' && input[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.pending = input.slice(start);
    return messages;
  }

  /**
   * The connection ended: a message without its blank line is discarded, as the spec
   * says. The last event id is kept for the next connection, which may start with a BOM.
   */
  end(): void {
    this.pending = '';
    this.started = false;
    this.afterCr = false;
    this.data = [];
    this.event = '';
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
      // unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    this.lastEventId = this.idBuffer;
    const { data, event } = this;
    this.data = [];
    this.event = '';
    if (data.length === 0) return undefined;
    return { id: this.lastEventId, event: event || 'message', data: data.join('\n') };
  }
}
