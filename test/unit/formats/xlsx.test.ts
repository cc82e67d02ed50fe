import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../shared/domain/errors.js';
import type { Row } from '../../../shared/formats/table.js';
import { openXlsx, readXlsx, type XlsxReadOptions } from '../../../shared/formats/xlsx/read.js';
import { writeXlsx } from '../../../shared/formats/xlsx/write.js';
import { bytesOf, chunked, streamOf } from './format-fixtures.js';
import { bufferedWorkbook, handWorkbook, rangeSource, streamedWorkbook } from './xlsx-fixtures.js';

type Cell = ExcelJS.CellValue;
type ReadSheet = { name: string; header: string[]; rows: Row[] };

/**
 * Every sheet, read both ways the service reads a workbook: opened by range (`openXlsx`, the
 * source handing each range out in chunks of `chunkSize`, as S3 does) and handed over as a
 * stream (`readXlsx`, the codec's `read`). Both must agree; the first is returned.
 */
async function readAll(bytes: Uint8Array, options?: XlsxReadOptions, chunkSize = 65536) {
  const byRange: ReadSheet[] = [];
  const book = await openXlsx(rangeSource(bytes, { chunkSize }));
  try {
    for (const { index } of book.sheets) {
      const sheet = await book.readSheet(index, options);
      const rows: Row[] = [];
      for await (const batch of sheet.rows) rows.push(...batch);
      byRange.push({ name: sheet.name, header: sheet.header, rows });
    }
  } finally {
    await book.close();
  }
  const byStream: ReadSheet[] = [];
  for await (const sheet of readXlsx(chunked(bytes, chunkSize), options)) {
    const rows: Row[] = [];
    for await (const batch of sheet.rows) rows.push(...batch);
    byStream.push({ name: sheet.name, header: sheet.header, rows });
  }
  expect(byStream).toEqual(byRange);
  return byRange;
}

const THREE_SHEETS: Record<string, Cell[][]> = {
  People: [
    ['name', 'age', 'member'],
    ['Zoë', 41, true],
    ['Bjørn', 7.5, false],
  ],
  'Orders 2024': [
    ['id', 'total'],
    [1, -12.25],
  ],
  Empty: [],
};

