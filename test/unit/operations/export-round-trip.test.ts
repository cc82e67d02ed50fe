/**
 * Each export format's round trip: a typed sheet's stored rows, written by the export's own
 * writer, read back by the format's reader and typed with the same fields, are the rows
 * that were stored. Where a format cannot give a value back exactly, the test at the end
 * says which and why.
 */
import { describe, expect, it } from 'vitest';
import '../../../shared/formats/xlsx/codec.js';
import type { Field, RecordRow } from '../../../shared/domain/resources.js';
import { rowTyper } from '../../../shared/domain/values.js';
import { FORMATS, type Format, readSheets } from '../../../shared/formats/index.js';
import { type ExportSettings, joinedExport, partWriter } from '../../../shared/operations/export.js';

const fields: Field[] = [
  { key: 'text', type: 'string' },
  { key: 'amount', type: 'number' },
  { key: 'paid', type: 'boolean' },
  { key: 'due', type: 'date' },
  { key: 'colour', type: 'enum', options: ['Red', 'Green'] },
];
const keys = fields.map((f) => f.key);
const typed = rowTyper(fields);

/** Raw cells as a CSV gives them, in `fields` order, typed as an extract stores them. */
const stored = (raws: unknown[][]): RecordRow[] => raws.map((raw, i) => typed(`1.0.${i}`, raw));

