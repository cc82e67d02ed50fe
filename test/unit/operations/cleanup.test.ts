import { describe, expect, it } from 'vitest';
import { derivedId } from '../../../shared/domain/ids.js';
import type { Job } from '../../../shared/domain/job.js';
import { type DataFile, type Field, segmentOrdinal } from '../../../shared/domain/resources.js';
import { deleteRecords } from '../../../shared/operations/delete.js';
import { exportRecords } from '../../../shared/operations/export.js';
import { extract } from '../../../shared/operations/extract.js';
import { map } from '../../../shared/operations/map.js';
import type { Operation } from '../../../shared/operations/operation.js';
import { removePlans } from '../../../shared/operations/plans.js';
import { readRecords } from '../../../shared/operations/segments.js';
import { memoryServices, newJob, putRecords, record, runInMemory, storeSheet } from './memory-services.js';

type Env = ReturnType<typeof memoryServices>;

const fields: Field[] = [
  { key: 'n', type: 'number' },
  { key: 'note', type: 'string' },
];

/** A sheet that already holds four records in two segments, of the run an earlier job reserved. */
async function sheetWithRecords(env: Env, id = 'sh_dst') {
  await storeSheet(env.resources, { id, name: 'People', fields });
  const run = await env.resources.reserveRun(id);
  for (let s = 0; s < 2; s++) {
    const records = [0, 1].map((i) => record(`${run}.${s}.${i}`, { n: s * 2 + i, note: `before ${s}${i}` }));
    await putRecords(env, id, segmentOrdinal(run, s), records, 'job_before');
  }
}

/** What a reader of the sheet sees, and every object stored under it. */
async function snapshot(env: Env, sheetId = 'sh_dst') {
  const { records, total } = await readRecords(env.services, sheetId, 0, 1000);
  const objects = [...env.blobs.objects.keys()]
    .filter((key) => key.startsWith(`env/env_test/sheets/${sheetId}/`))
    .sort();
  return { records, total, objects };
}

/** Plans a job and runs only parts [0, parts): the job ends before the rest run. */
async function runSome(operation: Operation, env: Env, job: Job, parts: number) {
  const plan = await operation.plan(job, env.services);
  job.parts = plan.parts;
  if (plan.destination) job.destination = plan.destination;
  const messages = await operation.partMessages(job, plan.state, 0, parts, env.services);
  for (const message of messages) await operation.runPart(job, plan.state, message, env.services);
  return plan;
}

async function csvFile(env: Env, rows: number): Promise<DataFile> {
  const lines = ['n,note', ...Array.from({ length: rows }, (_, i) => `${i},row ${i} ${'x'.repeat(40)}`)];
  const file: DataFile = {
    id: 'file_a',
    environmentId: 'env_test',
    name: 'people.csv',
    mediaType: 'text/csv',
    status: 'available',
    key: 'uploads/file_a',
    createdAt: '',
    updatedAt: '',
  };
  await env.blobs.write(file.key, `${lines.join('\n')}\n`);
  await env.resources.putFile(file);
  return file;
}

async function extractJob(destination?: string) {
  const job = newJob({
    operation: 'extract',
    type: 'file',
    source: 'file_a',
    ...(destination ? { destination } : {}),
  });
  const env = memoryServices(job);
  await csvFile(env, 200);
  job.config = { partSizeBytes: 1024 };
  return { job, env };
}

describe('abandon: an extract that ended FAILED or CANCELED', () => {
  it('takes its records back out of an existing sheet, however often it runs', async () => {
    // Prepare: three parts of the extract ran before the job was canceled.
    const { job, env } = await extractJob('sh_dst');
    await sheetWithRecords(env);
    const before = await snapshot(env);
    const plan = await runSome(extract, env, job, 3);
    expect(plan.parts).toBeGreaterThan(3);
    expect((await snapshot(env)).total).toBeGreaterThan(before.total);
    job.status = 'CANCELED';

    // Act
    const note = await extract.abandon?.(job, plan.state, env.services);
    const again = await extract.abandon?.(job, plan.state, env.services);

    // Assess
    expect(await snapshot(env)).toEqual(before);
    expect(note?.message).toMatch(/No record of this extract remains in sh_dst/);
    expect(again).toEqual(note);
  });

  it('removes a segment a part registers after the cleanup ran, when abandon runs again for that part', async () => {
    const { job, env } = await extractJob('sh_dst');
    await sheetWithRecords(env);
    const before = await snapshot(env);
    const plan = await runSome(extract, env, job, 1);
    await extract.abandon?.(job, plan.state, env.services);
    // A part that was already running when the job ended lands its segment now.
    const [late] = await extract.partMessages(job, plan.state, 2, 3, env.services);
    await extract.runPart(job, plan.state, late as never, env.services);
    expect((await snapshot(env)).total).toBeGreaterThan(before.total);

    await extract.abandon?.(job, plan.state, env.services);

    expect(await snapshot(env)).toEqual(before);
  });

  it('leaves the workbook it created with empty sheets, and says so', async () => {
    const { job, env } = await extractJob();
    const plan = await runSome(extract, env, job, 2);
    const workbookId = derivedId('workbook', job.id);
    expect(job.destination).toBe(workbookId);
    const sheetId = String((await env.resources.getWorkbook(workbookId))?.sheets[0]?.id);

    const note = await extract.abandon?.(job, plan.state, env.services);

    expect(await snapshot(env, sheetId)).toEqual({ records: [], total: 0, objects: [] });
    expect(await env.resources.getWorkbook(workbookId)).toBeDefined();
    expect(note).toMatchObject({ workbookId, message: expect.stringMatching(/stays, with empty sheets/) });
  });

  it('removes the workbook a planning attempt created when the job never took it as destination', async () => {
    // Canceled while planning: the plan was written, but never committed to the job.
    const { job, env } = await extractJob();
    const plan = await extract.plan(job, env.services);
    expect(await env.resources.getWorkbook(String(plan.destination))).toBeDefined();

    const note = await extract.abandon?.(job, plan.state, env.services);

    expect(await env.resources.getWorkbook(String(plan.destination))).toBeUndefined();
    expect(note?.message).toMatch(/before it wrote any record/);
  });

  it('does nothing but answer for a job that never planned', async () => {
    const { job, env } = await extractJob('sh_dst');
    await sheetWithRecords(env);
    const before = await snapshot(env);
    await extract.abandon?.(job, {}, env.services);
    expect(await snapshot(env)).toEqual(before);
  });
});

