/**
 * yauzl's view of a `RandomAccessSource`. yauzl asks for many small reads (the end of the file
 * to find the central directory, 46 bytes and then a name per directory record, 30 bytes and a
 * name per local header) and one stream per entry's data. On S3 each would be a GET, so a
 * read fetches a window around it and later reads inside a fetched window cost nothing:
 * yauzl's first read is the last 64 KiB of the file, which holds the central directory of any
 * ordinary workbook (and the whole of a small one), and `prefetch` lets the zip layer fetch a
 * small entry, header and data, with one GET.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { RandomAccessSource } from './source.js';

/** A fetched range, kept in the chunks the source delivered: a stream served from it has the same chunk edges as one served by the source. */
interface Window {
  start: number;
  end: number;
  chunks: Buffer[];
}

/** A small read that misses fetches this much from its start: the directory records that follow, say. */
const READ_AHEAD = 64 * 1024;
/** Windows kept, oldest dropped first: enough for the file's end plus the entries being opened. */
const MAX_WINDOWS = 8;

export class SourceReader extends yauzl.RandomAccessReader {
  /**
   * The first error the source raised. yauzl may make something else of it (an early end of
   * an entry, a short read), so whoever catches an error while reading asks here first.
   */
  failure: { error: unknown } | undefined;
  private windows: Window[] = [];
  /** Streams of the source still open: an S3 body each. */
  private readonly streams = new Set<Readable>();

  constructor(private readonly source: RandomAccessSource) {
    super();
  }

  /** Fetches `[start, end)` in one read, unless it is already at hand. */
  async prefetch(start: number, end: number): Promise<void> {
    const until = Math.min(end, this.source.size);
    if (start < until && !this.windowHolding(start, until)) await this.fetchWindow(start, until);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    const end = position + length;
    // A damaged directory can point anywhere: past the end is the file's fault, not a read to try.
    if (position < 0 || end > this.source.size) {
      setImmediate(callback, new Error('unexpected end of file'));
      return;
    }
    const window = this.windowHolding(position, end);
    const fetched = window
      ? Promise.resolve(window)
      : this.fetchWindow(position, Math.min(this.source.size, Math.max(end, position + READ_AHEAD)));
    fetched.then(
      (at) => {
        let written = 0;
        for (const piece of slices(at, position, end)) {
          buffer.set(piece, offset + written);
          written += piece.length;
        }
        // yauzl checks the count only when one is passed; a short read is an error here.
        callback(written === length ? null : new Error('unexpected end of file'));
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const window = this.windowHolding(start, end);
    if (window) return Readable.from(slices(window, start, end), { objectMode: false });
    const stream = Readable.from(this.streamRange(start, end), { objectMode: false });
    this.streams.add(stream);
    stream.once('close', () => this.streams.delete(stream));
    return stream;
  }

  /** Destroys the source streams still open and waits until each has let its source go. */
  async closeStreams(): Promise<void> {
    const open = [...this.streams];
    for (const stream of open) stream.destroy();
    await Promise.all(open.map((stream) => (stream.closed ? undefined : once(stream, 'close'))));
  }

  private windowHolding(start: number, end: number): Window | undefined {
    return this.windows.find((window) => window.start <= start && end <= window.end);
  }

  private async fetchWindow(start: number, end: number): Promise<Window> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.streamRange(start, end)) chunks.push(chunk);
    const window = { start, end, chunks };
    this.windows.push(window);
    if (this.windows.length > MAX_WINDOWS) this.windows.shift();
    return window;
  }

  private async *streamRange(start: number, end: number): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of await this.source.read(start, end)) yield asBuffer(chunk);
    } catch (error) {
      this.failure ??= { error };
      throw error;
    }
  }
}

/** The parts of a window's chunks that fall in `[start, end)`, without copying. */
function* slices(window: Window, start: number, end: number): Generator<Buffer> {
  let at = window.start;
  for (const chunk of window.chunks) {
    const chunkEnd = at + chunk.length;
    if (chunkEnd > start && at < end)
      yield chunk.subarray(Math.max(0, start - at), Math.min(chunk.length, end - at));
    if (chunkEnd >= end) return;
    at = chunkEnd;
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
