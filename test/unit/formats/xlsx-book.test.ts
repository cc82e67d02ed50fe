/**
 * `openXlsx`: how a workbook package is found and read (relationships, part paths, sheet
 * kinds, styles, encodings), and how a file that is no workbook is turned away.
 */
import { describe, expect, it } from 'vitest';
import { PartwiseError, UnprocessableError } from '../../../shared/domain/errors.js';
import type { Row } from '../../../shared/formats/table.js';
import { openXlsx } from '../../../shared/formats/xlsx/read.js';
import { bufferSource } from '../../../shared/formats/xlsx/source.js';
import {
  handWorkbook,
  NS,
  REL_NS,
  readAllSheets,
  relsXml,
  streamedWorkbook,
  workbookXml,
  worksheetXml,
  type ZipEntry,
  zipOf,
} from './xlsx-fixtures.js';

const readBook = (bytes: Uint8Array) => readAllSheets(bufferSource(bytes));

const cell = (ref: string, value: string, attributes = '') =>
  `<c r="${ref}"${attributes}><v>${value}</v></c>`;

describe('openXlsx', () => {
  it("lists worksheets in the workbook's order, not the zip's nor the sheet ids', leaving chartsheets and dialog sheets out", async () => {
    const bytes = zipOf([
      ['xl/worksheets/sheet1.xml', worksheetXml(`<row r="1">${cell('A1', '1')}</row>`)],
      ['xl/worksheets/sheet2.xml', worksheetXml(`<row r="1">${cell('A1', '2')}</row>`)],
      ['xl/chartsheets/sheet1.xml', `<chartsheet xmlns="${NS}"/>`],
      ['xl/dialogsheets/sheet1.xml', `<dialogsheet xmlns="${NS}"/>`],
      [
        'xl/workbook.xml',
        workbookXml([
          ['Second', 'rId2'],
          ['Chart', 'rId3'],
          ['First', 'rId1'],
          ['Dialog', 'rId4'],
        ]),
      ],
      [
        'xl/_rels/workbook.xml.rels',
        relsXml([
          ['rId1', 'worksheet', 'worksheets/sheet1.xml'],
          ['rId2', 'worksheet', 'worksheets/sheet2.xml'],
          ['rId3', 'chartsheet', 'chartsheets/sheet1.xml'],
          ['rId4', 'dialogsheet', 'dialogsheets/sheet1.xml'],
        ]),
      ],
    ]);
    const book = await openXlsx(bufferSource(bytes));
    expect(book.sheets).toEqual([
      { name: 'Second', index: 0 },
      { name: 'First', index: 1 },
    ]);
    expect((await book.readSheet(1)).header).toEqual(['1']);
    await book.close();
  });

  it('finds the workbook through the package relationships and its parts wherever their targets point', async () => {
    // Targets relative to the workbook's folder, with `..`, absolute, and percent-encoded.
    const bytes = zipOf([
      ['_rels/.rels', relsXml([['rId1', 'officeDocument', '/book/main.xml']])],
      [
        'book/main.xml',
        workbookXml([
          ['A', 'r1'],
          ['B', 'r2'],
          ['C', 'r3'],
        ]),
      ],
      [
        'book/_rels/main.xml.rels',
        relsXml([
          ['r1', 'worksheet', 'sheets/one.xml'],
          ['r2', 'worksheet', '../elsewhere/two.xml'],
          ['r3', 'worksheet', '/book/sheets/sheet%20three.xml'],
          ['r4', 'sharedStrings', 'strings/table.xml'],
          ['r5', 'styles', './looks.xml'],
        ]),
      ],
      ['book/strings/table.xml', `<sst xmlns="${NS}"><si><t>shared</t></si></sst>`],
      [
        'book/looks.xml',
        `<styleSheet xmlns="${NS}"><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>`,
      ],
      ['book/sheets/one.xml', worksheetXml(`<row r="1">${cell('A1', '0', ' t="s"')}</row>`)],
      ['elsewhere/two.xml', worksheetXml(`<row r="1">${cell('A1', '45352', ' s="1"')}</row>`)],
      ['book/sheets/sheet three.xml', worksheetXml(`<row r="1">${cell('A1', '3')}</row>`)],
      // A workbook where Excel puts one, which the relationships do not name.
      ['xl/workbook.xml', workbookXml([['Decoy', 'rId1']])],
    ]);
    expect((await readBook(bytes)).map((s) => [s.name, s.header])).toEqual([
      ['A', ['shared']],
      ['B', ['2024-03-01']],
      ['C', ['3']],
    ]);
  });

  it('matches part names without regard to case, as OPC does', async () => {
    const bytes = zipOf([
      ['XL/Workbook.xml', workbookXml([['S', 'rId1']])],
      ['XL/_rels/Workbook.xml.rels', relsXml([['rId1', 'worksheet', 'worksheets/Sheet1.xml']])],
      ['XL/WORKSHEETS/SHEET1.XML', worksheetXml(`<row r="1">${cell('A1', '1')}</row>`)],
    ]);
    expect(await readBook(bytes)).toEqual([{ name: 'S', header: ['1'], rows: [] }]);
  });

  it('tells dates from numbers by the built-in formats Excel does not write out', async () => {
    // Style ids: 1 → built-in 14 (m/d/yy), 2 → 22 (m/d/yy h:mm), 3 → 46 ([h]:mm:ss), 4 → 2 (0.00), 5 → 49 (@).
    const styles = `<styleSheet xmlns="${NS}"><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="46"/><xf numFmtId="2"/><xf numFmtId="49"/></cellXfs><dxfs><dxf><numFmt numFmtId="2" formatCode="yyyy"/></dxf></dxfs></styleSheet>`;
    const row = ['45352', '45352.5', '1.25', '45352', '45352']
      .map((v, i) => cell(`${'ABCDE'[i]}1`, v, ` s="${i + 1}"`))
      .join('');
    const bytes = zipOf([
      ['xl/workbook.xml', workbookXml([['S', 'rId1']])],
      ['xl/_rels/workbook.xml.rels', relsXml([['rId1', 'worksheet', 'worksheets/sheet1.xml']])],
      ['xl/styles.xml', styles],
      ['xl/worksheets/sheet1.xml', worksheetXml(`<row r="1">${row}<c r="F1"><v>45352</v></c></row>`)],
    ]);
    expect((await readBook(bytes))[0]?.header).toEqual([
      '2024-03-01',
      '2024-03-01T12:00:00',
      '1899-12-31T06:00:00', // 1.25 days as a duration reads as a date from day 0, as exceljs read it
      '45352',
      '45352',
      '45352',
    ]);
  });

  it('reads parts written with a namespace prefix, in UTF-16, or with CDATA', async () => {
    const x = `xmlns:x="${NS}"`;
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-16"?><sst xmlns="${NS}"><si><t>ünï 漢字</t></si><si><t><![CDATA[<raw & ready>]]></t></si></sst>`,
        'utf16le',
      ),
    ]);
    const entries: ZipEntry[] = [
      [
        'xl/workbook.xml',
        `<x:workbook ${x} xmlns:rel="${REL_NS}"><x:sheets><x:sheet name="P" rel:id="a"/></x:sheets></x:workbook>`,
      ],
      ['xl/_rels/workbook.xml.rels', relsXml([['a', 'worksheet', 'worksheets/p.xml']])],
      ['xl/sharedStrings.xml', utf16],
      [
        'xl/worksheets/p.xml',
        `<x:worksheet ${x}><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
      ],
    ];
    expect(await readBook(zipOf(entries))).toEqual([
      { name: 'P', header: ['ünï 漢字', '<raw & ready>'], rows: [] },
    ]);
  });

  it('reads Zip64 archives, stored or deflated, like any other', async () => {
    const workbook = {
      sheets: [{ name: 'S', rows: `<row r="1">${cell('A1', '0', ' t="s"')}${cell('B1', '7')}</row>` }],
      sharedStrings: ['<si><t>zip64</t></si>'],
    };
    for (const deflate of [false, true])
      expect(await readBook(handWorkbook({ ...workbook, zip: { zip64: true, deflate } }))).toEqual([
        { name: 'S', header: ['zip64', '7'], rows: [] },
      ]);
  });

  it('gives the header [] when the header row is empty or beyond the last row', async () => {
    const bytes = handWorkbook({
      sheets: [{ name: 'S', rows: `<row r="1">${cell('A1', '1')}</row><row r="3">${cell('A3', '3')}</row>` }],
    });
    const book = await openXlsx(bufferSource(bytes));
    const rowsOf = async (headerRow: number) => {
      const sheet = await book.readSheet(0, { headerRow });
      const rows: Row[] = [];
      for await (const batch of sheet.rows) rows.push(...batch);
      return { header: sheet.header, rows };
    };
    expect(await rowsOf(2)).toEqual({ header: [], rows: [['3']] });
    expect(await rowsOf(9)).toEqual({ header: [], rows: [] });
    await book.close();
  });

  describe('turns away what is no workbook with a message a user understands', () => {
    const unprocessable = async (bytes: Uint8Array, message: RegExp) => {
      const opening = openXlsx(bufferSource(bytes));
      await expect(opening).rejects.toThrow(UnprocessableError);
      await expect(opening).rejects.toThrow(message);
    };

    it('bytes that are not a zip, or none at all', async () => {
      for (const bytes of [Buffer.from('a,b\n1,2\n'), Buffer.alloc(0), Buffer.alloc(70_000, 7)])
        await unprocessable(bytes, /not an XLSX workbook: it is not a ZIP archive, or it is cut short/);
    });

    it('a workbook cut short', async () => {
      const bytes = await streamedWorkbook({ S: [['a'], ['1']] });
      for (const cut of [10, 100, Math.floor(bytes.length / 2)])
        await unprocessable(bytes.subarray(0, bytes.length - cut), /not a ZIP archive, or it is cut short/);
    });

    it('a zip whose directory points outside the file', async () => {
      const bytes = handWorkbook({ sheets: [{ name: 'S', rows: '' }] });
      const directory = Buffer.from(bytes);
      directory.writeUInt32LE(bytes.length + 1000, bytes.length - 6); // where the directory starts
      await unprocessable(directory, /^The XLSX file cannot be read: /);
      // The last directory record is the sheet's: its local header now lies past the end.
      const entry = Buffer.from(bytes);
      entry.writeUInt32LE(bytes.length + 1000, entry.lastIndexOf('PK\x01\x02', undefined, 'latin1') + 42);
      const book = await openXlsx(bufferSource(entry));
      await expect(book.readSheet(0)).rejects.toThrow(UnprocessableError);
      await book.close();
    });

    it('a zip without a workbook', async () => {
      await unprocessable(
        zipOf([['notes.txt', 'hello']]),
        /^The file is a ZIP archive but not an XLSX workbook \(no xl\/workbook\.xml\)\.$/,
      );
    });

    it('a workbook that lists a sheet it does not hold', async () => {
      const entries: ZipEntry[] = [
        ['xl/workbook.xml', workbookXml([['Gone', 'rId1']])],
        ['xl/_rels/workbook.xml.rels', relsXml([['rId1', 'worksheet', 'worksheets/sheet1.xml']])],
      ];
      await unprocessable(zipOf(entries), /sheet "Gone" is missing \(no xl\/worksheets\/sheet1\.xml\)/);
      await unprocessable(zipOf(entries.slice(0, 1)), /lists a sheet "Gone" that it does not hold/);
    });

    it('a worksheet that is not well-formed XML, or whose data is damaged', async () => {
      const bad = handWorkbook({ sheets: [{ name: 'S', rows: '<row r="1"><c r="A1"><v>1</c></row>' }] });
      await expect(readBook(bad)).rejects.toThrow(/cannot be read: xl\/worksheets\/sheet1\.xml/);
      const deflated = handWorkbook({
        sheets: [{ name: 'S', rows: `<row r="1">${cell('A1', '1')}</row>`.repeat(50) }],
        zip: { deflate: true },
      });
      const damaged = Buffer.from(deflated);
      const at = damaged.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length;
      damaged.fill(0xff, at, at + 20);
      await expect(readBook(damaged)).rejects.toThrow(UnprocessableError);
    });
  });

  it('treats a sheet index or header row that does not exist as a bug, not as bad input', async () => {
    const book = await openXlsx(bufferSource(handWorkbook({ sheets: [{ name: 'S', rows: '' }] })));
    for (const index of [1, -1, 0.5]) {
      const reading = book.readSheet(index);
      await expect(reading).rejects.toThrow(RangeError);
      await expect(reading).rejects.not.toBeInstanceOf(PartwiseError);
    }
    await expect(book.readSheet(0, { headerRow: 0 })).rejects.toThrow(RangeError);
    await book.close();
  });
});
