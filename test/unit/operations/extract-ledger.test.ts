/**
 * The row ledger of an extract, run whole in memory (plan, every part, finalize): no row goes
 * missing without a word, degenerate files end at once, and a ledger that does not balance
 * fails the job instead of completing it.
 */
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../shared/domain/errors.js';
import type { Job } from '../../../shared/domain/job.js';
import { FORMATS, type Format } from '../../../shared/formats/index.js';
import { writeXlsx } from '../../../shared/formats/xlsx/write.js';
import { extract } from '../../../shared/operations/extract.js';
import { readRecords } from '../../../shared/operations/segments.js';
import { memoryServices, newJob, runInMemory, storeFile } from './memory-services.js';

type Env = ReturnType<typeof memoryServices>;

function setup(name: string, content: string | Uint8Array) {
  const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
  const env = memoryServices(job);
  return { job, env, file: storeFile(env, name, content) };
}

async function run(env: Env, job: Job, config: Record<string, unknown> = {}) {
  job.config = await extract.validate(
    { environmentId: 'env_test', type: 'file', source: 'file_a', config },
    env.services,
  );
  const { plan, outcome } = await runInMemory(extract, env, job);
  const sheetId = String(outcome.sheetId ?? '');
  const { records } = sheetId ? await readRecords(env.services, sheetId, 0, 1_000_000) : { records: [] };
  return { plan, outcome, records };
}

async function xlsxBytes(rows: string[][]): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const [header = [], ...data] = rows;
  for await (const chunk of writeXlsx({ header, rows: [data] }, { sheetName: 'S' })) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const extension: Record<Format, string> = {
  csv: 'csv',
  tsv: 'tsv',
  ndjson: 'ndjson',
  json: 'json',
  xlsx: 'xlsx',
};

describe('degenerate files', () => {
  it('completes an empty file of every format, at any part size, with no records and says so', async () => {
    for (const format of FORMATS) {
      for (const partSizeBytes of [1024, 32 * 1024 * 1024]) {
        // Prepare
        const { job, env } = setup(`empty.${extension[format]}`, '');
        // Act
        const { plan, outcome } = await run(env, job, { partSizeBytes });
        // Assess
        expect(plan.parts, format).toBe(1);
        expect(outcome, format).toMatchObject({ records: 0, ledger: { rowsRead: 0, recordsStored: 0 } });
        expect(String(outcome.message), format).toMatch(/is empty/);
      }
    }
  });

  it('completes a header-only file, a blank-lines-only file and an empty array with no records and says so', async () => {
    const cases: [string, string | Buffer][] = [
      ['header.csv', 'id,name\r\n'],
      ['header-no-newline.csv', 'id,name'],
      ['blank.csv', '\n\n\r\n\n'],
      ['header.tsv', 'id\tname\n\n'],
      ['blank.ndjson', '\n  \n\n'],
      ['empty-array.json', ' [ ]\n'],
      ['blank.json', '\n\n'],
      ['header.xlsx', await xlsxBytes([['id', 'name']])],
    ];
    for (const [name, content] of cases) {
      const { job, env } = setup(name, content);
      const { outcome, records } = await run(env, job);
      expect(records, name).toEqual([]);
      expect(outcome, name).toMatchObject({ records: 0, ledger: { rowsRead: 0, rowsRejected: 0 } });
      expect(String(outcome.message), name).toMatch(/no data rows/);
    }
  });
});

