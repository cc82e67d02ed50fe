/**
 * A streaming UTF-8 validator: over a whole file or one part of it, how many sequences are
 * invalid, where the first few are, and how many valid non-ASCII sequences there were — what
 * `encodingAfterScan` needs to tell UTF-8 from single-byte text, and what the row ledger needs
 * to point at bad bytes instead of storing U+FFFD without a word.
 *
 * What one invalid sequence is follows the WHATWG UTF-8 decoder ("maximal subpart" of Unicode
 * §3.9, U+FFFD substitution): the bytes from a lead up to the first byte that cannot continue
 * it, so a check counts exactly the U+FFFD a `TextDecoder` would produce. Overlongs (C0, C1, E0
 * 80–9F, F0 80–8F), surrogates (ED A0–BF) and code points past U+10FFFF (F4 90–BF, F5–FF) are
 * invalid. https://encoding.spec.whatwg.org/#utf-8-decoder
 *
 * Speed: valid data is the common case, so each chunk goes first to `isAscii`/`isUtf8` from
 * `node:buffer` (simdutf, native, tens of GB/s) and lead bytes are counted a word at a time;
 * only a chunk that fails is walked byte by byte to find its offsets.
 */
import { isAscii, isUtf8 } from 'node:buffer';

export interface InvalidSequence {
  /** Where the sequence starts, in bytes from where the check started. */
  offset: number;
  /** Its bytes: 1 to 3 of them (one U+FFFD's worth). */
  bytes: number[];
}

/** What a check found; plain data, so parts can store theirs and a planner can merge them. */
export interface Utf8Scan {
  /** Bytes checked. */
  bytes: number;
  /** Invalid sequences, each one U+FFFD to a decoder. */
  invalidCount: number;
  /** Valid sequences of 2 to 4 bytes (non-ASCII characters). */
  validMultibyte: number;
  /** The first invalid sequences, in order (at most `keep` of them). */
  invalid: InvalidSequence[];
  /**
   * Up to `SAMPLE_BYTES` bytes from the first invalid sequence on, so that the encoding of a
   * file whose first KiB were plain ASCII can still be named. Empty when nothing was invalid.
   */
  sample: Uint8Array;
}

/** How many invalid sequences a check keeps by default. */
export const KEEP_INVALID = 20;
/** How many bytes from the first invalid sequence on a check keeps for naming the encoding. */
export const SAMPLE_BYTES = 8192;

export class Utf8Check {
  private readonly keep: number;
  private position = 0;
  /** A valid but unfinished sequence at the end of the last chunk (at most 3 bytes). */
  private carry: number[] = [];
  private carryOffset = 0;
  private invalidSequences: InvalidSequence[] = [];
  private invalidTotal = 0;
  private multibyte = 0;
  private sampleFrom = -1;
  private samplePieces: Uint8Array[] = [];
  private sampleLength = 0;

  /** Whether valid multi-byte sequences are counted (what telling UTF-8 from single-byte text needs; a part confirming UTF-8 does not). */
  private readonly countMultibyte: boolean;

  constructor(options: { keep?: number; countMultibyte?: boolean } = {}) {
    this.keep = options.keep ?? KEEP_INVALID;
    this.countMultibyte = options.countMultibyte ?? true;
  }

  /** A whole byte string checked at once; `complete: false` leaves a sequence cut at its end unjudged. */
  static of(bytes: Uint8Array, options: { complete: boolean; keep?: number }): Utf8Check {
    const check = new Utf8Check(options);
    check.push(bytes);
    if (options.complete) check.end();
    return check;
  }

  get bytes(): number {
    return this.position;
  }
  get invalidCount(): number {
    return this.invalidTotal;
  }
  /** Valid multi-byte sequences seen (0 when made with `countMultibyte: false`). */
  get validMultibyte(): number {
    return this.multibyte;
  }
  get invalid(): InvalidSequence[] {
    return this.invalidSequences;
  }
  get sample(): Uint8Array {
    return Buffer.concat(this.samplePieces);
  }