async function* once<T>(value: T) {
  yield value;
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** The export object's bytes for `rows`, as one part and finalize write them. */
function exported(format: Format, rows: RecordRow[], escapeFormulas = true): Promise<Buffer> {
  const settings: ExportSettings = {
    sheet: 'sh_a',
    format,
    fields: keys,
    headerCells: keys,
    escapeFormulas,
    fileName: `Typed.${format}`,
  };
  const part = partWriter(settings, 0)(once({ keys, rows }));
  return bytesOf(joinedExport(format, once({ rows: rows.length, bytes: part })));
}

/** `rows` exported as `format`, read back and typed with the same fields, ids as they were. */
async function roundTrip(format: Format, rows: RecordRow[], escapeFormulas = true): Promise<RecordRow[]> {
  const bytes = await exported(format, rows, escapeFormulas);
  const back: RecordRow[] = [];
  for await (const sheet of readSheets(format, once(new Uint8Array(bytes)))) {
    expect(sheet.header).toEqual(keys);
    for await (const batch of sheet.rows) {
      for (const cells of batch) back.push(typed(rows[back.length]?.[0] ?? 'extra', cells));
    }
  }
  return back;
}

const sheetRows = stored([
  // text: quotes, delimiters, line breaks, unicode, spaces, empty, digits that are text
  ['plain', '0', 'true', '2026-11-28', 'Red'],
  ['with "quotes", commas; and\ttabs', '-1.5', 'false', '2026-11-28T09:30:15.250Z', 'green'],
  ['two\nlines and\r\nCRLF', '3.14159', 'yes', '2026-11-28 09:30', 'Green'],
  ['é 漢 😀 \u00a0 \u200b', '1e21', 'no', '28 Nov 2026', ''],
  ['  padded  ', '12345678901234567', '1', '2026-11-28T09:30:00+01:00', 'red'],
  ['', '-0.000001', '0', '', 'Red'],
  ['007', '0.30000000000000004', '', '2026-02-28', 'Green'],
  ['true', '9007199254740993', 'TRUE', '2026-11-28T23:59:59.999', 'Red'],
  ['"', '1,234,567.89', 'false', '2026-11-28', 'Red'],
  // control characters (XLSX has to escape them), an XLSX escape as text, a BOM-like first character
  ['ctl \u0001\u0000\u001f end', '', '', '', ''],
  ['_x0041_ is text', '', '', '', ''],
  ['\uFEFFbom first', '', '', '', ''],
  // no values, and values that do not fit kept as given (text)
  ['x', '', '', '', ''],
  ['y', 'n/a', 'maybe', '11/28/2026', 'Blue'],
  ['z', '12abc', 'tru', 'soon', ' '],
]);

describe('the rows a typed sheet stores', () => {
  it('hold typed values and values kept as given, as the round trips below need', () => {
    // Prepare: a guard that the fixture holds what the round trips claim to cover.
    const values = sheetRows.flatMap((row) => row.slice(1, keys.length + 1));
    // Assess
    expect(values).toContain(-1.5);
    expect(values).toContain(1e21);
    expect(values).toContain(12345678901234568);
    expect(values).toContain(1234567.89);
    expect(values).toContain(true);
    expect(values).toContain(false);
    expect(values).toContain('2026-11-28T08:30:00Z');
    expect(values).toContain('Green');
    expect(values).toContain(null);
    expect(sheetRows[13]?.[2]).toBe('n/a');
    expect(sheetRows[13]?.at(-1)).toMatchObject({ amount: expect.stringContaining('not a number') });
  });
});

describe('export and extract', () => {
  for (const format of FORMATS) {
    it(`gives back every stored value exactly through ${format}`, async () => {
      expect(await roundTrip(format, sheetRows)).toEqual(sheetRows);
    });
  }

  it('writes JSON and NDJSON values with their JSON types', async () => {
    const [first] = JSON.parse((await exported('json', sheetRows)).toString());
    expect(first).toEqual({ text: 'plain', amount: 0, paid: true, due: '2026-11-28', colour: 'Red' });
    const lines = (await exported('ndjson', sheetRows)).toString().trimEnd().split('\n');
    expect(JSON.parse(lines[12] as string)).toEqual({
      text: 'x',
      amount: null,
      paid: null,
      due: null,
      colour: null,
    });
  });
});

describe('what a round trip cannot give back exactly', () => {
  it('gives a string field with no value (null) back as an empty text, in every format', async () => {
    // A short CSV row leaves a string field null; a reader gives text cells only, so a file
    // has no way to tell "no value" from "empty text" back to a string field.
    const rows = stored([['only text']]).map((row): RecordRow => [row[0], null, ...row.slice(2)]);
    for (const format of FORMATS) {
      const [back] = await roundTrip(format, rows);
      expect(back?.[1], format).toBe('');
    }
  });

  it('gives a value kept as given back as text when it was no text, in every format', async () => {
    // A JSON `true` in a number field is kept as `true`; the file holds it (as `true` in
    // JSON), but a reader gives the cell as the text "true".
    const rows = stored([['t', true, 5, 7, false]]);
    for (const format of FORMATS) {
      const [back] = await roundTrip(format, rows);
      expect(back?.slice(1, 6), format).toEqual(['t', 'true', '5', '7', 'false']);
      expect(back?.at(-1), format).toEqual(rows[0]?.at(-1));
    }
  });

  it('gives a lone UTF-16 surrogate back as U+FFFD in CSV and TSV, which UTF-8 cannot hold', async () => {
    // Only a JSON source's `\ud800` escape can store one; JSON writes it as the same escape.
    const rows = stored([['lone \ud800 surrogate', '', '', '', '']]);
    for (const format of FORMATS) {
      const [back] = await roundTrip(format, rows);
      const replaced = format === 'csv' || format === 'tsv';
      expect(back?.[1], format).toBe(replaced ? 'lone \ufffd surrogate' : 'lone \ud800 surrogate');
    }
  });

  it('escapes text that a spreadsheet would run as a formula in CSV, TSV and XLSX, unless told not to', async () => {
    // A tab or carriage return first can hide a formula, so those are escaped too.
    const formulas = ['=1+1', '@sum', '+x', '\tlead', '\r'];
    const rows = stored(formulas.map((text, i) => [text, i === 0 ? '-3' : '', '', '', '']));
    for (const format of FORMATS) {
      const back = (await roundTrip(format, rows)).map((row) => row[1]);
      const text = format === 'json' || format === 'ndjson';
      expect(back, format).toEqual(text ? formulas : formulas.map((f) => `'${f}`));
      // A plain negative number is never escaped.
      expect((await roundTrip(format, rows))[0]?.[2], format).toBe(-3);
      expect(await roundTrip(format, rows, false), format).toEqual(rows);
    }
  });
});