describe('CSV rows as real files write them', () => {
  it('keeps a ragged row with a message on the record, in a new workbook and in a typed sheet', async () => {
    const text = 'id,name,size\n1,Ada,3\n2,Grace\n3,Alan,5,extra\n4,"Bar"bara,7\n';
    // A new workbook: text fields, stored as a CSV slice and read back with the messages.
    const { job, env } = setup('ragged.csv', text);
    const { outcome, records } = await run(env, job, { partSizeBytes: 1024 });
    expect(outcome).toMatchObject({ records: 4, invalid: 3, ledger: { rowsRead: 4, recordsInvalid: 3 } });
    expect(records.map((r) => [r.values, r.valid])).toEqual([
      [{ id: '1', name: 'Ada', size: '3' }, true],
      [{ id: '2', name: 'Grace', size: null }, false],
      [{ id: '3', name: 'Alan', size: '5' }, false],
      [{ id: '4', name: 'Barbara', size: '7' }, false],
    ]);
    expect(records[1]?.messages).toEqual({
      size: "the row has 2 of the header's 3 cells: this field's cell is missing",
    });
    expect(records[2]?.messages?.size).toMatch(
      /4 cells, the header 3: 1 extra cell\(s\) not stored: "extra"/,
    );
    expect(records[3]?.messages?.name).toMatch(/text follows the closing quote/);
  });

  it('refuses a file that ends inside a quoted cell, naming the line where it opens', async () => {
    const { job, env } = setup('open.csv', 'a,b\n1,2\n3,"never closed\n5,6\n7,8\n');
    await expect(run(env, job)).rejects.toThrow(UnprocessableError);
    await expect(run(env, job)).rejects.toThrow(/^Line 3: a quoted cell opens here and never closes/);
  });

  it('reads a Windows-1252 file as Windows-1252 and names the encoding it detected', async () => {
    const latin1 = Buffer.from('name;city\r\nZoë;Zürich\r\nRenée;Montréal\r\n', 'latin1');
    const { job, env } = setup('people.csv', latin1);
    const { outcome, records } = await run(env, job);
    expect(records.map((r) => r.values)).toEqual([
      { name: 'Zoë', city: 'Zürich' },
      { name: 'Renée', city: 'Montréal' },
    ]);
    expect(outcome).toMatchObject({ encoding: 'windows-1252', encodingSource: 'windows-1252' });
    expect(String(outcome.message)).toMatch(/read as Windows-1252/);
  });

  it('notes bytes a UTF-8 file does not decode, with their line, instead of storing U+FFFD silently', async () => {
    // Mostly UTF-8 (so it stays UTF-8), with one stray Latin-1 byte on line 4.
    const bytes = Buffer.concat([
      Buffer.from('name\nJosé\nZoë\nMüller\n', 'utf8'),
      Buffer.from('Ren\xe9e\n', 'latin1'),
      Buffer.from('Åsa\nØrjan\n', 'utf8'),
    ]);
    const { job, env } = setup('mixed.csv', bytes);
    const { outcome, records } = await run(env, job);
    expect(records.map((r) => r.values.name)).toContain('Ren\uFFFDe');
    expect(outcome).toMatchObject({ ledger: { warningCount: 1, warnings: [{ line: 5 }] } });
    expect(String(outcome.message)).toMatch(
      /1 byte sequence is not valid UTF-8 and stored as U\+FFFD \(the first at line 5\)/,
    );
  });

  it('refuses a PNG named .csv, and a gzip, naming what they are', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
    const first = setup('photo.csv', png);
    await expect(run(first.env, first.job)).rejects.toThrow(/photo\.csv is not a CSV file.*PNG/);
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]);
    const second = setup('data.csv', gzip);
    await expect(run(second.env, second.job)).rejects.toThrow(/gzip/i);
  });
});

describe('NDJSON and JSON rows that are no objects', () => {
  it('rejects each with its line in the file, across parts, and stores the rest: read = stored + rejected', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 300; i++) {
      if (i % 50 === 0) lines.push(`{"id": ${i}, broken`);
      else if (i % 70 === 0) lines.push(`[${i}]`);
      else lines.push(JSON.stringify({ id: i, note: 'x'.repeat(40) }));
    }
    const { job, env } = setup('rows.ndjson', `${lines.join('\n')}\n`);
    const { plan, outcome, records } = await run(env, job, { partSizeBytes: 1024 });
    expect(plan.parts).toBeGreaterThan(10);
    const rejectedLines = [50, 70, 100, 140, 150, 200, 210, 250, 280, 300];
    expect(outcome).toMatchObject({
      records: 290,
      rejected: 10,
      ledger: { rowsRead: 300, recordsStored: 290, rowsRejected: 10 },
    });
    const ledger = outcome.ledger as { rejections: { line: number; reason: string }[] };
    expect(ledger.rejections.map((r) => r.line)).toEqual(rejectedLines);
    expect(ledger.rejections[1]?.reason).toMatch(/array, not an object/);
    expect(records).toHaveLength(290);
  });

  it('rejects an element of a JSON array that is no object, with the line it starts on', async () => {
    const { job, env } = setup('rows.json', '[\n  {"a": 1},\n  42,\n  {"a": 2}\n]\n');
    const { outcome } = await run(env, job);
    expect(outcome).toMatchObject({
      records: 2,
      ledger: { rowsRead: 3, rowsRejected: 1, rejections: [{ line: 3 }] },
    });
  });
});

describe('the ledger check at finalize', () => {
  it('fails the job when the parts do not tile the file, naming the gap', async () => {
    const { job, env } = setup(
      'gap.csv',
      `id\n${Array.from({ length: 4000 }, (_, i) => `${i}`).join('\n')}\n`,
    );
    job.config = await extract.validate(
      { environmentId: 'env_test', type: 'file', source: 'file_a', config: { partSizeBytes: 1024 } },
      env.services,
    );
    await expect(
      runInMemory(extract, env, job, {
        beforeFinalize: () => {
          // A part that read less than its range, as a lost chunk would leave it.
          const stats = env.stats.get(1) ?? {};
          env.stats.set(1, { ...stats, end: (stats.end ?? 0) - 10, bytes: (stats.bytes ?? 0) - 10 });
        },
      }),
    ).rejects.toThrow(
      /do not cover the file exactly: bytes \d+–\d+ of the file were read by no part \(before part 2\)/,
    );
  });

  it('fails the job when the sheets do not hold the records the parts stored', async () => {
    const { job, env } = setup(
      'lost.csv',
      `id\n${Array.from({ length: 400 }, (_, i) => `${i}`).join('\n')}\n`,
    );
    job.config = await extract.validate(
      { environmentId: 'env_test', type: 'file', source: 'file_a', config: { partSizeBytes: 1024 } },
      env.services,
    );
    await expect(
      runInMemory(extract, env, job, {
        beforeFinalize: async () => {
          // A segment whose registration was lost.
          for (const segments of env.resources.segments.values())
            segments.delete([...segments.keys()][0] ?? 0);
        },
      }),
    ).rejects.toThrow(/row ledger does not balance/);
  });
});
