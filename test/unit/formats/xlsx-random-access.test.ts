/**
 * The XLSX reader reads a workbook where it lies (S3) by range: the end of the file for the
 * central directory, then only the entries it needs. These tests watch the ranges it asks
 * for, the reads it leaves open, and what it does when a read fails.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../shared/formats/table.js';
import { openXlsx } from '../../../shared/formats/xlsx/read.js';
import {
  dataRanges,
  handWorkbook,
  NS,
  type RecordingSource,
  rangeSource,
  relsXml,
  workbookXml,
  worksheetXml,
  zipOf,
} from './xlsx-fixtures.js';

const token = (n: number) => createHash('sha256').update(String(n)).digest('base64url');
const STRINGS = Array.from({ length: 3000 }, (_, i) => token(i));
const ROWS = 3000;

/** Sheet `k`'s rows: a shared string, an inline one and a number, hard to compress. */
function sheetRowsOf(k: number): Row[] {
  return Array.from({ length: ROWS }, (_, i) => [
    STRINGS[(i + 7 * k) % STRINGS.length]!,
    token(1e6 * k + i),
    `${i}`,
  ]);
}

/**
 * Three sheets of a few hundred KB each, then shared strings of more than the 64 KiB the
 * reader fetches from the end of the file to find the central directory, so that nothing but
 * the shared strings and the directory lies in that first read.
 */
function bigWorkbook(deflate: boolean): Buffer {
  const sheet = (k: number) =>
    worksheetXml(
      '<row r="1"><c r="A1" t="inlineStr"><is><t>key</t></is></c><c r="B1" t="inlineStr"><is><t>token</t></is></c><c r="C1" t="inlineStr"><is><t>n</t></is></c></row>' +
        sheetRowsOf(k)
          .map(
            ([, inline], i) =>
              `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>${(i + 7 * k) % STRINGS.length}</v></c><c r="B${i + 2}" t="inlineStr"><is><t>${inline}</t></is></c><c r="C${i + 2}"><v>${i}</v></c></row>`,
          )
          .join(''),
    );
  return zipOf(
    [
      ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types/>'],
      ['_rels/.rels', relsXml([['rId1', 'officeDocument', 'xl/workbook.xml']])],
      [
        'xl/workbook.xml',
        workbookXml([
          ['One', 'rId1'],
          ['Two', 'rId2'],
          ['Three', 'rId3'],
        ]),
      ],
      [
        'xl/_rels/workbook.xml.rels',
        relsXml([
          ['rId1', 'worksheet', 'worksheets/sheet1.xml'],
          ['rId2', 'worksheet', 'worksheets/sheet2.xml'],
          ['rId3', 'worksheet', 'worksheets/sheet3.xml'],
          ['rId4', 'sharedStrings', 'sharedStrings.xml'],
          ['rId5', 'styles', 'styles.xml'],
        ]),
      ],
      ['xl/styles.xml', `<styleSheet xmlns="${NS}"><cellXfs><xf numFmtId="0"/></cellXfs></styleSheet>`],
      ['xl/worksheets/sheet1.xml', sheet(1)],
      ['xl/worksheets/sheet2.xml', sheet(2)],
      ['xl/worksheets/sheet3.xml', sheet(3)],
      [
        'xl/sharedStrings.xml',
        `<sst xmlns="${NS}">${STRINGS.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`,
      ],
    ],
    { deflate },
  );
}

const overlaps = ([a, b]: [number, number], [c, d]: [number, number]) => a < d && c < b;

async function readSheet(source: RecordingSource, index: number) {
  const book = await openXlsx(source);
  try {
    const sheet = await book.readSheet(index);
    const rows: Row[] = [];
    for await (const batch of sheet.rows) rows.push(...batch);
    return { name: sheet.name, header: sheet.header, rows };
  } finally {
    await book.close();
  }
}

