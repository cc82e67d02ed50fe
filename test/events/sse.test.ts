import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../shared/events/sse.js';

const parseAll = (text: string, parser = new SseParser()) => parser.push(text);

describe('SseParser', () => {
  it('reads id, event and data, and skips comments', () => {
    const messages = parseAll(
      ': connected\n\nid: evt_1\nevent: job:started\ndata: {"a":1}\n\n: keepalive\n\n',
    );
    expect(messages).toEqual([{ id: 'evt_1', event: 'job:started', data: '{"a":1}' }]);
  });

  it('joins data lines with LF and removes only one space after the colon', () => {
    expect(parseAll('data: one\ndata:  two\ndata:three\n\n')).toEqual([
      { id: '', event: 'message', data: 'one\n two\nthree' },
    ]);
  });

  it('ends lines at LF, CRLF or CR alike', () => {
    const expected = [{ id: 'a', event: 'x', data: 'd' }];
    expect(parseAll('id: a\nevent: x\ndata: d\n\n')).toEqual(expected);
    expect(parseAll('id: a\r\nevent: x\r\ndata: d\r\n\r\n')).toEqual(expected);
    expect(parseAll('id: a\revent: x\rdata: d\r\r')).toEqual(expected);
  });

  it('keeps a CRLF split across two chunks as one line break', () => {
    const parser = new SseParser();
    expect(parser.push('data: d\r')).toEqual([]);
    // Were this LF a line of its own, it would be the blank line that dispatches.
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\r\n')).toEqual([{ id: '', event: 'message', data: 'd' }]);
  });

  it('keeps the last id for later messages, and ignores an id holding NUL', () => {
    const parser = new SseParser();
    const messages = parser.push('id: 7\ndata: a\n\ndata: b\n\nid: bad\0id\ndata: c\n\n');
    expect(messages.map((m) => m.id)).toEqual(['7', '7', '7']);
    expect(parser.lastEventId).toBe('7');
  });

  it('dispatches nothing for a block without data, but still takes its id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 42\nevent: ping\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('42');
  });

  it('takes retry only as digits, and a field without a colon as an empty value', () => {
    const parser = new SseParser();
    parser.push('retry: soon\n\nretry: 2500\n\ndata\n\n');
    expect(parser.retryMs).toBe(2500);
    expect(parser.push('data\ndata\n\n')).toEqual([{ id: '', event: 'message', data: '\n' }]);
  });

  it('drops a leading BOM and, at the end of a connection, a message without its blank line', () => {
    const parser = new SseParser('evt_0');
    expect(parser.push('\uFEFFdata: x\n\ndata: torn')).toEqual([
      { id: 'evt_0', event: 'message', data: 'x' },
    ]);
    parser.end();
    expect(parser.push('\uFEFFdata: next\n\n')).toEqual([{ id: 'evt_0', event: 'message', data: 'next' }]);
  });

  it('yields the same messages however the stream is cut into chunks', () => {
    const line = fc.oneof(
      fc.constantFrom('', ': comment', 'event: job:updated', 'id: evt_1', 'id: evt_2', 'retry: 10'),
      fc.string({ unit: fc.constantFrom('a', ' ', ':', '{', '"', 'é', '🎉') }).map((s) => `data: ${s}`),
    );
    const stream = fc
      .tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([lines, eol]) => lines.map((l) => l + eol).join(''));
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
        const whole = new SseParser().push(text);
        const parser = new SseParser();
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces: string[] = [];
        let from = 0;
        for (const point of [...points, text.length]) {
          pieces.push(text.slice(from, point));
          from = point;
        }
        expect(pieces.flatMap((piece) => parser.push(piece))).toEqual(whole);
      }),
    );
  });
});
