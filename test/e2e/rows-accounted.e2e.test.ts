/**
 * Every row accounted for, through HTTP: the files real users upload — stray quotes in
 * unquoted cells, a quote that never closes, empty files, binaries renamed, Windows-1252
 * exports, workbooks whose zip entries come in any order — each end the way a user expects,
 * with a row ledger on the outcome that balances.
 */
import type { Job } from 'partwise/client';
import { describe, expect, it } from 'vitest';
import { bodyOf, hasEnded } from '../helpers/client.js';
import { arrayAt, memberAt, stringAt } from '../helpers/json-members.js';
import { useTarget } from '../helpers/stack.js';
import { entriesOf, streamedWorkbook, type ZipEntry, zipOf } from '../unit/formats/xlsx-fixtures.js';

const context = useTarget();

async function extractFile(name: string, content: string | Buffer, config: Record<string, unknown> = {}) {
  const { client } = context;
  const file = await client.uploadByUrl(name, content);
  const created = await client.api.POST('/jobs', {
    body: { type: 'file', operation: 'extract', source: file.id, trigger: 'immediate', config },
  });
  // Waits a minute at most: a job the engine left behind (in PLANNING, say) would only move
  // when the sweeper comes by, every 15 minutes.
  const job = await client.pollJob(bodyOf(created, 201).data.id, hasEnded, 60_000);
  return { job };
}

/** The records of the sheet the extract stored them in. */
async function recordsOf(job: Job) {
  return context.client.allRecords(stringAt(job.outcome, 'sheetId'));
}

describe('CSV as real files are written', () => {
  // One row in 97 holds an unquoted `12" pizza`: quote parity would swallow the rows after it.
  const rows = Array.from({ length: 5000 }, (_, i) =>
    i % 97 === 0
      ? [String(i), `${i}: a 12" pizza, extra cheese`.replace(',', ''), 'x']
      : [String(i), `item ${i}`, 'y'],
  );
  const csv = `id,desc,tag\n${rows.map((r) => r.join(',')).join('\n')}\n`;

  for (const partSizeBytes of [1024, 32 * 1024 * 1024]) {
    it(`keeps all 5,000 rows and each 12" as written, in parts of ${partSizeBytes} bytes`, async () => {
      const { job } = await extractFile('menu.csv', csv, { partSizeBytes });
      expect(job.status).toBe('COMPLETED');
      expect(job.outcome).toMatchObject({
        records: 5000,
        invalid: 0,
        ledger: {
          rowsRead: 5000,
          recordsStored: 5000,
          rowsRejected: 0,
          bytesRead: Buffer.byteLength(csv) - 12,
        },
      });
      const records = await recordsOf(job);
      expect(records.map((r) => [r.values.id, r.values.desc, r.values.tag])).toEqual(rows);
    }, 120_000);
  }

  it('keeps the quotes of coordinates in an unquoted cell', async () => {
    const text = 'Contact,Location Coordinates,City\n2095257564,37°36\'37.8"N 121°2\'17.9"W,Modesto\n';
    const { job } = await extractFile('places.csv', text);
    expect(job.status).toBe('COMPLETED');
    const [record] = await recordsOf(job);
    expect(record?.values).toEqual({
      contact: '2095257564',
      location_coordinates: '37°36\'37.8"N 121°2\'17.9"W',
      city: 'Modesto',
    });
  });

  it('keeps a quoted word inside a TSV cell as written', async () => {
    const { job } = await extractFile('birds.tsv', 'id\tname\n1\tEmu\n2\tÑandú, "quoted"\n');
    expect(job.status).toBe('COMPLETED');
    const records = await recordsOf(job);
    expect(records.map((r) => r.values.name)).toEqual(['Emu', 'Ñandú, "quoted"']);
  });

  it('fails a file whose quote never closes, with the line where it opens', async () => {
    const { job } = await extractFile('open.csv', 'a,b\n1,2\n3,"never closed\n5,6\n7,8\n');
    expect(job.status).toBe('FAILED');
    expect(job.error?.message).toMatch(/^Line 3: a quoted cell opens here and never closes/);
  });
});

