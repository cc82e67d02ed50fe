/**
 * Which encoding a text file is in, detected rather than assumed, so that no byte is decoded
 * into U+FFFD without a word. Two steps: `detectEncoding` judges the first bytes when the job is
 * planned; `encodingAfterScan` confirms (or corrects) that verdict once a `Utf8Check` has seen
 * the whole file.
 *
 * Rules, in order:
 *
 * 1. A byte order mark decides: UTF-8, UTF-16 LE or BE. A UTF-32 mark (checked first, since
 *    `FF FE 00 00` begins with the UTF-16 LE one) is refused: partwise does not read UTF-32.
 * 2. UTF-16 without a mark is told by its NUL bytes, and only when that is clear: most of the
 *    file's text is ASCII, and each ASCII character is its byte beside a NUL, on the odd side for
 *    LE and the even side for BE. "Clear" (`wideLayout`): at least a quarter of the 2-byte pairs
 *    (and at least 2) are a text byte beside a NUL on the same side, pairs with the NUL on the
 *    other side or on both are under one in fifty of those, and 95% of the bytes beside the NULs
 *    are text. UTF-16 made only of CJK characters has no NULs and cannot be told; binary data
 *    with NULs rarely passes the text test. UTF-32 without a mark (three NULs in every four
 *    bytes) is refused likewise.
 * 3. Valid UTF-8 is UTF-8 (`ascii` when no byte is ≥ 0x80). In a head cut from a longer file
 *    (`complete: false`), a sequence cut by the end of the head is not an error. Pure ASCII
 *    that is ISO-2022 (escape sequences) is refused.
 * 4. Bytes that are not valid UTF-8 are read by `utf8Reading`, one rule for the head and for
 *    the whole file, which weighs the valid multi-byte sequences against the invalid ones:
 *    - fewer valid than invalid: single-byte text, in which some byte pairs happen to be valid
 *      UTF-8 (`É”` is C9 94; legacy East Asian text has one valid sequence per 5 to 20 invalid
 *      ones): Windows-1252, unless it looks like an encoding partwise does not read
 *      (`legacy-encoding.ts`). In every legacy sample measured (50-row CSVs in 12 encodings),
 *      valid sequences were at most a third as many as invalid ones (Thai windows-874; Big5
 *      0.05, Shift_JIS 0.06, EUC-JP 0.2; none in the Cyrillic, Greek, Hebrew and Arabic
 *      encodings), so `UTF8_MAJORITY` = 1 leaves a margin of three;
 *    - at least as many valid as invalid: a UTF-8 file with bad bytes (an export concatenated
 *      with a Latin-1 one, say). It stays UTF-8 and the invalid sequences are reported with
 *      their offsets, for the caller's row ledger: read as Windows-1252 instead, every valid
 *      character would silently become two or three wrong ones.
 *    Either way nothing goes unsaid: a UTF-8 verdict carries its invalid sequences, a
 *    Windows-1252 one the number of valid UTF-8 sequences it read as Windows-1252.
 */
import { bomLengthOf, type Encoding, encodingFromBom } from './encoding.js';
import { iso2022Refusal, singleByteVerdict } from './legacy-encoding.js';
import { type InvalidSequence, Utf8Check, type Utf8Scan } from './utf8-check.js';

export type Detection = 'bom' | 'utf-16-pattern' | 'utf-8' | 'ascii' | 'windows-1252';

export interface EncodingVerdict {
  encoding: Encoding;
  /** The length of the byte order mark to skip (0 without one). */
  bomLength: number;
  /** How the encoding was told. */
  detected: Detection;
}

/** A file partwise does not read as text, with a message for its user. */
export interface EncodingRefusal {
  refused: string;
}

export interface ScannedEncoding extends EncodingVerdict {
  /** UTF-8 only: invalid sequences in the whole file (each would decode to U+FFFD); 0 otherwise. */
  invalidCount: number;
  /** The first of them, at offsets from where the scan began: for the row ledger. */
  invalid: InvalidSequence[];
  /**
   * Windows-1252 only: valid UTF-8 multi-byte sequences that were read as two or three
   * Windows-1252 characters each (coincidences, or a small UTF-8 part of a single-byte file),
   * worth a word in the outcome when not 0; 0 otherwise.
   */
  utf8Lookalikes: number;
}

