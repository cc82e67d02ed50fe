/** A stored file's bytes as the extract reads them: its head, a whole small range, random access for zips. */
import type { Readable } from 'node:stream';
import type { RandomAccessSource } from '../formats/xlsx/source.js';
import type { Services } from '../services.js';

/** How much of a file's start format and encoding detection look at. */
export const HEAD_BYTES = 64 * 1024;

/**
 * A file's content as an extract planned on it: its object, and the ETag the object had
 * then. Every read names that ETag (If-Match), so a file rewritten after planning fails the
 * read with a ContentChangedError instead of handing out bytes of another content. Plans
 * made before ETags were recorded have none, and read whatever is there.
 */
export interface PinnedContent {
  key: string;
  etag?: string;
}

/** Bytes [start, endExclusive) of the pinned content (all of it without a range). */
export function readPinned(
  services: Services,
  content: PinnedContent,
  range?: { start: number; endExclusive: number },
): Promise<Readable> {
  return services.blobs.read(content.key, range, content.etag ? { ifMatch: content.etag } : {});
}

/** The chunks of a stream, as Buffers. */
export async function bytesOf(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

/** The first `length` bytes of content of `size` bytes (fewer when it is shorter). */
export async function fileHead(
  services: Services,
  content: PinnedContent,
  size: number,
  length = HEAD_BYTES,
): Promise<Buffer> {
  const end = Math.min(size, length);
  if (end === 0) return Buffer.alloc(0);
  return Buffer.concat(await bytesOf(await readPinned(services, content, { start: 0, endExclusive: end })));
}

/** Content read by ranges (one S3 ranged GET each): a zip's directory, then any entry. */
export function blobSource(services: Services, content: PinnedContent, size: number): RandomAccessSource {
  return {
    size,
    read: (start, endExclusive) => readPinned(services, content, { start, endExclusive }),
  };
}