describe('files that are empty, binary or not UTF-8', () => {
  for (const partSizeBytes of [undefined, 1024]) {
    it(`completes a 0-byte CSV at once with no records${partSizeBytes ? ' (1 KiB parts)' : ''}`, async () => {
      const { job } = await extractFile('empty.csv', '', partSizeBytes ? { partSizeBytes } : {});
      expect(job.status).toBe('COMPLETED');
      expect(job.outcome).toMatchObject({ records: 0, ledger: { rowsRead: 0 } });
      expect(job.outcome?.message).toMatch(/empty/);
    });
  }

  it('refuses a PNG renamed photo.csv, saying what it looks like', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR'),
      Buffer.alloc(200, 7),
    ]);
    const { job } = await extractFile('photo.csv', png);
    expect(job.status).toBe('FAILED');
    expect(job.error?.message).toMatch(/photo\.csv is not a CSV file.*PNG/);
  });

  it('reads a Windows-1252 CSV as written and names the encoding it detected', async () => {
    const bytes = Buffer.from('name,city\r\nZoë,Zürich\r\nFrançois,Besançon\r\n', 'latin1');
    const { job } = await extractFile('people.csv', bytes);
    expect(job.status).toBe('COMPLETED');
    expect(job.outcome).toMatchObject({
      records: 2,
      encoding: 'windows-1252',
      encodingSource: 'windows-1252',
    });
    const records = await recordsOf(job);
    expect(records.map((r) => r.values)).toEqual([
      { name: 'Zoë', city: 'Zürich' },
      { name: 'François', city: 'Besançon' },
    ]);
  });
});

describe('XLSX whatever the order of its zip entries', () => {
  function sheetCounts(job: Job) {
    return arrayAt(job.outcome, 'sheets').map((sheet) => [
      memberAt(sheet, 'name'),
      memberAt(sheet, 'records'),
    ]);
  }

  it('extracts both sheets of a workbook whose last zip entry is a worksheet', async () => {
    const written = await streamedWorkbook({ First: [['a'], ['1'], ['2']], Second: [['b'], ['3']] });
    const entries = await entriesOf(written);
    const last = entries.filter(([name]) => name === 'xl/worksheets/sheet2.xml');
    const bytes = zipOf([...entries.filter(([name]) => name !== 'xl/worksheets/sheet2.xml'), ...last], {
      deflate: true,
    });
    const { job } = await extractFile('two.xlsx', bytes);
    expect(job.status).toBe('COMPLETED');
    expect(sheetCounts(job)).toEqual([
      ['First', 2],
      ['Second', 1],
    ]);
  });

  it("extracts a 3-sheet workbook in Excel's entry order the same way, 12 times", async () => {
    const written = await streamedWorkbook({
      A: [['k'], ['1'], ['2']],
      B: [['k'], ['3']],
      C: [['k'], ['4'], ['5'], ['6']],
    });
    // Excel's order: content types, rels, docProps, workbook, theme, styles, sheets, shared strings last.
    const rank = (name: string) =>
      [
        '[Content_Types]',
        '_rels/',
        'docProps/',
        'xl/workbook',
        'xl/_rels/',
        'xl/theme',
        'xl/styles',
        'xl/worksheets/',
      ].findIndex((prefix) => name.startsWith(prefix)) >>> 0;
    const entries: ZipEntry[] = (await entriesOf(written)).sort(([a], [b]) => rank(a) - rank(b));
    const bytes = zipOf(entries, { deflate: true });
    const jobs = await Promise.all(Array.from({ length: 12 }, () => extractFile('three.xlsx', bytes)));
    for (const { job } of jobs) {
      expect(job.status).toBe('COMPLETED');
      expect(sheetCounts(job)).toEqual([
        ['A', 2],
        ['B', 1],
        ['C', 3],
      ]);
      expect(job.outcome?.ledger).toMatchObject({ rowsRead: 6, recordsStored: 6 });
    }
  }, 180_000);
});
