import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job.js';
import type { DataFile, Field } from '../../../shared/domain/resources.js';
import { fieldsFromHeader, matchColumns, rowPicker } from '../../../shared/operations/columns.js';
import { extract } from '../../../shared/operations/extract.js';
import { planSource } from '../../../shared/operations/extract-source.js';
import { readRecords } from '../../../shared/operations/segments.js';
import { memoryServices, newJob, runInMemory, storeFile } from './memory-services.js';

const fields: Field[] = [
  { key: 'full_name', label: 'Name', type: 'string' },
  { key: 'amount', label: 'Amount (EUR)', type: 'number' },
  { key: 'joined', type: 'date' },
];

describe('header cells and fields', () => {
  it('matches keys or labels ignoring case, spaces, _ and -, reporting what did not match', () => {
    expect(matchColumns([' FULL NAME', 'amount (eur)', 'Extra', ''], fields)).toEqual({
      columns: [0, 1, -1],
      unmatchedColumns: ['Extra', '(column 4)'],
      missingFields: ['joined'],
      mapped: [],
    });
  });

  it('gives a field to the first of two matching columns, and prefers a key to a label', () => {
    const both: Field[] = [
      { key: 'name', type: 'string' },
      { key: 'title', label: 'Name', type: 'string' },
    ];
    expect(matchColumns(['Name', 'NAME'], both)).toMatchObject({
      columns: [0, -1],
      unmatchedColumns: ['NAME'],
    });
  });

  it('makes text fields from a header, and picks each field its cell', () => {
    expect(fieldsFromHeader(['Full Name', 'Full Name', ''])).toEqual([
      { key: 'full_name', label: 'Full Name', type: 'string' },
      { key: 'full_name_2', label: 'Full Name', type: 'string' },
      { key: 'column_3', label: 'column_3', type: 'string' },
    ]);
    expect(rowPicker([2, -1, 0])(['a', 'b', 'c'])).toEqual(['c', undefined, 'a']);
    const cells = ['x', 'y'];
    expect(rowPicker([0, 1])(cells)).toBe(cells);
  });
});

const fileWith = storeFile;

/** Runs a whole extract in memory (plan, every part, finalize): its layout, outcome and stored records' values. */
async function extractAll(
  env: ReturnType<typeof memoryServices>,
  job: Job,
  file: DataFile,
  config: Record<string, unknown> = {},
) {
  job.config = await extract.validate(
    { environmentId: 'env_test', type: 'file', source: file.id, config },
    env.services,
  );
  const { plan, outcome } = await runInMemory(extract, env, job);
  const sheetId = String(outcome.sheetId ?? '');
  const { records } = sheetId ? await readRecords(env.services, sheetId, 0, 1_000_000) : { records: [] };
  return { plan, outcome, records, rows: records.map((r) => Object.values(r.values)) };
}

