/** Part planning arithmetic, independent of any operation. */

/** Finished parts are counted in buckets of this many (see the job store). */
export const PART_BUCKET_SIZE = 100;

/** Parts sent by one dispatch step before it hands on to the next. */
export const DISPATCH_CHUNK = 1000;

/** The most parts one job may have. */
export const MAX_PARTS = 100_000;

export const MIN_PART_SIZE_BYTES = 1024;

export function bucketOf(part: number): number {
  return Math.floor(part / PART_BUCKET_SIZE);
}

/** How many parts bucket `bucket` holds in a job of `parts` parts. */
export function bucketSize(bucket: number, parts: number): number {
  return Math.max(0, Math.min(PART_BUCKET_SIZE, parts - bucket * PART_BUCKET_SIZE));
}

export function bucketCount(parts: number): number {
  return Math.ceil(parts / PART_BUCKET_SIZE);
}

/** Byte-range parts: how many parts of `partSize` bytes cover `size` bytes (at least one). */
export function byteRangePartCount(size: number, partSize: number): number {
  if (partSize < MIN_PART_SIZE_BYTES)
    throw new RangeError(`part size must be at least ${MIN_PART_SIZE_BYTES} bytes`);
  return Math.max(1, Math.ceil(size / partSize));
}

/** The nominal start offset of each byte-range part (the real start is the next row boundary). */
export function byteRangeStarts(size: number, partSize: number): number[] {
  const count = byteRangePartCount(size, partSize);
  return Array.from({ length: count }, (_, i) => i * partSize);
}
