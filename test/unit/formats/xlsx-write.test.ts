import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, SheetSource } from '../../../shared/formats/table.js';
import { bufferSource, openXlsx } from '../../../shared/formats/xlsx/read.js';
import { columnLetters, sheetNames, writeXlsx } from '../../../shared/formats/xlsx/write.js';
import { parseXmlPart } from '../../../shared/formats/xlsx/xml.js';
import { bytesOf } from './format-fixtures.js';
import { entriesOf, readAllSheets } from './xlsx-fixtures.js';

const text = (bytes: string | Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Every element of an XML part, with its attributes, in document order (saxes: the XML must be well-formed). */
async function elementsOf(xml: string | Uint8Array, part: string) {
  const elements: { name: string; attributes: Readonly<Record<string, string>> }[] = [];
  await parseXmlPart(
    (async function* () {
      yield Buffer.from(xml);
    })(),
    part,
    { open: (name, attributes) => elements.push({ name, attributes }), close() {}, text() {} },
  );
  return elements;
}

const cell = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('  padded ', 'a\nb', '_x0041_', '<&>"', '=1+1', '-5', 'true', '45352'),
);
const row = fc.array(cell, { maxLength: 40 });
const sheet = fc.record({
  name: fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })),
  header: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 40 }),
  rows: fc.array(row, { maxLength: 8 }),
});

