/**
 * A zip may hold its entries in any order; the central directory at its end says where each
 * one is. exceljs's streaming reader took them in file order and lost sheets it met too
 * early or too late (a worksheet as the last entry; a race in Excel's own order). These
 * tests rewrite one workbook in many orders and expect the very same sheets every time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../shared/formats/table.js';
import { openXlsx } from '../../../shared/formats/xlsx/read.js';
import { bufferSource } from '../../../shared/formats/xlsx/source.js';
import {
  entriesOf,
  rangeSource,
  readAllSheets,
  streamedWorkbook,
  type ZipEntry,
  zipOf,
} from './xlsx-fixtures.js';

const sheetsOf = (bytes: Uint8Array) => readAllSheets(rangeSource(bytes, { chunkSize: 4096 }));

// Shared strings (repeated across sheets), a date style, numbers and booleans.
const workbook = streamedWorkbook(
  {
    People: [
      ['name', 'born', 'member'],
      ['Zoë', new Date(Date.UTC(1984, 1, 29)), true],
      ['Bjørn', new Date(Date.UTC(2001, 8, 11, 8, 46)), false],
    ],
    'Orders 2024': [
      ['id', 'who', 'total'],
      [1, 'Zoë', -12.25],
      [2, 'Bjørn', 1e21],
    ],
    Notes: [['note'], ['Zoë & <Bjørn>'], ['漢字 😀']],
  },
  'yyyy-mm-dd hh:mm',
);

const EXPECTED = [
  {
    name: 'People',
    header: ['name', 'born', 'member'],
    rows: [
      ['Zoë', '1984-02-29', 'true'],
      ['Bjørn', '2001-09-11T08:46:00', 'false'],
    ],
  },
  {
    name: 'Orders 2024',
    header: ['id', 'who', 'total'],
    rows: [
      ['1', 'Zoë', '-12.25'],
      ['2', 'Bjørn', '1e+21'],
    ],
  },
  { name: 'Notes', header: ['note'], rows: [['Zoë & <Bjørn>'], ['漢字 😀']] },
];

const isSheet = ([name]: ZipEntry) => name.startsWith('xl/worksheets/');
const named =
  (part: string) =>
  ([name]: ZipEntry) =>
    name === part;

/** The entries with those `first` put first and those `last` put last, the rest in their order. */
function reordered(entries: ZipEntry[], first: (e: ZipEntry) => boolean, last: (e: ZipEntry) => boolean) {
  const head = entries.filter(first);
  const tail = entries.filter((e) => !first(e) && last(e));
  return [...head, ...entries.filter((e) => !first(e) && !last(e)), ...tail];
}

describe('reading an XLSX whatever the order of its zip entries', () => {
  it('reads the workbook as written, from the order exceljs writes', async () => {
    expect(await sheetsOf(await workbook)).toEqual(EXPECTED);
  });

  const orders: [string, (entries: ZipEntry[]) => ZipEntry[]][] = [
    ['worksheets last', (e) => reordered(e, () => false, isSheet)],
    ['worksheets first', (e) => reordered(e, isSheet, () => false)],
    ['shared strings first', (e) => reordered(e, named('xl/sharedStrings.xml'), () => false)],
    ['shared strings last', (e) => reordered(e, () => false, named('xl/sharedStrings.xml'))],
    ['workbook.xml last', (e) => reordered(e, () => false, named('xl/workbook.xml'))],
    ['styles last, after the sheets', (e) => reordered(e, () => false, named('xl/styles.xml'))],
    ['every entry reversed', (e) => [...e].reverse()],
  ];
  for (const [order, arrange] of orders) {
    for (const deflate of [false, true]) {
      it(`reads the same sheets with ${order} (${deflate ? 'deflated' : 'stored'})`, async () => {
        const entries = arrange(await entriesOf(await workbook));
        expect(await sheetsOf(zipOf(entries, { deflate }))).toEqual(EXPECTED);
      });
    }
  }

  it('reads the same sheets from any permutation of the entries (seeded)', async () => {
    const entries = await entriesOf(await workbook);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
        fc.boolean(),
        async (order, deflate) => {
          expect(await sheetsOf(zipOf(order, { deflate }))).toEqual(EXPECTED);
        },
      ),
      { seed: 20240301, numRuns: 40 },
    );
  });

  it('reads both sheets of a 2-sheet workbook whose last entry is a worksheet', async () => {
    const bytes = await streamedWorkbook({ First: [['a'], ['1']], Second: [['b'], ['2']] });
    const entries = reordered(await entriesOf(bytes), () => false, named('xl/worksheets/sheet2.xml'));
    expect(entries.at(-1)?.[0]).toBe('xl/worksheets/sheet2.xml');
    expect(await sheetsOf(zipOf(entries, { deflate: true }))).toEqual([
      { name: 'First', header: ['a'], rows: [['1']] },
      { name: 'Second', header: ['b'], rows: [['2']] },
    ]);
  });

  it("reads Excel's own entry order identically 30 times over, concurrently", async () => {
    // Excel: content types, rels, docProps, workbook, theme, styles, sheets, then shared strings.
    const entries = await entriesOf(await workbook);
    const rank = (name: string) =>
      [
        '[Content_Types].xml',
        '_rels/',
        'docProps/',
        'xl/workbook.xml',
        'xl/_rels/',
        'xl/theme/',
        'xl/styles.xml',
        'xl/worksheets/',
        'xl/sharedStrings.xml',
      ].findIndex((prefix) => name.startsWith(prefix));
    const excel = zipOf(
      [...entries].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)),
      { deflate: true },
    );
    const reads = await Promise.all(Array.from({ length: 30 }, () => sheetsOf(excel)));
    for (const read of reads) expect(read).toEqual(EXPECTED);
  });

  it('reads several sheets of one open book at once, each whole', async () => {
    const book = await openXlsx(bufferSource(zipOf([...(await entriesOf(await workbook))].reverse())));
    try {
      const read = await Promise.all(
        [2, 0, 1, 0].map(async (index) => {
          const sheet = await book.readSheet(index);
          const rows: Row[] = [];
          for await (const batch of sheet.rows) rows.push(...batch);
          return { name: sheet.name, header: sheet.header, rows };
        }),
      );
      expect(read).toEqual([EXPECTED[2], EXPECTED[0], EXPECTED[1], EXPECTED[0]]);
    } finally {
      await book.close();
    }
  });
});
