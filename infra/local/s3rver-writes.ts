/**
 * s3rver 3.7 writes an object straight into its final file and answers the PUT before
 * the file is flushed. S3 never shows a partial object, and of two concurrent PUTs to one
 * key the last wins whole; with s3rver a GET right after a PUT can read a truncated
 * object, and two workers overwriting one part output (at-least-once delivery does that)
 * can interleave. These replacements write to a temporary file, wait until it is written,
 * then rename it over the object: atomic on one file system, as an S3 PUT is.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3rverStore } from 's3rver';

/** Writes `content` to `path` through a temporary sibling; resolves once it is in place. */
async function writeAtomically(
  path: string,
  content: Buffer | Readable,
): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  // Not named like an s3rver object file (`._S3rver_object`), so listings never show it.
  const temporary = `${path}.${randomUUID()}.partial`;
  const md5 = createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    await pipeline(source, measure, createWriteStream(temporary));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { size, md5: md5.digest('hex') };
}

export function makeS3rverWritesAtomic(store: S3rverStore): void {
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    const written = await writeAtomically(path, object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const path = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeAtomically(path, content);
    await writeFile(`${path}.md5`, written.md5);
    return written;
  };
}
