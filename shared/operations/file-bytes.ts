/** A stored file's bytes as the extract reads them: its head, a whole small range, random access for zips. */
import type { Readable } from 'node:stream';
import type { RandomAccessSource } from '../formats/xlsx/source.js';
import type { Services } from '../services.js';

/** How much of a file's start format and encoding detection look at. */
export const HEAD_BYTES = 64 * 1024;

/** The chunks of a stream, as Buffers. */
export async function bytesOf(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

/** The first `length` bytes of an object of `size` bytes (fewer when it is shorter). */
export async function fileHead(
  services: Services,
  key: string,
  size: number,
  length = HEAD_BYTES,
): Promise<Buffer> {
  const end = Math.min(size, length);
  if (end === 0) return Buffer.alloc(0);
  return Buffer.concat(await bytesOf(await services.blobs.read(key, { start: 0, endExclusive: end })));
}

/** An object read by ranges (one S3 ranged GET each): a zip's directory, then any entry. */
export function blobSource(services: Services, key: string, size: number): RandomAccessSource {
  return {
    size,
    read: (start, endExclusive) => services.blobs.read(key, { start, endExclusive }),
  };
}
