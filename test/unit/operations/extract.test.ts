import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataFile, Field } from '../../../shared/domain/resources.js';
import { fieldsFromHeader, matchColumns, rowPicker } from '../../../shared/operations/columns.js';
import { partRows, planSource } from '../../../shared/operations/extract-source.js';
import { memoryServices, newJob } from './memory-services.js';

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

function fileWith(env: ReturnType<typeof memoryServices>, name: string, content: string | Buffer): DataFile {
  const file: DataFile = {
    id: 'file_a',
    environmentId: 'env_test',
    name,
    mediaType: 'application/octet-stream',
    status: 'available',
    key: 'uploads/file_a',
    createdAt: '',
    updatedAt: '',
  };
  env.blobs.objects.set(file.key, Buffer.from(content));
  return file;
}

async function allParts(env: ReturnType<typeof memoryServices>, file: DataFile, partSize: number) {
  const layout = await planSource(env.services, file, { headerRow: 1, partSize });
  const rows: string[][] = [];
  const boundaries = layout.boundaries ?? [];
  for (let part = 0; part + 1 < boundaries.length; part++) {
    const range = { start: boundaries[part] as number, endExclusive: boundaries[part + 1] as number };
    const table = { index: 0, header: layout.tables[0]?.header ?? [] };
    for await (const batch of partRows(env.services, file, { ...layout, headerRow: 1 }, table, range))
      rows.push(...batch);
  }
  return { layout, rows };
}

describe('extract plans', () => {
  it('splits NDJSON at line starts: every object lands in exactly one part, whatever the part size', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const line = fc.record({ a: fc.string({ maxLength: 30 }), b: fc.integer() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 200 }),
        async (objects, partSize) => {
          const file = fileWith(
            env,
            'x.ndjson',
            `\uFEFF${objects.map((o) => JSON.stringify(o)).join('\n')}\n`,
          );
          const { layout, rows } = await allParts(env, file, partSize);
          expect(layout.tables[0]?.header).toEqual(['a', 'b']);
          expect(rows).toEqual(objects.map((o) => [o.a, String(o.b)]));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('detects the CSV delimiter and splits CSV at row starts outside quotes', async () => {
    const env = memoryServices(newJob({ operation: 'extract', type: 'file', source: 'file_a' }));
    const file = fileWith(env, 'x.csv', 'a;b\n1;"x;\ny"\n2;z\n3;"q"""\n');
    const { layout, rows } = await allParts(env, file, 3);
    expect(layout).toMatchObject({ format: 'csv', delimiter: ';', tables: [{ header: ['a', 'b'] }] });
    expect(rows).toEqual([
      ['1', 'x;\ny'],
      ['2', 'z'],
      ['3', 'q"'],
    ]);
  });

  it('plans a JSON array as one part, and refuses a format it does not read', async () => {
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
