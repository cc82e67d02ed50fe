import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import { readCsv } from '../../../shared/formats/csv/read.js';
import { decodeText, type Encoding, parseEncoding } from '../../../shared/formats/encoding.js';
import { splitAt, tableOf } from './format-fixtures.js';

const TEXT = 'name,city\nRené,Zürich\nSøren,£5 ½\n';

const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return le;
};

/** The same text in each encoding, with the BOM that announces it (none for Latin-1). */
const FILES: Record<string, { bytes: Buffer; encoding: Encoding }> = {
  'UTF-8 without BOM': { bytes: Buffer.from(TEXT, 'utf8'), encoding: 'utf-8' },
  'UTF-8 with BOM': { bytes: Buffer.from(`\uFEFF${TEXT}`, 'utf8'), encoding: 'utf-8' },
  'UTF-16LE with BOM': { bytes: Buffer.from(`\uFEFF${TEXT}`, 'utf16le'), encoding: 'utf-16le' },
  'UTF-16BE with BOM': { bytes: utf16be(`\uFEFF${TEXT}`), encoding: 'utf-16be' },
  'Latin-1': { bytes: Buffer.from(TEXT, 'latin1'), encoding: 'latin1' },
};

async function decoded(bytes: Uint8Array, encoding?: Encoding, ...cuts: number[]) {
  const result = await decodeText(splitAt(bytes, ...cuts), encoding);
  let text = '';
  for await (const piece of result.text) text += piece;
  return { encoding: result.encoding, text };
}

describe('decodeText', () => {
  for (const [name, { bytes, encoding }] of Object.entries(FILES)) {
    it(`decodes ${name} split into two chunks at every byte, with the BOM removed`, async () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(await decoded(bytes, encoding, cut)).toEqual({ encoding, text: TEXT });
      }
    });

    it(`decodes ${name} delivered one byte at a time`, async () => {
      const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
      expect((await decoded(bytes, encoding, ...cuts)).text).toBe(TEXT);
    });
  }

  it('detects UTF-8, UTF-16LE and UTF-16BE from the BOM when no encoding is given', async () => {
    expect((await decoded(FILES['UTF-8 with BOM']!.bytes, undefined, 1, 2)).encoding).toBe('utf-8');
    expect((await decoded(FILES['UTF-16LE with BOM']!.bytes, undefined, 1)).encoding).toBe('utf-16le');
    expect(await decoded(FILES['UTF-16BE with BOM']!.bytes, undefined, 1)).toEqual({
      encoding: 'utf-16be',
      text: TEXT,
    });
  });

  it('reads a file without a BOM as UTF-8 when no encoding is given', async () => {
    expect(await decoded(FILES['UTF-8 without BOM']!.bytes)).toEqual({ encoding: 'utf-8', text: TEXT });
  });

  it('gives bytes 0x80-0x9F of Latin-1 their windows-1252 meanings, as files labelled Latin-1 hold', async () => {
    expect((await decoded(new Uint8Array([0x80, 0x93, 0x94, 0xe9]), 'latin1')).text).toBe('€“”é');
  });

  it('turns malformed bytes into U+FFFD instead of failing the file', async () => {
    expect((await decoded(new Uint8Array([0x61, 0xff, 0x62]), 'utf-8')).text).toBe('a\uFFFDb');
  });

  it('decodes an empty stream to no text', async () => {
    expect(await decoded(new Uint8Array(0))).toEqual({ encoding: 'utf-8', text: '' });
  });
});

describe('parseEncoding', () => {
  it('accepts the usual spellings of each encoding, in any case', () => {
    expect(parseEncoding('UTF8')).toBe('utf-8');
    expect(parseEncoding('utf-16LE')).toBe('utf-16le');
    expect(parseEncoding('ISO-8859-1')).toBe('latin1');
    expect(parseEncoding('windows-1252')).toBe('latin1');
  });

  it('refuses an unknown encoding, naming the ones it knows', () => {
    expect(() => parseEncoding('ebcdic')).toThrow(ValidationError);
    expect(() => parseEncoding('ebcdic')).toThrow(/utf-8, utf-16le, utf-16be, latin1/);
  });
});

describe('readCsv in each encoding', () => {
  for (const [name, { bytes, encoding }] of Object.entries(FILES)) {
    it(`reads ${name} to the same header and rows, whatever the chunk split`, async () => {
      // Latin-1 has no BOM to detect it by, so it is named; the others are detected.
      const given = encoding === 'latin1' ? encoding : undefined;
      for (let cut = 0; cut <= bytes.length; cut++) {
        const table = await tableOf(readCsv(splitAt(bytes, cut), { encoding: given }));
        expect(table).toEqual({
          header: ['name', 'city'],
          rows: [
            ['René', 'Zürich'],
            ['Søren', '£5 ½'],
          ],
        });
      }
    });
  }
});
