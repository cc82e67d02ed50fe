/**
 * Text encodings of the text formats (`config.encoding`) and their streaming decoding.
 *
 * Decoding uses one `TextDecoder` per stream with `stream: true`, so a multi-byte character
 * (UTF-8) or a code unit / surrogate pair (UTF-16) split across two chunks comes out whole.
 * `fatal: false`: a malformed byte becomes U+FFFD instead of failing a whole file over one cell.
 */
import { ValidationError } from '../domain/errors.js';

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'latin1'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Labels people write in a config, each mapped to the encoding it names. */
const LABELS: Record<string, Encoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
  'utf-16be': 'utf-16be',
  utf16be: 'utf-16be',
  latin1: 'latin1',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  'windows-1252': 'latin1',
  cp1252: 'latin1',
};

/** The encoding a config label names (case-insensitive); a `ValidationError` naming the allowed ones otherwise. */
export function parseEncoding(label: string): Encoding {
  const encoding = LABELS[label.trim().toLowerCase()];
  if (!encoding) {
    throw new ValidationError(
      `Unknown encoding ${JSON.stringify(label)}; use one of ${ENCODINGS.join(', ')}.`,
    );
  }
  return encoding;
}

/**
 * The WHATWG decoder label of each encoding. `latin1` is decoded as windows-1252, as browsers
 * do for both `latin1` and `iso-8859-1`: it agrees with ISO-8859-1 on every printable byte and
 * gives 0x80–0x9F their Windows meanings (€, “, ”…), which is what such files really hold.
 */
export const DECODER_LABELS: Record<Encoding, string> = {
  'utf-8': 'utf-8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  latin1: 'windows-1252',
};

/**
 * All of `bytes` decoded at once. Through the streaming call, always: since Node 20.18.3 and
 * 22.13 a one-shot `decode` of windows-1252 gives C1 controls for 0x80–0x9F instead of
 * € “ ” and the rest (nodejs/node#60888); the streaming path is right.
 */
export function decodeAll(
  bytes: Uint8Array,
  encoding: Encoding,
  options: { ignoreBOM?: boolean } = {},
): string {
  const decoder = new TextDecoder(DECODER_LABELS[encoding], { ignoreBOM: options.ignoreBOM ?? false });
  return decoder.decode(bytes, { stream: true }) + decoder.decode();
}

/** The encoding a byte order mark announces, and the mark's length; `undefined` without one. */
export function encodingFromBom(lead: Uint8Array): { encoding: Encoding; bomLength: number } | undefined {
  if (lead[0] === 0xef && lead[1] === 0xbb && lead[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (lead[0] === 0xff && lead[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (lead[0] === 0xfe && lead[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return undefined;
}

/** The length of `encoding`'s own BOM at the start of `lead` (0 when absent, always 0 for latin1). */
export function bomLengthOf(lead: Uint8Array, encoding: Encoding): number {
  const found = encodingFromBom(lead);
  return found?.encoding === encoding ? found.bomLength : 0;
}

export interface DecodedText {
  /** The encoding given, else the one the BOM announces, else `utf-8`. */
  encoding: Encoding;
  /** The text, in pieces, with the encoding's own BOM removed. Single use. */
  text: AsyncIterable<string>;
}

/**
 * Decodes a byte stream. Without `encoding`, the BOM decides (UTF-8, UTF-16 LE/BE), and a file
 * without one is read as UTF-8: Latin-1 cannot be told from UTF-8 reliably, so it is asked for.
 */
export async function decodeText(
  bytes: AsyncIterable<Uint8Array>,
  encoding?: Encoding,
): Promise<DecodedText> {
  const source = bytes[Symbol.asyncIterator]();
  // A BOM is at most 3 bytes, and a chunk may be shorter than that.
  const lead: Uint8Array[] = [];
  let leadLength = 0;
  let done = false;
  while (leadLength < 3) {
    const next = await source.next();
    if (next.done) {
      done = true;
      break;
    }
    lead.push(next.value);
    leadLength += next.value.length;
  }
  const resolved = encoding ?? encodingFromBom(Buffer.concat(lead))?.encoding ?? 'utf-8';
  // `ignoreBOM: false` drops the resolved encoding's own BOM at the start of the stream only.
  const decoder = new TextDecoder(DECODER_LABELS[resolved], { fatal: false, ignoreBOM: false });
  async function* text(): AsyncGenerator<string> {
    for (const chunk of lead) {
      const piece = decoder.decode(chunk, { stream: true });
      if (piece) yield piece;
    }
    if (!done) {
      for (let next = await source.next(); !next.done; next = await source.next()) {
        const piece = decoder.decode(next.value, { stream: true });
        if (piece) yield piece;
      }
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }
  return { encoding: resolved, text: text() };
}

/**
 * Reads text pieces until at least `length` characters (or the end) and returns them with the
 * rest of the stream, so a caller can look ahead (a sample, a header) and then go on in order.
 */
export async function peekText(
  text: AsyncIterable<string>,
  length: number,
): Promise<{ head: string; complete: boolean; rest: AsyncIterator<string> }> {
  const rest = text[Symbol.asyncIterator]();
  let head = '';
  while (head.length < length) {
    const next = await rest.next();
    if (next.done) return { head, complete: true, rest };
    head += next.value;
  }
  return { head, complete: false, rest };
}
