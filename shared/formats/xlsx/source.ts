/**
 * Where the bytes of a workbook come from. A zip names its entries, with their offsets, in a
 * central directory at its end, so a reader that can fetch any range opens any entry directly:
 * in the service that is one S3 ranged GET per range; in tests and in `readXlsx`, a Buffer.
 */

/** Bytes of a file by range: S3 ranged GETs in the service, a Buffer in tests. */
export interface RandomAccessSource {
  /** The file's size in bytes. */
  size: number;
  /** The bytes `[start, endExclusive)`, streamed; the promise or the stream rejects when the read fails. */
  read(start: number, endExclusive: number): Promise<AsyncIterable<Uint8Array>>;
}

/** A source over bytes already in memory. */
export function bufferSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (start, endExclusive) => {
      if (start < 0 || endExclusive > bytes.length || start > endExclusive)
        throw new RangeError(`Cannot read [${start}, ${endExclusive}) of ${bytes.length} bytes`);
      return (async function* () {
        yield bytes.subarray(start, endExclusive);
      })();
    },
  };
}
