/**
 * The XML parts of a workbook, parsed as they stream in, with saxes: a conforming parser, so
 * entities and character references are decoded once, CDATA is text, and bad XML is an
 * error rather than a guess. Element names are taken without their prefix: most writers use
 * the default namespace, some (.NET's OpenXML SDK, for one) write `<x:row>`.
 */
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';

/** No namespace processing (a prefix is dropped instead) and no position tracking. */
type ParserOptions = { xmlns: false; position: false; fileName: string };

export interface XmlHandlers {
  /** An element opens; `name` has no prefix. A self-closing element opens and closes. */
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(name: string): void;
  /** Text or CDATA, entities decoded; a text node may come in several calls. */
  text(text: string): void;
}

/**
 * Feeds the bytes of the XML part `part` (its name goes into parse errors) to `handlers`,
 * yielding after each chunk so a caller can hand out what the handlers gathered so far.
 */
export async function* parseXml(
  bytes: AsyncIterable<Uint8Array>,
  part: string,
  handlers: XmlHandlers,
): AsyncGenerator<void> {
  // Positions are not tracked: that costs on every character, and an error names the part.
  const parser = new SaxesParser<ParserOptions>({ xmlns: false, position: false, fileName: part });
  parser.on('opentag', (tag) => handlers.open(localName(tag.name), tag.attributes));
  parser.on('closetag', (tag) => handlers.close(localName(tag.name)));
  parser.on('text', handlers.text);
  parser.on('cdata', handlers.text);
  let decoder: TextDecoder | undefined;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of bytes) {
    let input = chunk;
    if (!decoder) {
      // The encoding is known from the first two bytes; a 1-byte first chunk waits for the next.
      input = head.length > 0 ? Buffer.concat([head, chunk]) : chunk;
      if (input.length < 2) {
        head = input;
        continue;
      }
      decoder = new TextDecoder(encodingOf(input));
    }
    // One streaming decoder per part: a character cut by a chunk edge is carried over.
    parser.write(decoder.decode(input, { stream: true }));
    yield;
  }
  if (!decoder) {
    decoder = new TextDecoder('utf-8');
    parser.write(decoder.decode(head, { stream: true }));
  }
  const rest = decoder.decode();
  if (rest) parser.write(rest);
  parser.close();
}

/**
 * OPC parts are UTF-8 or UTF-16 (ECMA-376 Part 2, 8.1.4), UTF-16 with a byte order mark.
 * The decoder drops the mark.
 */
function encodingOf(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/** `x:row` → `row`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** The value of the attribute with local name `name` in a namespace (`r:id`, whatever the prefix). */
export function prefixedAttribute(
  attributes: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  const suffix = `:${name}`;
  for (const key in attributes) if (key.endsWith(suffix) && !key.startsWith('xmlns:')) return attributes[key];
  return undefined;
}

/** Parses a whole part for what its handlers gather. */
export async function parseXmlPart(
  bytes: AsyncIterable<Uint8Array>,
  part: string,
  handlers: XmlHandlers,
): Promise<void> {
  for await (const _ of parseXml(bytes, part, handlers));
}