  push(chunk: Uint8Array): void {
    const carried = this.carry;
    const carriedFrom = this.carryOffset;
    const start = this.carry.length > 0 ? this.finishCarry(chunk) : 0;
    if (start < chunk.length) this.check(chunk.subarray(start), this.position + start);
    this.keepSample(chunk, carried, carriedFrom);
    this.position += chunk.length;
  }

  /** The input is over: a sequence still unfinished is invalid (its bytes are a valid prefix, so all of it). */
  end(): Utf8Scan {
    if (this.carry.length > 0) {
      this.recordInvalid(this.carryOffset, this.carry, 0, this.carry.length);
      if (this.sampleLength === 0) this.addToSample(Uint8Array.from(this.carry));
    }
    this.carry = [];
    return this.summary();
  }

  summary(): Utf8Scan {
    return {
      bytes: this.position,
      invalidCount: this.invalidTotal,
      validMultibyte: this.multibyte,
      invalid: [...this.invalidSequences],
      sample: this.sample,
    };
  }

  /** Completes the carried sequence with the first bytes of `chunk`; returns how many of them it used. */
  private finishCarry(chunk: Uint8Array): number {
    const need = sequenceLength(this.carry[0] as number) - this.carry.length;
    const joined = Uint8Array.from([...this.carry, ...chunk.subarray(0, need)]);
    const length = validPrefixLength(joined, 0);
    const carried = this.carry.length;
    if (length === joined.length && length < carried + need) {
      // Still unfinished: `chunk` was shorter than the bytes the sequence needs.
      this.carry = Array.from(joined);
      return chunk.length;
    }
    if (length === carried + need) this.multibyte++;
    else this.recordInvalid(this.carryOffset, joined, 0, length);
    this.carry = [];
    // The carried bytes were a valid prefix, so the sequence (valid or not) covers all of them.
    return length - carried;
  }

  private check(body: Uint8Array, offset: number): void {
    const tail = unfinishedTail(body);
    const whole = body.subarray(0, tail);
    if (isAscii(whole)) {
      // Nothing to count.
    } else if (isUtf8(whole)) {
      if (this.countMultibyte) this.multibyte += countLeadBytes(whole);
    } else {
      this.walk(whole, offset);
    }
    if (tail < body.length) {
      this.carry = Array.from(body.subarray(tail));
      this.carryOffset = offset + tail;
    }
  }

  /** The byte-exact path, for a stretch known to hold an invalid sequence and to end on a boundary. */
  private walk(bytes: Uint8Array, offset: number): void {
    let multibyte = 0;
    let i = 0;
    while (i < bytes.length) {
      const lead = bytes[i] as number;
      if (lead < 0x80) {
        i++;
        continue;
      }
      const length = validPrefixLength(bytes, i);
      if (length > 1 && length === sequenceLength(lead)) multibyte++;
      else this.recordInvalid(offset + i, bytes, i, length);
      i += length;
    }
    this.multibyte += multibyte;
  }

  private recordInvalid(offset: number, bytes: ArrayLike<number>, from: number, length: number): void {
    this.invalidTotal++;
    if (this.invalidSequences.length < this.keep) {
      this.invalidSequences.push({
        offset,
        bytes: Array.from({ length }, (_, k) => bytes[from + k] as number),
      });
    }
    if (this.sampleFrom < 0) this.sampleFrom = offset;
  }

  /** Adds to the sample the bytes of `chunk` from the first invalid sequence on (and those carried into it). */
  private keepSample(chunk: Uint8Array, carried: number[], carriedFrom: number): void {
    if (this.sampleFrom < 0 || this.sampleLength >= SAMPLE_BYTES) return;
    const room = SAMPLE_BYTES - this.sampleLength;
    if (this.sampleLength === 0 && this.sampleFrom < this.position) {
      // The first invalid sequence began in bytes carried over from the chunk before.
      const head = Uint8Array.from(carried.slice(this.sampleFrom - carriedFrom));
      this.addToSample(Buffer.concat([head, chunk.subarray(0, room)]).subarray(0, room));
    } else {
      const from = Math.max(0, this.sampleFrom - this.position);
      this.addToSample(chunk.slice(from, from + room));
    }
  }

  private addToSample(piece: Uint8Array): void {
    this.samplePieces.push(piece);
    this.sampleLength += piece.length;
  }
}