describe('reading an XLSX by range', () => {
  for (const deflate of [false, true]) {
    const how = deflate ? 'deflated' : 'stored';

    it(`reads sheet 2 of 3 without a byte of sheet 1's or sheet 3's data (${how})`, async () => {
      // Prepare
      const bytes = bigWorkbook(deflate);
      const ranges = await dataRanges(bytes);
      const [one, two, three, strings] = [1, 2, 3]
        .map((k) => ranges.get(`xl/worksheets/sheet${k}.xml`)!)
        .concat([ranges.get('xl/sharedStrings.xml')!]);
      expect(bytes.length - strings![1]).toBeLessThan(64 * 1024); // the directory is in the first read…
      expect(strings![1] - strings![0]).toBeGreaterThan(64 * 1024); // …and sheet 3 is not
      const source = rangeSource(bytes);

      // Act
      const sheet = await readSheet(source, 1);

      // Assess
      expect(sheet).toEqual({ name: 'Two', header: ['key', 'token', 'n'], rows: sheetRowsOf(2) });
      for (const range of source.ranges) {
        expect(overlaps(range, one!), `read ${range} overlaps sheet 1 at ${one}`).toBe(false);
        expect(overlaps(range, three!), `read ${range} overlaps sheet 3 at ${three}`).toBe(false);
      }
      expect(source.ranges.some(([start, end]) => start <= two![0] && two![1] <= end)).toBe(true);
    });

    it(`lists the sheets without reading any worksheet or the shared strings (${how})`, async () => {
      const bytes = bigWorkbook(deflate);
      const ranges = await dataRanges(bytes);
      const source = rangeSource(bytes);
      const book = await openXlsx(source);
      await book.close();
      expect(book.sheets).toEqual([
        { name: 'One', index: 0 },
        { name: 'Two', index: 1 },
        { name: 'Three', index: 2 },
      ]);
      const [start] = ranges.get('xl/sharedStrings.xml')!;
      const sheets = [1, 2, 3].map((k) => ranges.get(`xl/worksheets/sheet${k}.xml`)!);
      for (const range of source.ranges) {
        for (const sheet of sheets) expect(overlaps(range, sheet)).toBe(false);
        // Only the end of the shared strings, in the one read that finds the directory.
        if (overlaps(range, [start, start + 1]))
          expect.fail(`read ${range} reaches the start of the shared strings`);
      }
    });
  }

  it('reads a small workbook whole with its first read, and reads nothing more', async () => {
    const bytes = handWorkbook({ sheets: [{ name: 'S', rows: '<row r="1"><c r="A1"><v>1</v></c></row>' }] });
    const source = rangeSource(bytes);
    expect((await readSheet(source, 0)).header).toEqual(['1']);
    expect(source.ranges).toEqual([[0, bytes.length]]);
  });

  describe('closes every read it opens', () => {
    it('after a sheet read to the end', async () => {
      const source = rangeSource(bigWorkbook(true), { chunkSize: 16 * 1024 });
      await readSheet(source, 2);
      expect(source.open).toBe(0);
    });

    it('after only the header of each sheet was read (planning)', async () => {
      const source = rangeSource(bigWorkbook(false), { chunkSize: 16 * 1024 });
      const book = await openXlsx(source);
      const headers = [];
      for (const { index } of book.sheets) headers.push((await book.readSheet(index)).header);
      expect(source.open).toBeGreaterThan(0); // the sheets' data reads, left where the headers ended
      await book.close();
      expect(headers).toEqual([0, 1, 2].map(() => ['key', 'token', 'n']));
      expect(source.open).toBe(0);
    });

    it('after the caller breaks out of the rows', async () => {
      const source = rangeSource(bigWorkbook(true), { chunkSize: 16 * 1024 });
      const book = await openXlsx(source);
      const sheet = await book.readSheet(0);
      for await (const batch of sheet.rows) if (batch.length > 0) break;
      await book.close();
      expect(source.open).toBe(0);
    });
  });

  describe('when a read of the source fails', () => {
    const failure = new Error('socket hang up');

    /** Opens the book and reads sheet 2 through; resolves to what was thrown. */
    async function failureOf(source: RecordingSource): Promise<unknown> {
      try {
        await readSheet(source, 1);
      } catch (error) {
        return error;
      }
      return undefined;
    }

    for (const deflate of [false, true]) {
      const how = deflate ? 'deflated' : 'stored';
      const bytes = bigWorkbook(deflate);
      const at = async (entry: string, fraction: number) => {
        const [start, end] = (await dataRanges(bytes)).get(entry)!;
        return Math.floor(start + (end - start) * fraction);
      };

      it(`rejects with the source's error in the middle of a worksheet (${how})`, async () => {
        const source = rangeSource(bytes, { failure, failAt: await at('xl/worksheets/sheet2.xml', 0.5) });
        expect(await failureOf(source)).toBe(failure);
        expect(source.open).toBe(0);
      });

      it(`rejects with the source's error in the middle of the shared strings (${how})`, async () => {
        const source = rangeSource(bytes, { failure, failAt: await at('xl/sharedStrings.xml', 0.2) });
        expect(await failureOf(source)).toBe(failure);
        expect(source.open).toBe(0);
      });

      it(`rejects with the source's error while finding the central directory (${how})`, async () => {
        const source = rangeSource(bytes, { failure, failAt: bytes.length - 10 });
        expect(await failureOf(source)).toBe(failure);
      });
    }

    it("rejects with the source's error when the read itself is refused", async () => {
      const bytes = bigWorkbook(true);
      const source = rangeSource(bytes);
      const read = source.read.bind(source);
      let reads = 0;
      source.read = async (start, end) => {
        if (++reads === 3) throw failure;
        return read(start, end);
      };
      expect(await failureOf(source)).toBe(failure);
    });
  });
});
