import type { S3Client } from '@aws-sdk/client-s3';

export interface PartsOptions {
  /** Bytes per part (S3: at least 5 MiB, but the last). */
  partSize: number;
  /** Parts sent at once. */
  inFlight: number;
}

/**
 * A stream of unknown length into one object, in multipart parts, through a fixed pool of
 * part buffers that are reused: memory holds `inFlight + 1` parts whatever the size, and
 * each byte is copied once on its way. (lib-storage's Upload concatenates each part from
 * its chunks and keeps up to four parts alive: a typed extract's processor measured +50 %
 * peak RSS from 10 MB to 100 MB through it.) A body shorter than one part is one PUT.
 */
export async function uploadInParts(
  s3: S3Client,
  target: { Bucket: string; Key: string; ContentType?: string | undefined },
  body: AsyncIterable<Uint8Array>,
  { partSize, inFlight }: PartsOptions,
): Promise<void> {
  // Loaded already by the client's maker (shared/adapters/s3/blob-store.ts): a cached module.
  const {
    AbortMultipartUploadCommand,
    CompleteMultipartUploadCommand,
    CreateMultipartUploadCommand,
    PutObjectCommand,
    UploadPartCommand,
  } = await import('@aws-sdk/client-s3');
  const { Bucket, Key } = target;
  const free: Buffer[] = [];
  const sending = new Set<Promise<void>>();
  const parts: { PartNumber: number; ETag: string }[] = [];
  let uploadId: string | undefined;
  let partNumber = 0;
  // A part's failure is kept here (its promise never rejects, so none goes unhandled while
  // the body is read) and thrown at the next wait.
  let failure: { error: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.error;
  };

  const send = async (buffer: Buffer, length: number) => {
    const PartNumber = ++partNumber;
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand(target))).UploadId;
    const sent: Promise<void> = s3
      .send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId: uploadId,
          PartNumber,
          Body: buffer.subarray(0, length),
          ContentLength: length,
        }),
      )
      .then(({ ETag }) => {
        if (!ETag) throw new Error(`S3 answered part ${PartNumber} of ${Key} without an ETag`);
        parts.push({ PartNumber, ETag });
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        sending.delete(sent);
        free.push(buffer);
      });
    sending.add(sent);
    while (sending.size >= inFlight) await Promise.race(sending);
    check();
  };

  try {
    let buffer: Buffer = Buffer.allocUnsafe(partSize);
    let filled = 0;
    for await (const chunk of body) {
      for (let offset = 0; offset < chunk.length; ) {
        const take = Math.min(partSize - filled, chunk.length - offset);
        buffer.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === partSize) {
          await send(buffer, filled);
          buffer = free.pop() ?? Buffer.allocUnsafe(partSize);
          filled = 0;
        }
      }
    }
    if (partNumber === 0) {
      await s3.send(new PutObjectCommand({ ...target, Body: buffer.subarray(0, filled) }));
      return;
    }
    if (filled > 0) await send(buffer, filled);
    await Promise.all(sending);
    check();
    parts.sort((a, b) => a.PartNumber - b.PartNumber);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await Promise.all(sending);
    if (uploadId) {
      // Best effort: the bucket's lifecycle rule aborts what this leaves.
      await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId })).catch(() => {});
    }
    throw error;
  }
}