/** Valid multi-byte sequences per invalid one from which bytes are UTF-8 with bad bytes, not single-byte text. */
export const UTF8_MAJORITY = 1;
/** How much of the head the UTF-16 and UTF-32 patterns look at. */
const PATTERN_BYTES = 8192;

/**
 * The encoding of a text file from its first bytes (`head`, up to 64 KiB; `complete` when it
 * is the whole file), or a refusal naming an encoding partwise does not read. See the rules at
 * the top of this file. The text starts after `bomLength` bytes; `latin1` is decoded as
 * windows-1252 (`DECODER_LABELS`).
 */
export function detectEncoding(
  head: Uint8Array,
  options: { complete: boolean; fileName?: string },
): EncodingVerdict | EncodingRefusal {
  const fileName = options.fileName ?? 'The file';
  const wide = wideLayout(head);
  if (wide && 'utf32' in wide) return { refused: utf32Message(fileName, wide.utf32) };
  if (wide) return wide;
  const bom = encodingFromBom(head);
  if (bom) return { ...bom, detected: 'bom' };

  const reading = utf8Reading(Utf8Check.of(head, { complete: options.complete }));
  if (reading === 'ascii') {
    const refused = iso2022Refusal(head, fileName);
    return refused ? { refused } : { encoding: 'utf-8', bomLength: 0, detected: 'ascii' };
  }
  if (reading !== 'single-byte') return { encoding: 'utf-8', bomLength: 0, detected: 'utf-8' };
  const verdict = singleByteVerdict(head, fileName);
  return 'refused' in verdict ? verdict : { encoding: 'latin1', bomLength: 0, detected: 'windows-1252' };
}

/**
 * The whole file's encoding, once `scan` (a `Utf8Check` over all of it, BOM included, or the
 * merged scans of its parts) is done, given the head's verdict. UTF-16 verdicts stand (a UTF-8
 * scan says nothing about them); a UTF-8 BOM stands too, with the invalid sequences reported;
 * otherwise `utf8Reading` decides, as for the head.
 */
export function encodingAfterScan(
  scan: Utf8Scan,
  head: EncodingVerdict,
  options: { fileName?: string } = {},
): ScannedEncoding | EncodingRefusal {
  const clean = { invalidCount: 0, invalid: [], utf8Lookalikes: 0 };
  if (head.encoding === 'utf-16le' || head.encoding === 'utf-16be') return { ...head, ...clean };
  const reported = { invalidCount: scan.invalidCount, invalid: scan.invalid, utf8Lookalikes: 0 };
  if (head.detected === 'bom') return { ...head, ...reported };
  const reading = utf8Reading(scan);
  switch (reading) {
    case 'ascii':
    case 'utf-8':
      return { encoding: 'utf-8', bomLength: 0, detected: reading, ...clean };
    case 'mixed':
      return { encoding: 'utf-8', bomLength: 0, detected: 'utf-8', ...reported };
    case 'single-byte': {
      // A Windows-1252 head was judged already; otherwise judge the bytes where the scan found the first bad one.
      if (head.detected !== 'windows-1252') {
        const verdict = singleByteVerdict(scan.sample, options.fileName ?? 'The file');
        if ('refused' in verdict) return verdict;
      }
      return {
        encoding: 'latin1',
        bomLength: 0,
        detected: 'windows-1252',
        ...clean,
        utf8Lookalikes: scan.validMultibyte,
      };
    }
  }
}

/** What a UTF-8 check says of the bytes it saw: see rule 4 at the top of this file. */
export function utf8Reading(
  scan: Pick<Utf8Scan, 'invalidCount' | 'validMultibyte'>,
): 'ascii' | 'utf-8' | 'single-byte' | 'mixed' {
  if (scan.invalidCount === 0) return scan.validMultibyte === 0 ? 'ascii' : 'utf-8';
  return scan.validMultibyte >= scan.invalidCount * UTF8_MAJORITY ? 'mixed' : 'single-byte';
}

