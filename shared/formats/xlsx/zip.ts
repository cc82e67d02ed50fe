/**
 * The zip under a workbook, read by random access through yauzl: the central directory names
 * every entry with its offset, so any entry opens directly, whatever order the writer put
 * them in (a streaming reader has to take them in file order and loses sheets it meets
 * before it can place them). yauzl handles Zip64 and stored or deflated entries, and checks
 * each entry's size.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { PartwiseError, UnprocessableError } from '../../domain/errors.js';
import { SourceReader } from './range-reader.js';
import type { RandomAccessSource } from './source.js';

/** An entry this small is fetched with its local header in one read; a larger one streams its data with a read of its own. */
const SMALL_ENTRY_BYTES = 256 * 1024;
/** Room for a local header's extra field, which may be longer than the central directory's copy. */
const HEADER_SLACK = 256;
/** Fixed part of a local file header (APPNOTE 4.3.7). */
const LOCAL_HEADER_BYTES = 30;

interface Located {
  entry: yauzl.Entry;
  /** Where the next entry's local header starts (or the file ends): reads for this entry stop there. */
  limit: number;
}

export class ZipArchive {
  /** Entries by name, lower-cased: OPC part names compare case-insensitively (ECMA-376 Part 2, 6.2.2.3). */
  private readonly entries: Map<string, Located>;
  private readonly streams = new Set<Readable>();

  private constructor(
    private readonly reader: SourceReader,
    private readonly zip: yauzl.ZipFile,
    entries: yauzl.Entry[],
    size: number,
  ) {
    const starts = [...new Set(entries.map((e) => e.relativeOffsetOfLocalHeader))].sort((a, b) => a - b);
    const nextStart = new Map(starts.map((start, i) => [start, starts[i + 1] ?? size]));
    this.entries = new Map(
      entries.map((entry) => [
        entry.fileName.toLowerCase(),
        { entry, limit: nextStart.get(entry.relativeOffsetOfLocalHeader) ?? size },
      ]),
    );
  }

  /** Reads the central directory. Not a zip (or a cut one): `UnprocessableError`. */
  static async open(source: RandomAccessSource): Promise<ZipArchive> {
    const reader = new SourceReader(source);
    let zip: yauzl.ZipFile | undefined;
    try {
      // autoClose off: the archive stays open for entries read later, until `close()`.
      zip = await yauzl.fromRandomAccessReaderPromise(reader, source.size, { autoClose: false });
      const entries: yauzl.Entry[] = [];
      for await (const entry of zip.eachEntry()) if (!entry.fileName.endsWith('/')) entries.push(entry);
      return new ZipArchive(reader, zip, entries, source.size);
    } catch (error) {
      zip?.close();
      await reader.closeStreams();
      throw readError(error, reader);
    }
  }

  has(path: string): boolean {
    return this.entries.has(path.toLowerCase());
  }

  /** The entry's uncompressed bytes. Destroy the stream when done early; `close()` destroys any left open. */
  async openEntry(path: string): Promise<Readable> {
    const located = this.entries.get(path.toLowerCase());
    if (!located) throw new UnprocessableError(`The XLSX file has no part ${path}.`);
    const { entry, limit } = located;
    const start = entry.relativeOffsetOfLocalHeader;
    const header = LOCAL_HEADER_BYTES + entry.fileNameLength + entry.extraFieldLength + HEADER_SLACK;
    const whole = header + entry.compressedSize;
    try {
      await this.reader.prefetch(
        start,
        Math.min(limit, start + (whole <= SMALL_ENTRY_BYTES ? whole : header)),
      );
      const stream = await this.zip.openReadStreamPromise(entry);
      this.streams.add(stream);
      stream.once('close', () => this.streams.delete(stream));
      return stream;
    } catch (error) {
      throw this.readError(error);
    }
  }

  /** An error met while reading this archive, as the caller should see it (see `readError`). */
  readError(error: unknown): unknown {
    return readError(error, this.reader);
  }

  /** Destroys every entry stream still open, lets the archive go, and resolves once the source has no read open. */
  async close(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    this.zip.close();
    await this.reader.closeStreams();
  }
}

/**
 * The source's own error as it was (a dropped S3 connection is not the file's fault, and
 * whatever yauzl or zlib made of the cut stream is beside the point); our own errors as they
 * are; anything else comes from unzipping or parsing, so the file cannot be read.
 */
function readError(error: unknown, reader: SourceReader): unknown {
  if (reader.failure) return reader.failure.error;
  if (error instanceof PartwiseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('End of central directory record signature not found'))
    return new UnprocessableError(
      'The file is not an XLSX workbook: it is not a ZIP archive, or it is cut short.',
      { cause: error },
    );
  return new UnprocessableError(`The XLSX file cannot be read: ${message}`, { cause: error });
}