describe('abandon: a map that ended FAILED or CANCELED', () => {
  async function mapJob(env: Env, id: string) {
    const job = newJob({ id, operation: 'map', type: 'sheet', source: 'sh_src', destination: 'sh_dst' });
    const jobEnv = { ...env, services: { ...env.services, jobs: memoryServices(job).services.jobs } };
    job.config = await map.validate(
      {
        environmentId: 'env_test',
        type: 'sheet',
        source: 'sh_src',
        destination: 'sh_dst',
        config: { mappings: [{}] },
      },
      jobEnv.services,
    );
    return { job, jobEnv };
  }

  async function mapEnv() {
    const env = memoryServices(newJob({ operation: 'map', type: 'sheet', source: 'sh_src' }));
    await sheetWithRecords(env);
    await storeSheet(env.resources, { id: 'sh_src', name: 'Source', fields });
    for (let s = 0; s < 3; s++) {
      await putRecords(env, 'sh_src', 1_000_000 + s, [record(`1.${s}.0`, { n: 10 + s, note: `src ${s}` })]);
    }
    return env;
  }

  it('takes a first map’s records back out of the destination', async () => {
    const env = await mapEnv();
    const before = await snapshot(env);
    const { job, jobEnv } = await mapJob(env, 'job_map');
    const plan = await runSome(map, jobEnv, job, 2);
    expect((await snapshot(env)).total).toBe(before.total + 2);

    const note = await map.abandon?.(job, plan.state, env.services);
    await map.abandon?.(job, plan.state, env.services);

    expect(await snapshot(env)).toEqual(before);
    expect(note?.message).toMatch(/No record of this map remains/);
  });

  it('keeps what a re-run already rewrote (the earlier records are gone), and says so', async () => {
    const env = await mapEnv();
    const first = await mapJob(env, 'job_first');
    await runInMemory(map, first.jobEnv, first.job);
    const mapped = await snapshot(env);
    const { job, jobEnv } = await mapJob(env, 'job_again');
    const plan = await runSome(map, jobEnv, job, 1);

    const note = await map.abandon?.(job, plan.state, env.services);

    expect((await snapshot(env)).total).toBe(mapped.total);
    expect(note).toMatchObject({ partlyRewritten: ['sh_dst'], message: expect.stringMatching(/re-ran/) });
  });
});

describe('abandon: an export that ended FAILED or CANCELED', () => {
  async function exportJob() {
    const job = newJob({ operation: 'export', type: 'sheet', source: 'sh_dst' });
    const env = memoryServices(job);
    await sheetWithRecords(env);
    job.config = await exportRecords.validate(
      { environmentId: 'env_test', type: 'sheet', source: 'sh_dst', config: {} },
      env.services,
    );
    return { job, env };
  }
  const leftovers = (env: Env) =>
    [...env.blobs.objects.keys()].filter((key) => /^(tmp|exports|plans)\//.test(key));

  it('removes the part objects it wrote', async () => {
    const { job, env } = await exportJob();
    const plan = await runSome(exportRecords, env, job, 1);
    expect(leftovers(env).filter((key) => key.startsWith('tmp/'))).toHaveLength(1);

    await exportRecords.abandon?.(job, plan.state, env.services);
    await exportRecords.abandon?.(job, plan.state, env.services);
    await removePlans(env.services, job);

    expect(leftovers(env)).toEqual([]);
  });

  it('removes the file it registered just before the job was canceled', async () => {
    const { job, env } = await exportJob();
    const { plan } = await runInMemory(exportRecords, env, job);
    expect(await env.resources.getFile(String(job.destination))).toBeDefined();

    const note = await exportRecords.abandon?.(job, plan.state, env.services);

    expect(await env.resources.getFile(String(job.destination))).toBeUndefined();
    expect(leftovers(env)).toEqual([]);
    expect(note?.message).toMatch(/No file was exported/);
  });
});

describe('abandon: a delete that ended FAILED or CANCELED', () => {
  it('keeps what it deleted, and its outcome says so', async () => {
    const job = newJob({ operation: 'delete', type: 'sheet', source: 'sh_dst' });
    const env = memoryServices(job);
    await sheetWithRecords(env);
    job.config = await deleteRecords.validate(
      { environmentId: 'env_test', type: 'sheet', source: 'sh_dst', config: { filter: 'all' } },
      env.services,
    );
    const plan = await runSome(deleteRecords, env, job, 1);
    const left = await snapshot(env);
    expect(left.total).toBe(2);

    const note = await deleteRecords.abandon?.(job, plan.state, env.services);
    await removePlans(env.services, job);

    expect((await snapshot(env)).total).toBe(2);
    expect(note?.message).toMatch(/stay deleted/);
    expect([...env.blobs.objects.keys()].filter((key) => key.includes('plans/'))).toEqual([]);
  });
});