describe('extract plans', () => {
  it('splits NDJSON at line starts: every object lands in exactly one part, whatever the part size', async () => {
    const line = fc.record({ a: fc.string({ maxLength: 30 }), b: fc.integer() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1024, max: 1200 }),
        fc.integer({ min: 1, max: 60 }),
        async (objects, partSize, pad) => {
          const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
          const env = memoryServices(job);
          // Long lines, so that 1 KiB parts (the smallest) cut the file in many places.
          const text = objects.map((o) => JSON.stringify({ ...o, pad: 'x'.repeat(pad * 20) })).join('\n');
          const file = fileWith(env, 'x.ndjson', `\uFEFF${text}\n`);
          const { plan, rows, outcome } = await extractAll(env, job, file, { partSizeBytes: partSize });
          expect(rows).toEqual(objects.map((o) => [o.a, String(o.b), 'x'.repeat(pad * 20)]));
          expect(plan.parts).toBeGreaterThanOrEqual(Math.floor(Buffer.byteLength(text) / partSize));
          expect(outcome.ledger).toMatchObject({ rowsRead: objects.length, recordsStored: objects.length });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('splits a JSON array between elements: every object stored once, in order, whatever the part size', async () => {
    const member = fc.record({ a: fc.string({ maxLength: 30 }), b: fc.integer() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(member, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1024, max: 1200 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(undefined, 2),
        async (objects, partSize, pad, indent) => {
          const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
          const env = memoryServices(job);
          // Padding full of what a depth scan must not count: brackets, commas and quotes in strings.
          const padded = objects.map((o) => ({ ...o, pad: '[{,"]}'.repeat(pad * 3) }));
          const text = JSON.stringify(padded, null, indent);
          const file = fileWith(env, 'x.json', `\uFEFF${text}\n`);
          const { plan, rows, outcome } = await extractAll(env, job, file, { partSizeBytes: partSize });
          expect(rows).toEqual(padded.map((o) => [o.a, String(o.b), o.pad]));
          expect(plan.parts).toBeGreaterThanOrEqual(Math.floor(Buffer.byteLength(text) / (partSize + 600)));
          expect(outcome.ledger).toMatchObject({ rowsRead: objects.length, recordsStored: objects.length });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the file line of a JSON element it rejects in a later part', async () => {
    const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
    const env = memoryServices(job);
    const elements: unknown[] = Array.from({ length: 60 }, (_, i) => ({ i, pad: 'x'.repeat(40) }));
    elements[50] = 42;
    const text = JSON.stringify(elements, null, 1); // one element over 4 lines: `{`, i, pad, `}`
    const file = fileWith(env, 'x.json', text);
    const { plan, outcome } = await extractAll(env, job, file, { partSizeBytes: 1024 });
    expect(plan.parts).toBeGreaterThan(2);
    expect(outcome.ledger).toMatchObject({ rowsRead: 60, recordsStored: 59, rowsRejected: 1 });
    expect(JSON.stringify(outcome)).toContain(`"line":${2 + 50 * 4}`);
  });

  it('fails a malformed JSON array in a later part with the line in the file', async () => {
    const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
    const env = memoryServices(job);
    const elements = Array.from({ length: 60 }, (_, i) => ({ i, pad: 'x'.repeat(40) }));
    // Element 50 loses its comma: `}` then `{` on the next line.
    const text = JSON.stringify(elements, null, 1).replace(/\},\n \{\n {2}"i": 50,/, '}\n {\n  "i": 50,');
    const file = fileWith(env, 'x.json', text);
    await expect(extractAll(env, job, file, { partSizeBytes: 1024 })).rejects.toThrow(
      `The JSON array is malformed: expected "," or "]", found "{" (line ${2 + 50 * 4}).`,
    );
  });

  it('detects the CSV delimiter and splits CSV at row starts outside quotes, a stray quote kept as written', async () => {
    const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
    const env = memoryServices(job);
    const row = (i: number) => `${i};"x;\ny ${'z'.repeat(i % 300)}";12" pizza\n`;
    const text = `a;b;c\n${Array.from({ length: 200 }, (_, i) => row(i)).join('')}`;
    const file = fileWith(env, 'x.csv', text);
    const { plan, rows, outcome } = await extractAll(env, job, file, { partSizeBytes: 1024 });
    expect(plan.parts).toBeGreaterThan(20);
    expect(outcome).toMatchObject({ format: 'csv', delimiter: ';', records: 200, invalid: 0 });
    expect(rows).toEqual(
      Array.from({ length: 200 }, (_, i) => [String(i), `x;\ny ${'z'.repeat(i % 300)}`, '12" pizza']),
    );
  });

  it('plans a JSON array, and refuses a format it does not read', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const json = fileWith(env, 'x.json', '[{"a":1},{"a":2,"b":"x"}]');
    expect(await planSource(env.services, json, { headerRow: 1, partSize: 1 })).toMatchObject({
      format: 'json',
      tables: [{ header: ['a', 'b'] }],
    });
    const xls = fileWith(env, 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]));
    await expect(planSource(env.services, xls, { headerRow: 1, partSize: 1024 })).rejects.toThrow(
      /format partwise does not read/,
    );
  });
});
