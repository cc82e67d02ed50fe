import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../shared/domain/errors.js';
import { readCsv, readTsv } from '../../../shared/formats/csv/read.js';
import { writeCsv, writeTsv } from '../../../shared/formats/csv/write.js';
import { bytesOf, chunked, tableArbitrary, tableOf, utf8 } from './format-fixtures.js';

const read = (text: string, options?: Parameters<typeof readCsv>[1], chunkSize = 65536) =>
  tableOf(readCsv(chunked(utf8(text), chunkSize), options));
const written = async (chunks: AsyncIterable<Uint8Array>) => (await bytesOf(chunks)).toString('utf8');

describe('readCsv', () => {
  it('reads the header and the rows, with quoted delimiters and line breaks kept', async () => {
    expect(await read('id,note\n1,"a, b"\n2,"line\nbreak"\n')).toEqual({
      header: ['id', 'note'],
      rows: [
        ['1', 'a, b'],
        ['2', 'line\nbreak'],
      ],
    });
  });

  it('detects the delimiter when none is given, and reports it', async () => {
    const table = await readCsv(chunked(utf8('a;b\n1;2\n'), 3));
    expect(table.delimiter).toBe(';');
    expect(table.header).toEqual(['a', 'b']);
  });

  it('uses the delimiter it is given, even when detection would pick another', async () => {
    expect(await read('a;b,c\n1;2,3\n', { delimiter: ';' })).toEqual({
      header: ['a', 'b,c'],
      rows: [['1', '2,3']],
    });
  });

  it('refuses a delimiter that is not one character before reading anything', async () => {
    await expect(readCsv(chunked(utf8('a\n'), 1), { delimiter: ';;' })).rejects.toThrow(ValidationError);
  });

  it('takes the header from headerRow, skipping the rows above it, blank lines included', async () => {
    const text = 'Report\n\n"multi\nline title"\nid,name\n1,a\n';
    // Row 4: "Report", the blank line and the quoted two-line row count one each.
    expect(await read(text, { headerRow: 4, delimiter: ',' }, 2)).toEqual({
      header: ['id', 'name'],
      rows: [['1', 'a']],
    });
  });

  it('gives an empty header for a blank header row and for a file shorter than headerRow', async () => {
    expect(await read('\na,b\n', { headerRow: 1 })).toEqual({ header: [], rows: [['a', 'b']] });
    expect(await read('a,b\n', { headerRow: 3 })).toEqual({ header: [], rows: [] });
  });

  it('reads a header row without a final newline and an empty file', async () => {
    expect(await read('a,b')).toEqual({ header: ['a', 'b'], rows: [] });
    expect(await read('')).toEqual({ header: [], rows: [] });
  });

  it('fails on a header row longer than 1 MiB rather than buffering it', async () => {
    const text = `"${'x'.repeat(1024 * 1024 + 10)}`;
    await expect(readCsv(chunked(utf8(text), 65536), { delimiter: ',' })).rejects.toThrow(UnprocessableError);
  });

  it('yields rows in batches as chunks arrive past the 64 KiB it samples, not all at the end', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `${i},row ${i}`);
    const table = await readCsv(chunked(utf8(`n,t\n${lines.join('\n')}\n`), 16_384));
    const batches: string[][][] = [];
    for await (const batch of table.rows) batches.push(batch);
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.flat().map((row) => row.join(','))).toEqual(lines);
  });
});

describe('readTsv', () => {
  it('splits on tabs only, with quoted tabs kept', async () => {
    const table = await tableOf(readTsv(chunked(utf8('a\tb,c\n1\t"x\ty"\n'), 5)));
    expect(table).toEqual({ header: ['a', 'b,c'], rows: [['1', 'x\ty']] });
  });
});

describe('writeCsv', () => {
  it('quotes only cells that need it, doubling quotes, with CRLF line ends by default', async () => {
    const text = await written(
      writeCsv({
        header: ['a', 'b'],
        rows: [
          [
            ['x,y', 'say "hi"'],
            ['line\nbreak', 'plain'],
          ],
        ],
      }),
    );
    expect(text).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",plain\r\n');
  });

  it('writes a row of one empty cell as "" so it is not read as a blank line', async () => {
    const text = await written(writeCsv({ header: ['a'], rows: [[[''], ['x']]] }, { lineEnding: '\n' }));
    expect(text).toBe('a\n""\nx\n');
    expect(await read(text)).toEqual({ header: ['a'], rows: [[''], ['x']] });
  });

  it('quotes a cell that starts with U+FEFF so it is not taken for a BOM', async () => {
    const text = await written(writeCsv({ header: ['\uFEFFa'], rows: [] }));
    expect(text).toBe('"\uFEFFa"\r\n');
  });

  it('can leave out the header, add a BOM and use another delimiter', async () => {
    const bytes = await bytesOf(
      writeCsv(
        { header: ['a', 'b'], rows: [[['1;2', '3']]] },
        { includeHeader: false, bom: true, delimiter: ';' },
      ),
    );
    expect(bytes.toString('utf8')).toBe('\uFEFF"1;2";3\r\n');
  });

  it('emits large outputs in chunks of about 64 KiB, not one per row', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [String(i), 'some text']);
    const chunks: Uint8Array[] = [];
    for await (const chunk of writeCsv({ header: ['n', 't'], rows: [rows] })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(10);
  });
});

describe('formula escaping in CSV and TSV', () => {
  const header = ['cell'];
  const rows = [['=1+1'], ['+cmd'], ['-2+3'], ['@SUM(A1)'], ['\tx'], ['\rx'], ['-12.5'], ['+3'], ['a=b']];

  it("prefixes ' to cells that begin with = + - @ tab or CR, but not to plain numbers, by default", async () => {
    const table = await read(await written(writeCsv({ header, rows: [rows] })), { delimiter: ',' });
    expect(table.rows.map((row) => row[0])).toEqual([
      "'=1+1",
      "'+cmd",
      "'-2+3",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      '-12.5',
      '+3',
      'a=b',
    ]);
  });

  it('escapes TSV cells too, and header cells', async () => {
    const text = await written(writeTsv({ header: ['=h'], rows: [[['@x']]] }, { lineEnding: '\n' }));
    expect(text).toBe("'=h\n'@x\n");
  });

  it('writes cells as they are when escapeFormulas is false', async () => {
    const table = await read(await written(writeCsv({ header, rows: [rows] }, { escapeFormulas: false })), {
      delimiter: ',',
    });
    expect(table.rows).toEqual(rows);
  });
});

describe('CSV and TSV round trips', () => {
  for (const [name, write, delimiter] of [
    ['CSV', writeCsv, ','],
    ['TSV', writeTsv, '\t'],
  ] as const) {
    it(`reads back any ${name} it writes to the same header and rows, in any chunking`, async () => {
      await fc.assert(
        fc.asyncProperty(
          tableArbitrary,
          fc.integer({ min: 1, max: 64 }),
          fc.constantFrom('\n', '\r\n') as fc.Arbitrary<'\n' | '\r\n'>,
          async (table, chunkSize, lineEnding) => {
            const bytes = await bytesOf(
              write({ header: table.header, rows: [table.rows] }, { escapeFormulas: false, lineEnding }),
            );
            const back = await tableOf(readCsv(chunked(bytes, chunkSize), { delimiter }));
            expect(back).toEqual(table);
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
