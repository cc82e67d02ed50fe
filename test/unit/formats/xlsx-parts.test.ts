/**
 * The XML parts of a workbook, parsed straight from their bytes: whatever the chunk edges (an
 * inflate stream or an S3 body cuts anywhere, inside a character or a tag), the same text.
 */
import { describe, expect, it } from 'vitest';
import type { XlsxCellContext } from '../../../shared/formats/xlsx/cells.js';
import {
  readSharedStrings,
  readStyles,
  readWorkbook,
  relsPathOf,
  resolvePart,
} from '../../../shared/formats/xlsx/parts.js';
import { type SheetRow, sheetRows } from '../../../shared/formats/xlsx/worksheet.js';
import { chunked, utf8 } from './format-fixtures.js';
import { NS, workbookXml, worksheetXml } from './xlsx-fixtures.js';

const CHUNK_SIZES = [1, 2, 3, 5, 7, 64, 100_000];

const context: XlsxCellContext = {
  sharedStrings: ['shared ü'],
  date1904: false,
  numFmtOf: (style) => (style === 1 ? 'yyyy-mm-dd' : undefined),
};

async function rowsOf(xml: string, size: number): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const batch of sheetRows(chunked(utf8(xml), size), 'sheet.xml', context)) rows.push(...batch);
  return rows;
}

describe('the worksheet part', () => {
  const xml = worksheetXml(
    '<row r="2" ht="20"/>' + // formatting only: no data row
      '<row r="3"><c r="B3" t="s"><v>0</v></c><c r="D3" s="1"><v>45352</v></c></row>' +
      '<row><c t="inlineStr"><is><r><t xml:space="preserve">漢字 </t></r><r><t>😀&amp;</t></r><rPh><t>かんじ</t></rPh></is></c>' +
      '<c t="str"><f>A1</f><v>&lt;é&gt;</v></c><c t="e"><v>#REF!</v></c><c t="b"><v>0</v></c><c/></row>',
  );

  it('reads cells by type and style, fills gaps and skips rows without cells, whatever the chunk edges', async () => {
    for (const size of CHUNK_SIZES)
      expect(await rowsOf(xml, size)).toEqual([
        { number: 3, cells: ['', 'shared ü', '', '2024-03-01'] },
        { number: 4, cells: ['漢字 😀&', '<é>', '#REF!', 'false'] },
      ]);
  });

  it('hands rows out in batches as the chunks complete them, not all at the end', async () => {
    const many = worksheetXml('<row><c><v>1</v></c></row>'.repeat(1000));
    let batches = 0;
    for await (const _ of sheetRows(chunked(utf8(many), 1024), 'sheet.xml', context)) batches++;
    expect(batches).toBeGreaterThan(10);
  });
});

describe('the other parts', () => {
  it('reads shared strings whatever the chunk edges: runs joined, phonetic runs left out, _xHHHH_ decoded', async () => {
    const xml = `<sst xmlns="${NS}"><si><t>naïve 漢字 😀</t></si><si><r><t>a</t></r><r><t>_x000D_b</t></r></si><si><t>東京</t><rPh><t>トウキョウ</t></rPh></si><si/></sst>`;
    for (const size of CHUNK_SIZES)
      expect(await readSharedStrings(chunked(utf8(xml), size), 'sst.xml')).toEqual([
        'naïve 漢字 😀',
        'a\rb',
        '東京',
        '',
      ]);
  });

  it('reads the sheet list and the date system of the workbook part', async () => {
    const xml = workbookXml(
      [
        ['Q1 &amp; Q2', 'rId7'],
        ['Ünï', 'rId1'],
      ],
      '<workbookPr date1904="true"/>',
    );
    for (const size of [1, 64])
      expect(await readWorkbook(chunked(utf8(xml), size), 'workbook.xml')).toEqual({
        date1904: true,
        sheets: [
          { name: 'Q1 & Q2', relationshipId: 'rId7' },
          { name: 'Ünï', relationshipId: 'rId1' },
        ],
      });
  });

  it('reads the number format of each cell style, custom formats over built-in ones', async () => {
    const xml = `<styleSheet xmlns="${NS}"><numFmts><numFmt numFmtId="164" formatCode="d/m/yy"/><numFmt numFmtId="14" formatCode="0.0"/></numFmts><cellXfs><xf/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="15"/><xf numFmtId="999"/></cellXfs></styleSheet>`;
    const numFmtOf = await readStyles(chunked(utf8(xml), 3), 'styles.xml');
    expect([0, 1, 2, 3, 4, 5].map(numFmtOf)).toEqual([
      'General',
      'd/m/yy',
      '0.0',
      'd-mmm-yy',
      undefined,
      undefined,
    ]);
  });

  it('fails on XML that is not well-formed, naming the part', async () => {
    await expect(readSharedStrings(chunked(utf8('<sst><si></sst>'), 4), 'xl/sst.xml')).rejects.toThrow(
      /^xl\/sst\.xml: /,
    );
  });
});

describe('part paths', () => {
  it('names the relationships part of a part, and of the package', () => {
    expect(relsPathOf('xl/workbook.xml')).toBe('xl/_rels/workbook.xml.rels');
    expect(relsPathOf('')).toBe('_rels/.rels');
  });

  it('resolves targets relative to the source part, absolute, dotted and percent-encoded', () => {
    expect(resolvePart('xl/workbook.xml', 'worksheets/sheet1.xml')).toBe('xl/worksheets/sheet1.xml');
    expect(resolvePart('xl/workbook.xml', '/xl/worksheets/sheet2.xml')).toBe('xl/worksheets/sheet2.xml');
    expect(resolvePart('xl/workbook.xml', './../other/./s.xml')).toBe('other/s.xml');
    expect(resolvePart('xl/workbook.xml', 'sheet%201.xml')).toBe('xl/sheet 1.xml');
    expect(resolvePart('xl/workbook.xml', '100%.xml')).toBe('xl/100%.xml');
    expect(resolvePart('', 'xl/workbook.xml')).toBe('xl/workbook.xml');
  });
});
