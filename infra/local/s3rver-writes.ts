/**
 * s3rver 3.7 writes an object straight into its final file and answers the PUT before
 * the file is flushed. S3 never shows a partial object, and of two concurrent PUTs to one
 * key the last wins whole; with s3rver a GET right after a PUT can read a truncated
 * object, and two workers overwriting one part output (at-least-once delivery does that)
 * can interleave. These replacements write to a temporary file, wait until it is written,
 * then rename it over the object: atomic on one file system, as an S3 PUT is.
 *
 * Completing a multipart upload: s3rver reads every part back through an MD5 and writes the
 * object, so each large object is hashed twice in the stack's main thread. Here the parts,
 * hashed once as they arrived, are joined as they are, and the ETag is what S3 gives a
 * multipart object: the MD5 of the parts' MD5s, then `-<number of parts>`.
 *
 * Reads: s3rver streams an object from its file in 64 KiB chunks, every one a file read and
 * a socket write in the stack's main thread. Objects are read in 1 MiB chunks here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3rverStore } from 's3rver';

const WRITE_CHUNK_BYTES = 1 << 20;

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
  // Socket chunks are ~64 KiB: gathered into 1 MiB writes, the file takes a sixteenth of the
  // write calls (each one a cost in the stack's main thread).
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  const release = () => {
    const out = gathered.length === 1 ? (gathered[0] as Buffer) : Buffer.concat(gathered);
    gathered = [];
    gatheredBytes = 0;
    return out;
  };
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      gathered.push(chunk);
      gatheredBytes += chunk.length;
      callback(null, gatheredBytes >= WRITE_CHUNK_BYTES ? release() : undefined);
    },
    flush(callback) {
      callback(null, gatheredBytes > 0 ? release() : undefined);
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

const READ_CHUNK_BYTES = 1 << 20;
const { default: S3Object } = (await import(
  // @ts-expect-error: s3rver's object model has no type declarations.
  's3rver/lib/models/object.js'
)) as {
  default: {
    new (bucket: string, key: string, content: unknown, metadata: unknown): { range?: unknown };
    /** The system metadata s3rver keeps beside an object's `x-amz-meta-*`. */
    ALLOWED_METADATA: string[];
  };
};

export function makeS3rverWritesAtomic(store: S3rverStore): void {
  // As s3rver's getObject, with a larger read chunk.
  store.getObject = async (bucket, key, options) => {
    let metadata: Record<string, string | number>;
    try {
      metadata = await store.getMetadata(bucket, key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const lastByte = Math.max(0, Number(metadata['content-length']) - 1);
    const range = {
      start: options?.start || 0,
      end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte),
    };
    const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
    let content: ReadStream | null = null;
    if (!(range.start < 0 || Math.min(range.end, lastByte) < range.start)) {
      try {
        content = await new Promise<ReadStream>((resolve, reject) => {
          const stream = createReadStream(store.getResourcePath(bucket, key, 'object'), {
            ...range,
            highWaterMark: READ_CHUNK_BYTES,
          })
            .on('error', reject)
            .on('open', () => resolve(stream));
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    }
    const object = new S3Object(bucket, key, content, metadata);
    if (ranged) object.range = range;
    return object;
  };
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    const written = await writeAtomically(path, object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  // As s3rver's, each file replaced whole: its writeFile truncates first, and a stack killed
  // in between left an empty metadata.json that every later GET of the key failed to parse.
  store.putMetadata = async (bucket, key, metadata, md5) => {
    const kept = Object.entries(metadata).filter(
      ([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'),
    );
    if (md5) await writeAtomically(store.getResourcePath(bucket, key, 'object.md5'), Buffer.from(md5));
    await writeAtomically(
      store.getResourcePath(bucket, key, 'metadata.json'),
      Buffer.from(JSON.stringify(Object.fromEntries(kept), null, 2)),
    );
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const path = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeAtomically(path, content);
    await writeFile(`${path}.md5`, written.md5);
    return written;
  };
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const uploadDir = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const [key, metadata] = await Promise.all([
      readFile(join(uploadDir, 'key'), 'utf8'),
      readFile(join(uploadDir, 'metadata'), 'utf8').then(
        (text) => JSON.parse(text) as Record<string, string>,
      ),
    ]);
    const files = [...parts]
      .sort((a, b) => a.number - b.number)
      .map((part) => join(uploadDir, String(part.number)));
    const digests = await Promise.all(files.map((file) => readFile(`${file}.md5`, 'utf8')));
    const md5 = `${createHash('md5')
      .update(Buffer.concat(digests.map((digest) => Buffer.from(digest.trim(), 'hex'))))
      .digest('hex')}-${files.length}`;
    const size = await joinAtomically(store.getResourcePath(bucket, key, 'object'), files);
    await store.putMetadata(bucket, key, metadata, md5);
    await rm(uploadDir, { recursive: true, force: true });
    return { size, md5 };
  };
}

/** Writes the concatenation of `files` to `path` through a temporary sibling; resolves to its size. */
async function joinAtomically(path: string, files: string[]): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.partial`;
  const out = await open(temporary, 'w');
  let size = 0;
  try {
    for (const file of files) {
      const bytes = await readFile(file);
      await out.write(bytes);
      size += bytes.length;
    }
    await out.close();
    await rename(temporary, path);
  } catch (error) {
    await out.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  return size;
}