/**
 * The scans of consecutive parts as one: offsets moved by each part's `start` (its offset in
 * the file), the first `keep` invalid sequences of all, and the first part's sample. Parts must
 * be cut between characters (row-aligned parts are): a character cut in two counts as invalid
 * in both.
 */
export function mergeUtf8Scans(parts: { start: number; scan: Utf8Scan }[], keep = KEEP_INVALID): Utf8Scan {
  const ordered = [...parts].sort((a, b) => a.start - b.start);
  const invalid = ordered
    .flatMap(({ start, scan }) => scan.invalid.map((s) => ({ offset: start + s.offset, bytes: s.bytes })))
    .slice(0, keep);
  return {
    bytes: ordered.reduce((sum, { scan }) => sum + scan.bytes, 0),
    invalidCount: ordered.reduce((sum, { scan }) => sum + scan.invalidCount, 0),
    validMultibyte: ordered.reduce((sum, { scan }) => sum + scan.validMultibyte, 0),
    invalid,
    sample: ordered.find(({ scan }) => scan.sample.length > 0)?.scan.sample ?? new Uint8Array(0),
  };
}

/** The length of the sequence a lead byte starts: 2–4, or 1 for a byte that starts none (ASCII, or invalid). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/**
 * How many bytes from `i` on form a valid sequence or a valid prefix of one (at least 1): the
 * whole sequence when valid, else its maximal subpart, which is what one U+FFFD replaces. The
 * second byte's range is narrower after E0, ED, F0 and F4: that is what rules out overlongs,
 * surrogates and code points past U+10FFFF.
 */
function validPrefixLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] as number;
  const length = sequenceLength(lead);
  let lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  let upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  let j = i + 1;
  while (j < i + length && j < bytes.length) {
    const next = bytes[j] as number;
    if (next < lower || next > upper) break;
    lower = 0x80;
    upper = 0xbf;
    j++;
  }
  return j - i;
}

/** Where a valid but unfinished sequence starts at the very end of `bytes`; `bytes.length` when none does. */
function unfinishedTail(bytes: Uint8Array): number {
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const i = bytes.length - k;
    const byte = bytes[i] as number;
    if (byte < 0x80) return bytes.length;
    if (byte >= 0xc0) {
      const unfinished = sequenceLength(byte) > k && validPrefixLength(bytes, i) === k;
      return unfinished ? i : bytes.length;
    }
  }
  return bytes.length;
}

/**
 * How many bytes are ≥ 0xC0: in valid UTF-8, the leads of multi-byte sequences. Sixteen bytes
 * per step: in each 32-bit word, a byte with bits 7 and 6 set becomes a 1 in its own 8-bit lane;
 * lanes are summed for 63 steps (at most 252 per lane, under the 255 that would overflow into the
 * next) and then added up. About 3–4 GB/s, where a byte loop does under 1.
 */
export function countLeadBytes(bytes: Uint8Array): number {
  let count = 0;
  let i = 0;
  const unaligned = Math.min(bytes.length, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < unaligned; i++) if ((bytes[i] as number) >= 0xc0) count++;
  const wordCount = (bytes.length - i) >>> 2;
  if (wordCount > 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, wordCount);
    const steps = wordCount & ~3;
    let w = 0;
    while (w < steps) {
      const stop = Math.min(steps, w + 252);
      let lanes = 0;
      for (; w < stop; w += 4) {
        lanes = (lanes + leadLanes(words[w] as number) + leadLanes(words[w + 1] as number)) | 0;
        lanes = (lanes + leadLanes(words[w + 2] as number) + leadLanes(words[w + 3] as number)) | 0;
      }
      count += (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
    }
    for (; w < wordCount; w++) count += (leadLanes(words[w] as number) * 0x01010101) >>> 24;
    i += wordCount * 4;
  }
  for (; i < bytes.length; i++) if ((bytes[i] as number) >= 0xc0) count++;
  return count;
}

/** A 1 in each byte lane of `word` whose byte is ≥ 0xC0 (bits 7 and 6 set), 0 elsewhere. */
function leadLanes(word: number): number {
  return (word & (word << 1) & 0x80808080) >>> 7;
}