export type WideLayout =
  | { encoding: 'utf-16le' | 'utf-16be'; bomLength: number; detected: 'bom' | 'utf-16-pattern' }
  | { utf32: 'UTF-32LE' | 'UTF-32BE' };

/**
 * UTF-16 or UTF-32, by byte order mark or by the pattern of NUL bytes of mostly-ASCII text
 * (rules 1 and 2 at the top of this file); `undefined` for anything else. Text in these holds
 * NUL bytes, so `contentRefusal` asks this before calling NULs binary.
 */
export function wideLayout(head: Uint8Array): WideLayout | undefined {
  if (startsWith(head, [0xff, 0xfe, 0, 0])) return { utf32: 'UTF-32LE' };
  if (startsWith(head, [0, 0, 0xfe, 0xff])) return { utf32: 'UTF-32BE' };
  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    const bomLength = bomLengthOf(head, encoding);
    if (bomLength > 0) return { encoding, bomLength, detected: 'bom' };
  }
  const sample = head.subarray(0, PATTERN_BYTES);
  const utf32 = utf32Pattern(sample);
  if (utf32) return { utf32 };
  const utf16 = utf16Pattern(sample);
  return utf16 ? { encoding: utf16, bomLength: 0, detected: 'utf-16-pattern' } : undefined;
}

export function utf32Message(fileName: string, name: string): string {
  return `${fileName} is ${name} text, which partwise does not read: save it as UTF-8.`;
}

/** Rule 2 for UTF-16: a text byte beside a NUL on one side, in a quarter of the pairs or more, and almost never the other way. */
function utf16Pattern(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = bytes.length >>> 1;
  let le = 0;
  let be = 0;
  let both = 0;
  let leText = 0;
  let beText = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    const even = bytes[i] as number;
    const odd = bytes[i + 1] as number;
    if (even !== 0 && odd === 0) {
      le++;
      if (isTextByte(even)) leText++;
    } else if (even === 0 && odd !== 0) {
      be++;
      if (isTextByte(odd)) beText++;
    } else if (even === 0 && odd === 0) {
      both++;
    }
  }
  const clear = (same: number, text: number, other: number) =>
    same >= 2 && same * 4 >= pairs && (other + both) * 50 < same && text >= same * 0.95;
  if (clear(le, leText, be)) return 'utf-16le';
  if (clear(be, beText, le)) return 'utf-16be';
  return undefined;
}

/**
 * UTF-32 without a mark: every 4-byte unit a code point (≤ U+10FFFF, so two NULs on the high
 * side), at least half of them a text byte and three NULs.
 */
function utf32Pattern(bytes: Uint8Array): 'UTF-32LE' | 'UTF-32BE' | undefined {
  const units = bytes.length >>> 2;
  if (units < 2) return undefined;
  let le = 0;
  let be = 0;
  let leAscii = 0;
  let beAscii = 0;
  for (let i = 0; i < units * 4; i += 4) {
    const a = bytes[i] as number;
    const b = bytes[i + 1] as number;
    const c = bytes[i + 2] as number;
    const d = bytes[i + 3] as number;
    if (d === 0 && c <= 0x10) {
      le++;
      if (b === 0 && c === 0 && isTextByte(a)) leAscii++;
    }
    if (a === 0 && b <= 0x10) {
      be++;
      if (b === 0 && c === 0 && isTextByte(d)) beAscii++;
    }
  }
  if (le === units && leAscii * 2 >= units) return 'UTF-32LE';
  if (be === units && beAscii * 2 >= units) return 'UTF-32BE';
  return undefined;
}

/** A byte that is a character of text on its own in the low half of a UTF-16 unit: not a C0 or C1 control, bar tab and line ends. */
function isTextByte(byte: number): boolean {
  if (byte === 0x09 || byte === 0x0a || byte === 0x0d) return true;
  return byte >= 0x20 && byte !== 0x7f && (byte < 0x80 || byte >= 0xa0);
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}
