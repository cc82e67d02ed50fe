import { describe, expect, it } from 'vitest';
import { planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { readCsv } from '../../../shared/formats/csv/read.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import type { Encoding } from '../../../shared/formats/encoding.js';
import { chunked, tableOf } from './format-fixtures.js';

const utf16be = (text: string) => {
  const bytes = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < bytes.length; i += 2)
    [bytes[i], bytes[i + 1]] = [bytes[i + 1] as number, bytes[i] as number];
  return bytes;
};

/** Every part of a plan parsed on its own, rows concatenated in part order. */
async function rowsOfParts(bytes: Uint8Array, boundaries: number[], encoding: Encoding, delimiter: string) {
  const rows: string[][] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const range = bytes.subarray(boundaries[i], boundaries[i + 1]);
    for await (const batch of parseCsvRows(chunked(range, 7), { delimiter, encoding })) rows.push(...batch);
  }
  return rows;
}

describe('planCsvLayout and parseCsvRows beyond UTF-8', () => {
  it('decodes a Windows-1252 header with its 0x80–0x9F characters (€, curly quotes), as a one-shot decode would not', async () => {
    // nodejs/node#60888: a one-shot windows-1252 decode gives C1 controls for these bytes.
    const bytes = Buffer.from([
      ...Buffer.from('price '),
      0x80,
      0x2c,
      0x93,
      0x71,
      0x94,
      0x0a,
      0x31,
      0x2c,
      0x32,
      0x0a,
    ]);
    const layout = await planCsvLayout(chunked(bytes, 64), { partSize: 1024, encoding: 'latin1' });
    expect(layout.header).toEqual(['price €', '“q”']);
  });

  it('plans a Latin-1 file in byte ranges and decodes its header and parts as Latin-1', async () => {
    const text = `ville;prix\n${Array.from({ length: 40 }, (_, i) => `Zürich ${i};"£${i},5"`).join('\n')}\n`;
    const bytes = Buffer.from(text, 'latin1');
    const layout = await planCsvLayout(chunked(bytes, 13), {
      partSize: 64,
      delimiter: ';',
      encoding: 'latin1',
    });
    expect(layout).toMatchObject({ encoding: 'latin1', bomLength: 0, header: ['ville', 'prix'] });
    expect(layout.boundaries.length).toBeGreaterThan(5);
    const expected = await tableOf(readCsv(chunked(bytes, 64), { encoding: 'latin1', delimiter: ';' }));
    expect(await rowsOfParts(bytes, layout.boundaries, 'latin1', ';')).toEqual(expected.rows);
    expect(expected.rows[3]).toEqual(['Zürich 3', '£3,5']);
  });

  for (const [name, encode, encoding] of [
    ['UTF-16LE', (text: string) => Buffer.from(text, 'utf16le'), 'utf-16le'],
    ['UTF-16BE', utf16be, 'utf-16be'],
  ] as const) {
    // U+0A22 is the bytes 22 0A in UTF-16LE (0A 22 in BE): a quote and a line feed to a byte scan.
    const text = '\uFEFFid\tnote\n1\t"a\tb"\n2\tਢਢ\n3\t"x\ny"\n';

    it(`plans a ${name} file, detected from its BOM, as one part after the header`, async () => {
      const bytes = encode(text);
      const layout = await planCsvLayout(chunked(bytes, 5), { partSize: 8, delimiter: '\t' });
      const headerEnd = 2 + 2 * 'id\tnote\n'.length;
      expect(layout).toEqual({
        size: bytes.length,
        bomLength: 2,
        encoding,
        delimiter: '\t',
        headerEnd,
        header: ['id', 'note'],
        boundaries: [headerEnd, bytes.length],
      });
      expect(await rowsOfParts(bytes, layout.boundaries, encoding, '\t')).toEqual([
        ['1', 'a\tb'],
        ['2', 'ਢਢ'],
        ['3', 'x\ny'],
      ]);
    });

    it(`finds a later header row of a ${name} file and detects its delimiter when asked`, async () => {
      const bytes = encode('\uFEFFtitle\n"two\nlines"\na;b\n1;2\n');
      const layout = await planCsvLayout(chunked(bytes, 3), {
        partSize: 1024,
        delimiter: 'auto',
        headerRow: 3,
      });
      expect(layout.delimiter).toBe(';');
      expect(layout.header).toEqual(['a', 'b']);
      expect(await rowsOfParts(bytes, layout.boundaries, encoding, ';')).toEqual([['1', '2']]);
    });
  }

  it('detects the delimiter of a UTF-8 file when asked, and parses the header with it', async () => {
    const bytes = Buffer.from('\uFEFFa|b|c\n1|2|3\n', 'utf8');
    const layout = await planCsvLayout(chunked(bytes, 2), { partSize: 1024, delimiter: 'auto' });
    expect(layout).toMatchObject({
      delimiter: '|',
      header: ['a', 'b', 'c'],
      bomLength: 3,
      encoding: 'utf-8',
    });
  });

  it('keeps a comma as the delimiter when none is given, as before', async () => {
    const layout = await planCsvLayout(chunked(Buffer.from('a;b\n'), 4), { partSize: 1024 });
    expect(layout).toMatchObject({ delimiter: ',', header: ['a;b'] });
  });
});
