import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job.js';
import type { Field } from '../../../shared/domain/resources.js';
import { valueText } from '../../../shared/domain/values.js';
import {
  type ExportSettings,
  exportRecords,
  joinedExport,
  joinedExportSize,
  partWriter,
  segmentRowCells,
} from '../../../shared/operations/export.js';
import type { SegmentBatch } from '../../../shared/operations/segment-layout.js';
import { memoryServices, newJob, putRecords, record, runInMemory, storeSheet } from './memory-services.js';

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

async function* once<T>(value: T) {
  yield value;
}

const settings = (format: ExportSettings['format']): ExportSettings => ({
  sheet: 'sh_a',
  format,
  fields: ['n', 'note'],
  headerCells: ['n', 'note'],
  escapeFormulas: true,
  fileName: `A.${format}`,
});

/** Batches of one segment whose values follow `keys`, as `openSegmentRows` yields them. */
async function* segment(keys: string[], ...rows: unknown[][]): AsyncGenerator<SegmentBatch> {
  yield { keys, rows: rows.map((values, i) => [`1.0.${i}`, ...values]) };
}

describe('export pieces', () => {
  it('writes record values as cells in the export field order: a field the segment lacks has no value', () => {
    // The export's fields in its own order; `missing` is no key of the segment.
    const cells = segmentRowCells(['ok', 'n', 'note', 'missing'], ['n', 'ok', 'note'], valueText);
    expect(cells(['1', -1.5, false, null])).toEqual(['false', '-1.5', '', '']);
    const values = segmentRowCells(['ok', 'n', 'note', 'missing'], ['n', 'ok', 'note'], (v) => v);
    expect(values(['1', -1.5, false, null])).toEqual([false, -1.5, null, null]);
  });

  it('puts the CSV header in part 0 only', async () => {
    const rows = () => segment(['n', 'note'], [1, '=x']);
    expect(await text(partWriter(settings('csv'), 0)(rows()))).toBe("n,note\r\n1,'=x\r\n");
    expect(await text(partWriter(settings('csv'), 3)(rows()))).toBe("1,'=x\r\n");
  });

  it('writes JSON and NDJSON values with their JSON types, and no value as null', async () => {
    const rows = () => segment(['note', 'n'], ['a', -1.5], [null, true], ['7', null]);
    const expected = [
      { n: -1.5, note: 'a' },
      { n: true, note: null },
      { n: null, note: '7' },
    ];
    const ndjson = await text(partWriter(settings('ndjson'), 0)(rows()));
    expect(
      ndjson
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(expected);
    // Every object names every field, in the export's order.
    expect(ndjson.split('\n')[1]).toBe('{"n":true,"note":null}');
    const json = await text(
      joinedExport('json', once({ rows: 3, bytes: partWriter(settings('json'), 0)(rows()) })),
    );
    expect(JSON.parse(json)).toEqual(expected);
  });

  it('joins JSON pieces into one array, skipping pieces without rows', async () => {
    const piece = async (...rows: unknown[][]) => ({
      rows: rows.length,
      bytes: partWriter(settings('json'), 1)(segment(['n', 'note'], ...rows)),
    });
    async function* pieces() {
      yield await piece();
      yield await piece([1, 'a']);
      yield await piece();
      yield await piece([2, 'b'], [3, 'c']);
      yield await piece();
    }
    expect(JSON.parse(await text(joinedExport('json', pieces())))).toEqual([
      { n: 1, note: 'a' },
      { n: 2, note: 'b' },
      { n: 3, note: 'c' },
    ]);
    async function* nothing() {
      yield await piece();
    }
    expect(JSON.parse(await text(joinedExport('json', nothing())))).toEqual([]);
  });

  it('tells the length of the joined export from the sizes of its pieces', async () => {
    const piece =
      (...rows: unknown[][]) =>
      async (format: ExportSettings['format']) => {
        const bytes = Buffer.from(
          await text(partWriter(settings(format), 1)(segment(['n', 'note'], ...rows))),
        );
        return { rows: rows.length, size: bytes.length, bytes };
      };
    const shapes = [
      [piece(), piece([1, 'a']), piece(), piece([2, 'b'], [3, 'cé'])],
      [piece()],
      [piece([1, 'a'])],
      [],
    ];
    for (const format of ['json', 'csv', 'ndjson'] as const) {
      for (const shape of shapes) {
        const pieces = await Promise.all(shape.map((make) => make(format)));
        async function* stream() {
          for (const { rows, bytes } of pieces) yield { rows, bytes: once(bytes) };
        }
        const joined = Buffer.from(await text(joinedExport(format, stream())));
        expect(joinedExportSize(format, pieces)).toBe(joined.length);
      }
    }
    // A part counted before parts reported their size: the length is not known.
    expect(joinedExportSize('csv', [{ rows: 1, size: 5 }, { rows: 1 }])).toBeUndefined();
  });
});

const fields: Field[] = [
  { key: 'n', type: 'number' },
  { key: 'note', type: 'string' },
];

async function exportJob(format: ExportSettings['format'] = 'csv') {
  const job = newJob({ operation: 'export', type: 'sheet', source: 'sh_a' });
  const env = memoryServices(job);
  await storeSheet(env.resources, { id: 'sh_a', name: 'A', fields });
  for (let s = 0; s < 3; s++) {
    await putRecords(
      env,
      'sh_a',
      1_000_000 + s,
      Array.from({ length: 2 }, (_, i) => record(`1.${s}.${i}`, { n: s * 2 + i, note: `r${s}${i}` })),
    );
  }
  job.config = await exportRecords.validate(
    { environmentId: 'env_test', type: 'sheet', source: 'sh_a', config: { format } },
    env.services,
  );
  return { job, env };
}

const tmpKeys = (env: ReturnType<typeof memoryServices>) =>
  [...env.blobs.objects.keys()].filter((k) => k.startsWith('tmp/'));

describe('export, part by part', () => {
  it('writes one object from the parts, registers it as a file and removes the part objects', async () => {
    const { job, env } = await exportJob();
    const { plan, outcome } = await runInMemory(exportRecords, env, job, { repeat: 2 });
    expect(plan.parts).toBe(3);
    expect(outcome).toMatchObject({ records: 6, fileId: job.destination, format: 'csv' });
    const file = await env.resources.getFile(job.destination as string);
    expect(file).toMatchObject({ status: 'available', name: 'A.csv', mediaType: 'text/csv' });
    const content = env.blobs.objects.get(file?.key as string)?.toString();
    expect(content).toBe('n,note\r\n0,r00\r\n1,r01\r\n2,r10\r\n3,r11\r\n4,r20\r\n5,r21\r\n');
    expect(file?.size).toBe(Buffer.byteLength(content as string));
    // One PUT of the length the parts' sizes add up to.
    expect(env.blobs.lengths.get(file?.key as string)).toBe(file?.size);
    expect(tmpKeys(env)).toEqual([]);

    // A finalize repeated after a crash finds the file and changes nothing.
    expect(await exportRecords.finalize(job, plan.state, env.services, { failed: [] })).toEqual({
      ...outcome,
    });
  });

  it('joins the parts of an export that ran across the change of key layout, and removes them all', async () => {
    // Prepare: part 0 ran before keys had an environment root, the others after.
    const { job, env } = await exportJob();
    const moveToLegacyLayout = () => {
      const [current] = tmpKeys(env).sort();
      const legacy = current?.replace('tmp/env/env_test/', 'tmp/');
      env.blobs.objects.set(legacy as string, env.blobs.objects.get(current as string) as Buffer);
      env.blobs.objects.delete(current as string);
    };
    // Act
    const { outcome } = await runInMemory(exportRecords, env, job, { beforeFinalize: moveToLegacyLayout });
    // Assess
    expect(outcome).toMatchObject({ records: 6 });
    const file = await env.resources.getFile(job.destination as string);
    expect(file?.key).toBe(`env/env_test/exports/${job.id}.csv`);
    expect(env.blobs.objects.get(file?.key as string)?.toString()).toBe(
      'n,note\r\n0,r00\r\n1,r01\r\n2,r10\r\n3,r11\r\n4,r20\r\n5,r21\r\n',
    );
    expect(tmpKeys(env)).toEqual([]);
  });

  it('leaves no file when the job was canceled before finalize', async () => {
    const { job, env } = await exportJob();
    await runInMemory(exportRecords, env, job, {
      beforeFinalize: () => {
        (job as Job).status = 'CANCELED';
      },
    });
    expect(await env.resources.getFile(job.destination as string)).toBeUndefined();
    expect(
      [...env.blobs.objects.keys()].filter(
        (k) => k.startsWith('env/env_test/exports/') || k.startsWith('tmp/'),
      ),
    ).toEqual([]);
  });

  it('removes the written object when the job is canceled while it is being written', async () => {
    const { job, env } = await exportJob();
    const write = env.blobs.write;
    env.blobs.write = async (key, body, type) => {
      await write(key, body, type);
      if (key.startsWith('env/env_test/exports/')) (job as Job).status = 'CANCELED';
    };
    await runInMemory(exportRecords, env, job);
    expect(await env.resources.getFile(job.destination as string)).toBeUndefined();
    expect(
      [...env.blobs.objects.keys()].filter(
        (k) => k.startsWith('env/env_test/exports/') || k.startsWith('tmp/'),
      ),
    ).toEqual([]);
  });

  it('exports JSON from many parts as one array whose numbers are JSON numbers', async () => {
    const { job, env } = await exportJob('json');
    const { plan } = await runInMemory(exportRecords, env, job);
    expect(plan.parts).toBe(3);
    const file = await env.resources.getFile(job.destination as string);
    const content = env.blobs.objects.get(file?.key as string)?.toString() as string;
    expect(env.blobs.lengths.get(file?.key as string)).toBe(Buffer.byteLength(content));
    expect(JSON.parse(content)).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => ({ n, note: `r${Math.floor(n / 2)}${n % 2}` })),
    );
  });

  it('writes the export without a length when a part was counted without its size (before parts reported it)', async () => {
    const { job, env } = await exportJob();
    await runInMemory(exportRecords, env, job, {
      beforeFinalize: () => {
        const { size: _, ...older } = env.stats.get(1) ?? {};
        env.stats.set(1, older);
      },
    });
    const file = await env.resources.getFile(job.destination as string);
    expect(env.blobs.objects.get(file?.key as string)?.toString()).toBe(
      'n,note\r\n0,r00\r\n1,r01\r\n2,r10\r\n3,r11\r\n4,r20\r\n5,r21\r\n',
    );
    expect(env.blobs.lengths.has(file?.key as string)).toBe(false);
  });

  it('exports XLSX in one part that reads every segment', async () => {
    const { job, env } = await exportJob('xlsx');
    const { plan, outcome } = await runInMemory(exportRecords, env, job);
    expect(plan.parts).toBe(1);
    expect(outcome).toMatchObject({ records: 6, format: 'xlsx' });
    const file = await env.resources.getFile(job.destination as string);
    expect(
      env.blobs.objects
        .get(file?.key as string)
        ?.subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });
});
