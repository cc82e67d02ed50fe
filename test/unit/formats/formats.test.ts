import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMATS, type Format, readSheets, writeTable } from '../../../shared/formats/index.js';
import '../../../shared/formats/xlsx/codec.js';
import type { Row } from '../../../shared/formats/table.js';
import { bytesOf, chunked, tableArbitrary } from './format-fixtures.js';

async function sheetsOf(format: Format, bytes: Uint8Array, chunkSize = 65536) {
  const sheets: { name: string; header: string[]; rows: Row[] }[] = [];
  for await (const sheet of readSheets(format, chunked(bytes, chunkSize), { delimiter: ',' })) {
    const rows: Row[] = [];
    for await (const batch of sheet.rows) rows.push(...batch);
    sheets.push({ name: sheet.name, header: sheet.header, rows });
  }
  return sheets;
}

const records = {
  header: ['id', 'name', 'note'],
  rows: [
    ['1', 'Zoë', 'says "hi", then\nleaves'],
    ['2', '漢字 😀', ''],
    ['3', '', 'tab\there'],
  ],
};

describe('readSheets and writeTable', () => {
  for (const format of FORMATS) {
    it(`writes ${format} and reads it back to the same records as one sheet`, async () => {
      const bytes = await bytesOf(writeTable(format, { header: records.header, rows: [records.rows] }));
      expect(await sheetsOf(format, bytes, 1024)).toEqual([{ name: 'Sheet1', ...records }]);
    });
  }

  it('escapes formulas in the spreadsheet formats only, by default', async () => {
    const table = { header: ['f'], rows: [[['=1+1']]] };
    const cellIn = async (format: Format) =>
      (await sheetsOf(format, await bytesOf(writeTable(format, table))))[0]?.rows[0]?.[0];
    expect(await cellIn('csv')).toBe("'=1+1");
    expect(await cellIn('tsv')).toBe("'=1+1");
    expect(await cellIn('xlsx')).toBe("'=1+1");
    expect(await cellIn('ndjson')).toBe('=1+1');
    expect(await cellIn('json')).toBe('=1+1');
  });

  it('reads back any table written as XLSX, whatever characters its cells hold', async () => {
    await fc.assert(
      fc.asyncProperty(tableArbitrary, async (table) => {
        const bytes = await bytesOf(
          writeTable('xlsx', { header: table.header, rows: [table.rows] }, { escapeFormulas: false }),
        );
        expect(await sheetsOf('xlsx', bytes)).toEqual([{ name: 'Sheet1', ...table }]);
      }),
      { numRuns: 40 },
    );
  });
});
