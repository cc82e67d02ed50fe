/**
 * Text that is not UTF-8: Windows-1252 (what Excel on Windows saves as "CSV" for Western
 * European languages), or an encoding partwise does not read, named when it can be.
 *
 * Whether to refuse is decided by the shape of the bytes; chardet only names what is refused.
 * chardet (`analyse`, ICU's n-gram and double-byte recognisers) was measured first, on the
 * samples now in `encoding-detect.test.ts`, and its confidence cannot draw the line on files
 * of a few rows: its best Latin guess for genuine Windows-1252 scored 14–80 (and was
 * windows-1250 or windows-1257 as often as not); Cyrillic scored 20–29 and Hebrew 29–39, below
 * Latin scores; Shift_JIS made only of kanji scored 10 — the floor every East Asian recogniser
 * returns for anything it can parse — behind a windows-1252 guess at 23; it read Thai as
 * EUC-KR (66) or ISO-8859-8 (20).
 *
 * The shape: in Latin-script text, non-ASCII bytes are accented letters and symbols among ASCII
 * ones (`Zoë`, `Müller`, `Ñandú`, `€5`, `“quoted”`, `Ações`). In Cyrillic, Greek, Hebrew, Arabic
 * and Thai single-byte encodings every letter is a non-ASCII byte, and in the East Asian
 * double-byte ones every character has one or two, so they come in runs. In every Latin sample
 * measured, no non-ASCII byte sat in a run of three or more different bytes; in every non-Latin
 * one, two thirds or more did. So text is refused when at least `MIN_RUN_BYTES` bytes sit in
 * such runs and those runs hold at least half of its non-ASCII bytes. (A run of one byte
 * repeated is a symbol repeated — `•••`, `——`, masked card numbers `••••4242` — and does not
 * count.) The price: Latin-1 made of accents run together, such as rows of `äöüÄÖÜß` or an
 * alphabet list, is refused too, asking for UTF-8; the gain is that text chardet cannot name,
 * kanji-only Shift_JIS, is refused rather than stored as Windows-1252 mojibake.
 *
 * Latin-script encodings other than Windows-1252 (Central European windows-1250, Turkish
 * windows-1254, Baltic windows-1257) are read as Windows-1252: nothing here can tell them apart
 * on short text, and most of their letters agree with it.
 */
import { analyse, type EncodingName, type Match } from 'chardet';

/**
 * Bytes in runs below which text is Windows-1252 whatever its shape: a word or two of Cyrillic
 * is too little to judge, and `ÄÖÜ` in one cell is not Cyrillic.
 */
export const MIN_RUN_BYTES = 12;
/** chardet's confidence needed to name a non-Latin encoding in a refusal (its East Asian floor is 10). */
export const NAME_CONFIDENCE = 20;
/** Non-ASCII bytes needed before chardet is trusted with a name: 18 bytes of Cyrillic came out "Hebrew". */
export const NAME_MIN_BYTES = 32;
/** chardet's confidence needed to refuse pure ASCII as ISO-2022 (an ISO-2022-JP sample scored 70). */
export const ISO_2022_CONFIDENCE = 50;

/** chardet's encodings partwise does not read, with the script a user knows them by. */
const UNREAD: Partial<Record<EncodingName, string>> = {
  Shift_JIS: 'Shift_JIS (Japanese)',
  'EUC-JP': 'EUC-JP (Japanese)',
  'ISO-2022-JP': 'ISO-2022-JP (Japanese)',
  'EUC-KR': 'EUC-KR (Korean)',
  'ISO-2022-KR': 'ISO-2022-KR (Korean)',
  GB18030: 'GB18030 / GBK (Simplified Chinese)',
  'ISO-2022-CN': 'ISO-2022-CN (Chinese)',
  Big5: 'Big5 (Traditional Chinese)',
  'windows-1251': 'windows-1251 (Cyrillic)',
  'KOI8-R': 'KOI8-R (Cyrillic)',
  'ISO-8859-5': 'ISO-8859-5 (Cyrillic)',
  'ISO-8859-7': 'ISO-8859-7 (Greek)',
  'windows-1253': 'windows-1253 (Greek)',
  'ISO-8859-8': 'ISO-8859-8 (Hebrew)',
  'windows-1255': 'windows-1255 (Hebrew)',
  'ISO-8859-6': 'ISO-8859-6 (Arabic)',
  'windows-1256': 'windows-1256 (Arabic)',
  'windows-874': 'windows-874 (Thai)',
};