describe('readXlsx', () => {
  for (const [how, build] of [
    ['streaming writer (sheets before shared strings)', streamedWorkbook],
    ['in-memory writer', bufferedWorkbook],
  ] as const) {
    it(`reads each of 3 worksheets as one sheet, in order, from exceljs's ${how}`, async () => {
      const sheets = await readAll(await build(THREE_SHEETS), {}, 4096);
      expect(sheets).toEqual([
        {
          name: 'People',
          header: ['name', 'age', 'member'],
          rows: [
            ['Zoë', '41', 'true'],
            ['Bjørn', '7.5', 'false'],
          ],
        },
        { name: 'Orders 2024', header: ['id', 'total'], rows: [['1', '-12.25']] },
        { name: 'Empty', header: [], rows: [] },
      ]);
    });
  }

  it('reads dates as ISO 8601, formulas as their results, rich text as its text and errors as their codes', async () => {
    const bytes = await streamedWorkbook(
      {
        Cells: [
          ['date', 'when', 'formula', 'rich', 'error'],
          [
            new Date(Date.UTC(2024, 2, 1)),
            new Date(Date.UTC(2024, 2, 1, 13, 45, 30)),
            { formula: 'A1&"!"', result: 'ok!' } as Cell,
            { richText: [{ text: 'bold ', font: { bold: true } }, { text: 'plain' }] },
            { error: '#N/A' } as Cell,
          ],
        ],
      },
      'yyyy-mm-dd hh:mm:ss',
    );
    const [sheet] = await readAll(bytes);
    expect(sheet?.rows).toEqual([['2024-03-01', '2024-03-01T13:45:30', 'ok!', 'bold plain', '#N/A']]);
  });

  it('fills gaps between cells with empty text and skips rows the sheet does not have', async () => {
    const [sheet] = await readAll(await bufferedWorkbook({ S: [['a', null, 'c'], [], [null, 'x']] }));
    expect(sheet).toEqual({ name: 'S', header: ['a', '', 'c'], rows: [['', 'x']] });
  });

  it('takes the header from headerRow in every sheet, skipping the rows above it', async () => {
    const sheets = { A: [['title'], ['h1', 'h2'], ['1', '2']], B: [['t'], ['k'], ['v']] };
    const read = await readAll(await streamedWorkbook(sheets), { headerRow: 2 });
    expect(read.map(({ header, rows }) => ({ header, rows }))).toEqual([
      { header: ['h1', 'h2'], rows: [['1', '2']] },
      { header: ['k'], rows: [['v']] },
    ]);
  });

  describe('on a hand-written workbook with its shared strings before its sheets', () => {
    const bytes = handWorkbook({
      sharedStrings: [
        '<si><t>naïve 漢字</t></si>',
        '<si><r><rPr><b/></rPr><t xml:space="preserve">bold </t></r><r><t>run</t></r></si>',
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>',
        '<si><t>one_x000D_two &amp;amp;</t></si>',
      ],
      numFmts: ['dd/mm/yyyy', '0.00'],
      sheets: [
        {
          name: 'Strings',
          rows:
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>' +
            '<row r="2"><c r="A2" t="inlineStr"><is><r><t>in</t></r><r><t>line 😀</t></r></is></c>' +
            '<c r="B2" t="str"><f>"&amp;lt;"</f><v>&amp;lt;</v></c><c r="D2" t="e"><v>#DIV/0!</v></c></row>',
        },
        {
          name: 'Typed ünïcode',
          // No `r` on rows or cells: each follows the one before.
          rows:
            '<row><c><v>1.50</v></c><c t="b"><v>1</v></c><c t="b"><v>0</v></c></row>' +
            '<row><c s="1"><v>45352</v></c><c s="2"><v>45352</v></c><c t="d"><v>2024-03-01T10:00:00</v></c></row>',
        },
      ],
    });
    const expected = [
      {
        name: 'Strings',
        header: ['naïve 漢字', 'bold run', '東京', 'one\rtwo &amp;'],
        rows: [['inline 😀', '&lt;', '', '#DIV/0!']],
      },
      {
        name: 'Typed ünïcode',
        header: ['1.5', 'true', 'false'],
        rows: [['2024-03-01', '45352', '2024-03-01T10:00:00']],
      },
    ];

    it('reads strings as written: runs joined, phonetic runs left out, _xHHHH_ decoded, entities decoded once', async () => {
      expect(await readAll(bytes)).toEqual(expected);
    });

    it('reads the same whatever size the chunks are, down to one byte, so no character is cut', async () => {
      for (const size of [1, 2, 3, 5, 7, 64]) expect(await readAll(bytes, {}, size)).toEqual(expected);
    });

    it('counts serial dates from 1904 in a workbook that says so', async () => {
      const from1904 = handWorkbook({
        date1904: true,
        numFmts: ['yyyy-mm-dd'],
        sheets: [{ name: 'S', rows: '<row r="1"><c r="A1" s="1"><v>43890</v></c></row>' }],
      });
      expect((await readAll(from1904))[0]?.header).toEqual(['2024-03-01']);
    });
  });

  it('reads thousands of multi-byte rows from deflated sheets, shared and inline, unchanged', async () => {
    // Far more than one 16 KiB inflate chunk of 2-, 3- and 4-byte UTF-8 characters, in shared and inline strings.
    const rows = Array.from({ length: 3000 }, (_, i) => [`é漢字😀 ${i} ${'ü'.repeat(i % 7)}`]);
    for (const bytes of [
      await streamedWorkbook({ S: [['t'], ...rows] }),
      await bytesOf(writeXlsx({ header: ['t'], rows: [rows] })),
    ]) {
      const [sheet] = await readAll(bytes, {}, 1000);
      expect(sheet?.rows).toEqual(rows);
    }
  });

  it('hands out the next sheet whole when the caller left the rows of one unread', async () => {
    const bytes = await streamedWorkbook({ A: [['a'], ['1'], ['2']], B: [['b'], ['3']] });
    const seen: { name: string; rows: Row[] }[] = [];
    for await (const sheet of readXlsx(streamOf(bytes))) {
      if (sheet.name === 'A') continue; // rows never read
      const rows: Row[] = [];
      for await (const batch of sheet.rows) rows.push(...batch);
      seen.push({ name: sheet.name, rows });
    }
    expect(seen).toEqual([{ name: 'B', rows: [['3']] }]);
  });

  it('fails on bytes that are not a workbook as unprocessable content, not as a crash', async () => {
    await expect(readAll(Buffer.from('a,b\n1,2\n'))).rejects.toThrow(UnprocessableError);
    await expect(readAll(Buffer.alloc(0))).rejects.toThrow(UnprocessableError);
  });

  it('passes an error of the byte source on as it is, whenever it happens', async () => {
    const bytes = await streamedWorkbook(THREE_SHEETS);
    for (const at of [0, 100, bytes.length - 100, bytes.length]) {
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield bytes.subarray(0, at);
        throw new Error('socket hang up');
      }
      const reading = (async () => {
        for await (const sheet of readXlsx(failing())) for await (const _ of sheet.rows);
      })();
      await expect(reading).rejects.toThrow('socket hang up');
    }
  });
});

