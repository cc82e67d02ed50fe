import { describe, expect, it } from 'vitest';
import { type Field, rowToRecord } from '../../../shared/domain/resources.js';
import { map, rowMapper } from '../../../shared/operations/map.js';
import { defaultFieldMap } from '../../../shared/operations/map-config.js';
import { readRecords } from '../../../shared/operations/segments.js';
import { memoryServices, newJob, putRecords, record, runInMemory, storeSheet } from './memory-services.js';

const textFields: Field[] = [
  { key: 'id', type: 'string' },
  { key: 'full_name', label: 'Full Name', type: 'string' },
  { key: 'age', type: 'string' },
];
const typedFields: Field[] = [
  { key: 'id', type: 'number', required: true },
  { key: 'name', label: 'Full name', type: 'string' },
  { key: 'age', type: 'number' },
  { key: 'email', type: 'string', required: true },
];

describe('map, record by record', () => {
  it('pairs destination fields with source fields of the same key or label by default', () => {
    expect(defaultFieldMap(textFields, typedFields)).toEqual({ id: 'id', name: 'full_name', age: 'age' });
  });

  it('converts mapped values to the destination types, with messages where they do not fit', () => {
    const mapRow = rowMapper(typedFields, { id: 'id', name: 'full_name', age: 'age' }, [
      'id',
      'full_name',
      'age',
    ]);
    const row = mapRow('2.0.0', ['1.0.0', '7', 'Ada', 'old']);
    expect(rowToRecord(['id', 'name', 'age', 'email'], row)).toEqual({
      id: '2.0.0',
      values: { id: 7, name: 'Ada', age: 'old', email: null },
      valid: false,
      messages: { age: '"old" is not a number', email: 'is required' },
    });
  });
});

async function source(segments: number[]) {
  const job = newJob({ operation: 'map', type: 'sheet', source: 'sh_src', destination: 'sh_dst' });
  const env = memoryServices(job);
  await storeSheet(env.resources, { id: 'sh_src', name: 'Source', fields: textFields });
  await storeSheet(env.resources, { id: 'sh_dst', name: 'People', fields: typedFields });
  await seed(env, segments);
  job.config = await map.validate(
    {
      environmentId: 'env_test',
      type: 'sheet',
      source: 'sh_src',
      destination: 'sh_dst',
      config: { mappings: [{ fields: { id: 'id', name: 'full_name', age: 'age', email: 'full_name' } }] },
    },
    env.services,
  );
  return { job, env };
}

async function seed(env: ReturnType<typeof memoryServices>, segments: number[]) {
  env.resources.segments.delete('sh_src');
  for (const [s, rows] of segments.entries()) {
    const records = Array.from({ length: rows }, (_, i) =>
      record(`1.${s}.${i}`, { id: `${s}${i}`, full_name: `n${s}.${i}`, age: String(i) }),
    );
    await putRecords(env, 'sh_src', 1_000_000 + s, records);
  }
}

describe('map, part by part', () => {
  it('writes destination records in source order, the same when parts are delivered twice', async () => {
    const { job, env } = await source([3, 0, 2, 4]);
    const { plan, outcome } = await runInMemory(map, env, job, { repeat: 2 });
    expect(plan.parts).toBe(3); // the empty source segment has no part
    expect(outcome).toMatchObject({ records: 9, invalid: 0 });
    const { records } = await readRecords(env.services, 'sh_dst', 0, 100);
    expect(records.map((r) => r.values.name)).toEqual([
      'n0.0',
      'n0.1',
      'n0.2',
      'n2.0',
      'n2.1',
      'n3.0',
      'n3.1',
      'n3.2',
      'n3.3',
    ]);
    expect(records.map((r) => r.values.age)).toEqual([0, 1, 2, 0, 1, 0, 1, 2, 3]);
  });

  it('replaces the records of an earlier map of the same source, even when it had more segments', async () => {
    const { job, env } = await source([3, 3, 3]);
    await putRecords(
      env,
      'sh_dst',
      5_000_000,
      [record('5.0.0', { id: 99, name: 'kept', age: null, email: 'x' })],
      'job_extract',
    );
    await runInMemory(map, env, job);
    const first = await readRecords(env.services, 'sh_dst', 0, 100);
    expect(first.total).toBe(10);

    // The source shrinks to 2 segments; the same map runs again.
    await seed(env, [1, 2]);
    const again = newJob({ ...job, id: 'job_again', parts: 0 });
    const second = await runInMemory(
      map,
      { ...env, services: { ...env.services, jobs: memoryServices(again).services.jobs } },
      again,
    );
    expect(second.outcome).toMatchObject({ records: 3, mappings: [{ replacedEarlierMap: true }] });
    const { records } = await readRecords(env.services, 'sh_dst', 0, 100);
    expect(records.map((r) => r.values.name)).toEqual(['n0.0', 'n1.0', 'n1.1', 'kept']);
    // It wrote into the earlier map's run: ids are <run>.<segment>.<row> of the destination.
    expect(records.slice(0, 3).map((r) => r.id)).toEqual(['1.0.0', '1.1.0', '1.1.1']);
    expect(first.records[0]?.id).toBe('1.0.0');
    // No object is left of the replaced segments.
    const keys = new Set((await env.resources.listSegments('sh_dst')).map((s) => s.key));
    expect([...env.blobs.objects.keys()].filter((k) => k.includes('sheets/sh_dst/')).sort()).toEqual(
      [...keys].sort(),
    );
  });

  it('refuses a mapping of a sheet onto itself and fields that do not exist', async () => {
    const { env } = await source([1]);
    const request = { environmentId: 'env_test', type: 'sheet' as const, source: 'sh_src' };
    await expect(
      map.validate({ ...request, destination: 'sh_src', config: { mappings: [{}] } }, env.services),
    ).rejects.toThrow(/onto itself/);
    await expect(
      map.validate(
        { ...request, destination: 'sh_dst', config: { mappings: [{ fields: { id: 'nope' } }] } },
        env.services,
      ),
    ).rejects.toThrow(/no field "nope" in source sheet Source/);
    await expect(map.validate({ ...request, config: { mappings: [{}] } }, env.services)).rejects.toThrow(
      /destination/,
    );
  });
});