export type SingleByteVerdict = { encoding: 'latin1' } | { refused: string };

/** Bytes known not to be UTF-8: Windows-1252 (`latin1`), or a refusal, naming the encoding when it can. */
export function singleByteVerdict(bytes: Uint8Array, fileName: string): SingleByteVerdict {
  const { nonAscii, inRuns } = runShape(bytes);
  if (inRuns < MIN_RUN_BYTES || inRuns * 2 < nonAscii) return { encoding: 'latin1' };
  return { refused: unreadMessage(fileName, nameOf(bytes, analyse(bytes), nonAscii)) };
}

/**
 * Pure 7-bit text that is really ISO-2022-JP, -KR or -CN (escape sequences switch to double-byte
 * sets of ASCII bytes): a refusal, since read as UTF-8 it would be mojibake without a single
 * invalid byte. Only asked when the text holds an ESC byte.
 */
export function iso2022Refusal(bytes: Uint8Array, fileName: string): string | undefined {
  if (!bytes.includes(0x1b)) return undefined;
  const best = analyse(bytes)[0];
  if (!best?.name.startsWith('ISO-2022') || best.confidence < ISO_2022_CONFIDENCE) return undefined;
  return unreadMessage(fileName, UNREAD[best.name]);
}

function unreadMessage(fileName: string, name: string | undefined): string {
  return name
    ? `${fileName} looks like ${name} text, which partwise does not read: save it as UTF-8.`
    : `${fileName} is not UTF-8 text, and it does not read as Windows-1252 (Latin-1) either: it looks like ` +
        'text in another legacy encoding (Cyrillic, Greek, Hebrew, Arabic, Thai or East Asian, say), ' +
        'which partwise does not read: save it as UTF-8.';
}

/**
 * chardet's best non-Latin guess when it is sure enough to name: on enough bytes, confident,
 * ahead of the next guess, and confirmed by decoding the bytes without an error in that
 * encoding. The last check is the one that catches chardet's slips: it read Thai windows-874
 * as EUC-KR (66) and as ISO-8859-8 (20), neither of which can decode it.
 */
function nameOf(bytes: Uint8Array, matches: Match[], nonAscii: number): string | undefined {
  if (nonAscii < NAME_MIN_BYTES) return undefined;
  const [first, second] = matches.filter(
    (match) =>
      UNREAD[match.name] !== undefined && match.confidence >= NAME_CONFIDENCE && decodes(bytes, match.name),
  );
  if (!first || (second && second.confidence >= first.confidence)) return undefined;
  return UNREAD[first.name];
}

/** Whether `bytes` decode in `encoding` without an error (a character cut by the end of `bytes` is none). */
function decodes(bytes: Uint8Array, encoding: string): boolean {
  let decoder: { decode(input: Uint8Array, options: { stream: boolean }): string };
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    // ISO-2022-KR and -CN have no decoder (WHATWG maps them to "replacement"): chardet's word stands.
    return true;
  }
  try {
    decoder.decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * How many bytes are ≥ 0x80, and how many of those sit in runs of three or more that hold at
 * least two different bytes: a run of one byte repeated is a symbol repeated (`•••`, `———`,
 * masked card numbers `••••4242`), which no script spells its words with.
 */
export function runShape(bytes: Uint8Array): { nonAscii: number; inRuns: number } {
  let nonAscii = 0;
  let inRuns = 0;
  let run = 0;
  let varied = false;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = i < bytes.length ? (bytes[i] as number) : 0;
    if (byte >= 0x80) {
      nonAscii++;
      if (run > 0 && byte !== bytes[i - 1]) varied = true;
      run++;
    } else {
      if (run >= 3 && varied) inRuns += run;
      run = 0;
      varied = false;
    }
  }
  return { nonAscii, inRuns };
}