describe('writeXlsx', () => {
  it('round-trips text with XML specials, entity look-alikes, characters XML forbids and _xHHHH_ literally', async () => {
    const header = ['a', 'b'];
    const rows = [
      ['<&>"\'', '&amp; &lt;'],
      ['tab\there\nline', 'cr\r\nlf'],
      ['\u0001\u001f\u007f', '_x0041_ and _x005F_'],
      ['\uFFFE\uFFFF', 'lone \uD800 and \uDC00, pair 😀'],
      ['', '  padded  '],
      ['😀 漢字', ''],
    ];
    const [sheet] = await readAll(await bytesOf(writeXlsx({ header, rows: [rows] })));
    expect(sheet).toEqual({ name: 'Sheet1', header, rows });
  });

  it('writes several tables as named worksheets, mending names Excel would refuse', async () => {
    const bytes = await bytesOf(
      writeXlsx([
        { name: 'Q1/Q2', header: ['x'], rows: [[['1']]] },
        { name: 'q1_q2', header: ['y'], rows: [] },
        { name: '', header: ['z'], rows: [[['3']]] },
      ]),
    );
    expect((await readAll(bytes)).map((s) => [s.name, s.header, s.rows])).toEqual([
      ['Q1_Q2', ['x'], [['1']]],
      ['q1_q2 (2)', ['y'], []],
      ['Sheet3', ['z'], [['3']]],
    ]);
  });

  it('escapes cells that begin with = + - @ tab or CR by default, and not when asked not to', async () => {
    const rows = [['=HYPERLINK("x")', '-5', '@a', '+b']];
    const [escaped] = await readAll(await bytesOf(writeXlsx({ header: ['h'], rows: [rows] })));
    expect(escaped?.rows).toEqual([['\'=HYPERLINK("x")', '-5', "'@a", "'+b"]]);
    const [plain] = await readAll(
      await bytesOf(
        writeXlsx({ header: ['h'], rows: [rows] }, { escapeFormulas: false, includeHeader: false }),
      ),
    );
    expect(plain?.header).toEqual(rows[0]);
  });

  it('passes an error from the rows on to the reader of the output', async () => {
    async function* failing(): AsyncGenerator<Row[]> {
      yield [['1']];
      throw new Error('segment read failed');
    }
    await expect(bytesOf(writeXlsx({ header: ['h'], rows: failing() }))).rejects.toThrow(
      'segment read failed',
    );
  });
});