describe('writeXlsx', () => {
  it('writes cells that read back equal, across sheets, widths past column Z, empty and trailing empty cells', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sheet, { minLength: 1, maxLength: 4 }), async (tables) => {
        // Prepare: rows in several batches, as segments arrive
        const sources: SheetSource[] = tables.map((t) => ({
          name: t.name,
          header: t.header,
          rows: [t.rows.slice(0, 3), t.rows.slice(3)],
        }));
        // Act
        const bytes = await bytesOf(writeXlsx(sources, { escapeFormulas: false }));
        // Assess: a row with no cells at all is no data row; every other row keeps its width
        const names = sheetNames(tables.map((t) => t.name));
        expect(await readAllSheets(bufferSource(bytes))).toEqual(
          tables.map((t, i) => ({
            name: names[i],
            header: t.header,
            rows: t.rows.filter((r) => r.length > 0),
          })),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('mends sheet names XML cannot hold, and never cuts a character in two at 31', () => {
    expect(sheetNames(['a\u0001b\uFFFF', `${'x'.repeat(30)}😀`, "'quoted'", 'lone \uD800'])).toEqual([
      'a_b_',
      'x'.repeat(30),
      'quoted',
      'lone _',
    ]);
  });

  it('names columns as Excel does, past Z and up to its last column', () => {
    expect([0, 25, 26, 51, 52, 701, 702, 16383].map(columnLetters)).toEqual([
      'A',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });

  it('writes a package Excel opens: every part typed, every relationship resolved, every cell referenced', async () => {
    // Prepare
    const header = Array.from({ length: 30 }, (_, i) => `h${i}`);
    const bytes = await bytesOf(
      writeXlsx([
        { name: 'People & <Co>', header, rows: [[header.map((h) => `${h}!`)]] },
        { name: 'Second', header: ['x'], rows: [] },
      ]),
    );
    // Act
    const entries = new Map((await entriesOf(bytes)).map(([name, content]) => [name, content]));
    const parts = new Map<string, Awaited<ReturnType<typeof elementsOf>>>();
    for (const [name, content] of entries) parts.set(name, await elementsOf(content, name));
    // Assess: the content types name every part, and only parts that are there
    const types = parts.get('[Content_Types].xml') ?? [];
    const overrides = types.filter((e) => e.name === 'Override').map((e) => e.attributes.PartName?.slice(1));
    const defaults = new Set(types.filter((e) => e.name === 'Default').map((e) => e.attributes.Extension));
    for (const name of entries.keys())
      expect(overrides.includes(name) || defaults.has(name.slice(name.lastIndexOf('.') + 1))).toBe(true);
    for (const part of overrides) expect(entries.has(part ?? '')).toBe(true);
    expect(overrides).toEqual(
      expect.arrayContaining(['xl/workbook.xml', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']),
    );
    // every relationship points at a part of the package
    const officeDocument = parts.get('_rels/.rels')?.find((e) => e.name === 'Relationship');
    expect(officeDocument?.attributes.Target).toBe('xl/workbook.xml');
    const workbookRels = (parts.get('xl/_rels/workbook.xml.rels') ?? []).filter(
      (e) => e.name === 'Relationship',
    );
    for (const { attributes } of workbookRels) expect(entries.has(`xl/${attributes.Target}`)).toBe(true);
    // each sheet has its own id and a relationship, and its name escaped
    const sheets = (parts.get('xl/workbook.xml') ?? []).filter((e) => e.name === 'sheet');
    expect(sheets.map((s) => [s.attributes.name, s.attributes.sheetId])).toEqual([
      ['People & <Co>', '1'],
      ['Second', '2'],
    ]);
    for (const s of sheets)
      expect(workbookRels.some((r) => r.attributes.Id === s.attributes['r:id'])).toBe(true);
    // the one cell format Excel's default style needs
    expect(parts.get('xl/styles.xml')?.filter((e) => e.name === 'xf')).toHaveLength(2);
    // cells carry references, columns past Z included, in row order
    const refs = (parts.get('xl/worksheets/sheet1.xml') ?? [])
      .filter((e) => e.name === 'c')
      .map((e) => e.attributes.r);
    expect(refs.slice(25, 30)).toEqual(['Z1', 'AA1', 'AB1', 'AC1', 'AD1']);
    expect(refs.slice(30, 32)).toEqual(['A2', 'B2']);
    expect(text(entries.get('xl/worksheets/sheet2.xml') ?? '')).toContain('<c r="A1" t="inlineStr">');
  });

  it('marks text whose edges or line breaks Excel would trim with xml:space="preserve", and only that', async () => {
    const bytes = await bytesOf(writeXlsx({ header: [' lead', 'trail ', 'a\nb', 'plain'], rows: [] }));
    const entries = await entriesOf(bytes);
    const sheetXml = text(entries.find(([name]) => name === 'xl/worksheets/sheet1.xml')?.[1] ?? '');
    expect(sheetXml.match(/<t[^>]*>[^<]*<\/t>/g)).toEqual([
      '<t xml:space="preserve"> lead</t>',
      '<t xml:space="preserve">trail </t>',
      '<t xml:space="preserve">a\nb</t>',
      '<t>plain</t>',
    ]);
  });

  it("numbers the sheet's rows from the header down, so the row ledger's lines are the sheet's rows", async () => {
    // Prepare: a row with no cells still takes its number
    const bytes = await bytesOf(writeXlsx({ header: ['a'], rows: [[['1'], [], ['3']]] }));
    const numbers: number[] = [];
    // Act
    const book = await openXlsx(bufferSource(bytes));
    const read = await book.readSheet(0, { onRowNumber: (n) => numbers.push(n) });
    const rows: Row[] = [];
    for await (const batch of read.rows) rows.push(...batch);
    await book.close();
    // Assess
    expect(rows).toEqual([['1'], ['3']]);
    expect(numbers).toEqual([2, 4]);
  });

  it('writes a workbook of one empty sheet when given no tables, since Excel opens none without a sheet', async () => {
    const bytes = await bytesOf(writeXlsx([]));
    expect(await readAllSheets(bufferSource(bytes))).toEqual([{ name: 'Sheet1', header: [], rows: [] }]);
  });

  it('hands out bytes while the rows come in, in slices that inflate as one worksheet', async () => {
    // Prepare: rows made on demand, counted
    let made = 0;
    function* rows(): Generator<Row[]> {
      for (let batch = 0; batch < 100; batch++) {
        made += 1000;
        yield Array.from({ length: 1000 }, (_, i) => [`row ${batch * 1000 + i}`, 'some text to deflate']);
      }
    }
    // Act
    const chunks: Uint8Array[] = [];
    let madeAt100KB = 0;
    let bytes = 0;
    for await (const chunk of writeXlsx({ header: ['a', 'b'], rows: rows() })) {
      chunks.push(chunk);
      bytes += chunk.length;
      if (madeAt100KB === 0 && bytes > 100_000) madeAt100KB = made;
    }
    // Assess: written as the rows came, and the worksheet (some 50 slices) reads back whole
    expect(made).toBe(100_000);
    expect(madeAt100KB).toBeGreaterThan(0);
    expect(madeAt100KB).toBeLessThan(made / 2);
    const [sheet] = await readAllSheets(bufferSource(Buffer.concat(chunks)));
    expect(sheet?.rows).toHaveLength(100_000);
    expect(sheet?.rows[99_999]).toEqual(['row 99999', 'some text to deflate']);
  });
});
