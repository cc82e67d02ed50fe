import { describe, expect, it } from 'vitest';
import {
  type Field,
  recordToRow,
  type SheetRecord,
  type SheetSegment,
} from '../../../shared/domain/resources.js';
import {
  type DeleteFilter,
  deleteRecords,
  rowFilter,
  segmentsToVisit,
} from '../../../shared/operations/delete.js';
import { readRecords } from '../../../shared/operations/segments.js';
import { memoryServices, newJob, putRecords, record, runInMemory, storeSheet } from './memory-services.js';

const fields: Field[] = [
  { key: 'n', type: 'number' },
  { key: 'status', type: 'enum', options: ['Open', 'Done'] },
  { key: 'note', type: 'string' },
];

/** Whether the filter matches a record, as a delete part tests the rows of a segment with these fields. */
const recordFilter = (filter: DeleteFilter, fields: Field[]) => (record: SheetRecord) => {
  const keys = fields.map((field) => field.key);
  return rowFilter(filter, fields)(keys)(recordToRow(keys, record));
};

describe('which records a delete filter matches', () => {
  const r = record('1.0.0', { n: 5, status: 'Open', note: 'Hi' });

  it('compares a field with the value converted to the field type', () => {
    expect(recordFilter({ field: 'n', equals: '5' }, fields)(r)).toBe(true);
    expect(recordFilter({ field: 'n', equals: 5.0 }, fields)(r)).toBe(true);
    expect(recordFilter({ field: 'status', equals: 'open' }, fields)(r)).toBe(true);
    expect(recordFilter({ field: 'note', equals: 'hi' }, fields)(r)).toBe(false);
  });

  it('compares a value that does not fit the type as given, and null with no value', () => {
    const bad = record('1.0.1', { n: 'abc', status: null, note: null }, false);
    expect(recordFilter({ field: 'n', equals: 'abc' }, fields)(bad)).toBe(true);
    expect(recordFilter({ field: 'status', equals: null }, fields)(bad)).toBe(true);
    expect(recordFilter({ field: 'status', equals: null }, fields)(r)).toBe(false);
  });

  it('matches by id, by validity, or everything', () => {
    expect(recordFilter({ ids: ['1.0.0'] }, fields)(r)).toBe(true);
    expect(recordFilter({ ids: ['1.0.9'] }, fields)(r)).toBe(false);
    expect(recordFilter({ valid: false }, fields)(r)).toBe(false);
    expect(recordFilter('all', fields)(r)).toBe(true);
  });

  it('visits only segments that may hold a match', () => {
    const segment = (ordinal: number, rows: number, invalid: number): SheetSegment => ({
      sheetId: 's',
      ordinal,
      key: `k${ordinal}`,
      rows,
      invalid,
      jobId: 'j',
    });
    const segments = [segment(1, 10, 0), segment(2, 10, 3), segment(3, 0, 0), segment(4, 5, 5)];
    expect(segmentsToVisit({ valid: false }, segments).map((s) => s.ordinal)).toEqual([2, 4]);
    expect(segmentsToVisit({ valid: true }, segments).map((s) => s.ordinal)).toEqual([1, 2]);
    expect(segmentsToVisit('all', segments).map((s) => s.ordinal)).toEqual([1, 2, 4]);
  });
});

async function sheetWithSegments() {
  const job = newJob({ operation: 'delete', type: 'sheet', source: 'sh_a' });
  const env = memoryServices(job);
  await storeSheet(env.resources, { id: 'sh_a', name: 'A', fields });
  for (let s = 0; s < 3; s++) {
    const records = Array.from({ length: 10 }, (_, i) =>
      record(`1.${s}.${i}`, { n: s * 10 + i, status: i % 2 ? 'Done' : 'Open', note: null }, i % 3 !== 0),
    );
    await putRecords(env, 'sh_a', 1_000_000 + s, records);
  }
  return { job, env };
}

describe('delete, part by part', () => {
  it('counts each deleted record once when every part is delivered twice', async () => {
    const { job, env } = await sheetWithSegments();
    job.config = await deleteRecords.validate(
      { environmentId: 'env_test', type: 'sheet', source: 'sh_a', config: { filter: { valid: false } } },
      env.services,
    );
    const { outcome } = await runInMemory(deleteRecords, env, job, { repeat: 2 });
    expect(outcome).toMatchObject({ deleted: 12, kept: 18 });
    const { records, total } = await readRecords(env.services, 'sh_a', 0, 100);
    expect(total).toBe(18);
    expect(records.every((r) => r.valid)).toBe(true);
    // Old objects are gone; only the rewritten ones remain.
    expect([...env.blobs.objects.keys()].filter((k) => k.startsWith('env/env_test/sheets/'))).toHaveLength(3);
  });

  it('deletes from the current version of a segment another job rewrote after planning', async () => {
    const { job, env } = await sheetWithSegments();
    job.config = { sheet: 'sh_a', filter: { field: 'status', equals: 'Open' } };
    const { services } = env;
    const plan = await deleteRecords.plan(job, services);
    job.parts = plan.parts;

    // Prepare: another job swaps segment 0 for a version without records 1.0.0 and 1.0.2.
    const [first] = await services.resources.listSegments('sh_a');
    const { records } = await readRecords(services, 'sh_a', 0, 10);
    const rewritten = records.filter((r) => r.id !== '1.0.0' && r.id !== '1.0.2');
    await env.blobs.write('other-key', rewritten.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const other = {
      ...(first as SheetSegment),
      key: 'other-key',
      rows: 8,
      jobId: 'job_other',
      rowsBefore: 10,
    };
    expect(await services.resources.swapSegment(other, (first as SheetSegment).key)).toBe(true);

    // Act
    for (const message of await deleteRecords.partMessages(job, plan.state, 0, plan.parts, services)) {
      env.stats.set(message.part, await deleteRecords.runPart(job, plan.state, message, services));
    }
    const outcome = await deleteRecords.finalize(job, plan.state, services, { failed: [] });

    // Assess: 3 + 5 + 5 "Open" records were left to delete; 28 - 13 remain.
    expect(outcome).toMatchObject({ deleted: 13, kept: 15 });
    const left = await readRecords(services, 'sh_a', 0, 100);
    expect(left.records.every((r) => r.values.status === 'Done')).toBe(true);
    expect(env.blobs.objects.has('other-key')).toBe(false);
  });

  it('finishes a rewrite whose part died after writing the new object but before swapping it in', async () => {
    const { job, env } = await sheetWithSegments();
    job.config = { sheet: 'sh_a', filter: { valid: false } };
    // The earlier attempt's object: written, never swapped in (and not what the retry will write).
    await env.blobs.write(`sheets/sh_a/segments/${'1000000'.padStart(16, '0')}/${job.id}.ndjson`, 'half');
    const { outcome } = await runInMemory(deleteRecords, env, job);
    expect(outcome).toMatchObject({ deleted: 12, kept: 18 });
    expect((await readRecords(env.services, 'sh_a', 0, 100)).records).toHaveLength(18);
  });

  it('leaves a segment untouched when nothing in it matches', async () => {
    const { job, env } = await sheetWithSegments();
    job.config = { sheet: 'sh_a', filter: { ids: ['1.2.4'] } };
    const before = await env.resources.listSegments('sh_a');
    const { outcome } = await runInMemory(deleteRecords, env, job);
    const after = await env.resources.listSegments('sh_a');
    expect(outcome).toMatchObject({ deleted: 1, kept: 29 });
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).toMatchObject({ rows: 9, rowsBefore: 10, jobId: job.id });
  });
});
