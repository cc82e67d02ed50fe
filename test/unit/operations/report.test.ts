/**
 * The rejected-rows report, built in memory from real extracts and maps: one row per invalid
 * field and per rejected row, on the line the source file shows, across parts; counts equal
 * to the ledger's; the same file however often finalize runs.
 */
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../shared/domain/errors.js';
import type { Job } from '../../../shared/domain/job.js';
import type { Field, RecordRow } from '../../../shared/domain/resources.js';
import { writeXlsx } from '../../../shared/formats/xlsx/write.js';
import { extract } from '../../../shared/operations/extract.js';
import { type Ledger, tallyOf } from '../../../shared/operations/extract-ledger.js';
import { extractReportRequest, failedPartTally } from '../../../shared/operations/extract-report.js';
import type { ExtractState } from '../../../shared/operations/extract-state.js';
import { map } from '../../../shared/operations/map.js';
import { loadPlan, partStatsOf } from '../../../shared/operations/plans.js';
import { reportFileId } from '../../../shared/operations/report.js';
import { RecordLines, ReportFragment } from '../../../shared/operations/report-fragment.js';
import { readRecords } from '../../../shared/operations/segments.js';
import { reportRows } from '../../helpers/report-download.js';
import {
  memoryServices,
  newJob,
  putRecords,
  record,
  runInMemory,
  storeFile,
  storeSheet,
} from './memory-services.js';
import { plantedCsv, plantedNdjson } from './report-fixtures.js';

type Env = ReturnType<typeof memoryServices>;

const people: Field[] = [
  { key: 'id', type: 'number', required: true },
  { key: 'name', type: 'string' },
  { key: 'age', type: 'number' },
];

async function setup(name: string, content: string | Uint8Array, fields?: Field[]) {
  const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
  const env = memoryServices(job);
  storeFile(env, name, content);
  if (fields) {
    await storeSheet(env.resources, { id: 'sh_people', name: 'People', fields });
    job.destination = 'sh_people';
  }
  return { job, env };
}

async function extractIt(env: Env, job: Job, config: Record<string, unknown>, options = {}) {
  job.config = await extract.validate(
    {
      environmentId: 'env_test',
      type: 'file',
      source: 'file_a',
      config,
      ...(job.destination ? { destination: job.destination } : {}),
    },
    env.services,
  );
  return runInMemory(extract, env, job, options);
}

/** The report file's rows, as objects by column, and the file itself. */
async function reportOf(env: Env, outcome: Record<string, unknown>) {
  const { fileId } = outcome.report as { fileId: string };
  const file = await env.resources.getFile(fileId);
  if (!file) throw new Error(`no file ${fileId}`);
  const bytes = env.blobs.objects.get(file.key) ?? Buffer.alloc(0);
  return { file, bytes, rows: await reportRows(bytes) };
}

/** The part a record id names (`run.part.row`, base 36). */
const partOf = (recordId: string) => String(Number.parseInt(recordId.split('.')[1] ?? '', 36));

describe('the rejected-rows report of an extract', () => {
  it('lists each invalid field of a typed CSV on its line in the file, across parts', async () => {
    // Prepare
    const { text, planted } = plantedCsv(150);
    const { job, env } = await setup('people.csv', text, people);
    // Act
    const { plan, outcome } = await extractIt(env, job, { partSizeBytes: 1024 });
    // Assess
    expect(plan.parts).toBeGreaterThan(2);
    const { rows } = await reportOf(env, outcome);
    expect(rows.map(({ kind, line, field, value }) => ({ kind, line: Number(line), field, value }))).toEqual(
      planted,
    );
    const { records } = await readRecords(env.services, 'sh_people', 0, 1000, false);
    const byField = records.flatMap((r) =>
      Object.entries(r.messages ?? {}).map(([field, message]) => ({ recordId: r.id, field, message })),
    );
    expect(rows.map(({ recordId, field, message }) => ({ recordId, field, message }))).toEqual(byField);
    for (const row of rows) expect(row.part).toBe(partOf(row.recordId));
    expect(new Set(rows.map((r) => r.part)).size).toBeGreaterThan(1);
    expect(outcome.report).toMatchObject({ rows: 5, invalidRecords: 4, rejectedRows: 0, failedParts: 0 });
    expect(outcome.next).toEqual({
      type: 'download',
      fileId: (outcome.report as { fileId: string }).fileId,
      label: 'Download the 5 rejected and invalid rows',
    });
    expect((outcome.ledger as { recordsInvalid: number }).recordsInvalid).toBe(4);
  });

  it('lists the ragged rows of a CSV stored as it is (text fields), with their lines', async () => {
    // Prepare: a new workbook takes every cell as text, so only a row's shape makes it invalid.
    let text = 'a,b,c\n';
    const planted: { line: number; field: string; value: string }[] = [];
    let line = 2;
    for (let i = 1; i <= 120; i++) {
      if (i % 40 === 0) {
        text += `"quoted\n${i}",x\n`;
        planted.push({ line, field: 'c', value: '' });
        line += 2;
      } else if (i % 45 === 0) {
        text += `${i},x,y,extra\r\n\r\n`;
        planted.push({ line, field: 'c', value: 'y' });
        line += 2;
      } else {
        text += `${i},row ${i},z\n`;
        line++;
      }
    }
    const { job, env } = await setup('ragged.csv', text);
    // Act
    const { plan, outcome } = await extractIt(env, job, { partSizeBytes: 1024 });
    // Assess
    expect(plan.parts).toBeGreaterThan(1);
    const { rows } = await reportOf(env, outcome);
    expect(rows.map(({ line, field, value }) => ({ line: Number(line), field, value }))).toEqual(planted);
    expect(outcome.report).toMatchObject({ invalidRecords: planted.length, rejectedRows: 0 });
  });

  it('lists the rejected NDJSON lines and the invalid records with their lines, counts equal to the ledger', async () => {
    // Prepare
    const { text, expected } = plantedNdjson(120);
    const { job, env } = await setup('people.ndjson', text, people);
    // Act
    const { plan, outcome } = await extractIt(env, job, { partSizeBytes: 1024 });
    // Assess
    expect(plan.parts).toBeGreaterThan(2);
    const { rows } = await reportOf(env, outcome);
    expect(rows.map(({ kind, line, field, value }) => ({ kind, line: Number(line), field, value }))).toEqual(
      expected,
    );
    const ledger = outcome.ledger as { rowsRejected: number; recordsInvalid: number; rejections: unknown[] };
    expect(
      rows.filter((r) => r.kind === 'rejected').map((r) => ({ line: Number(r.line), reason: r.message })),
    ).toEqual(ledger.rejections);
    expect(outcome.report).toMatchObject({
      invalidRecords: ledger.recordsInvalid,
      rejectedRows: ledger.rowsRejected,
    });
  });

  it('gives a JSON array element the line it starts on, rejected or invalid', async () => {
    const text =
      '[\n  {"id": 1, "age": 30},\n  {\n    "id": 2,\n    "age": "old"\n  },\n  42,\n  {"id": "x", "age": 5}\n]\n';
    const { job, env } = await setup('people.json', text, people);
    const { outcome } = await extractIt(env, job, {});
    const { rows } = await reportOf(env, outcome);
    expect(rows.map(({ kind, line, field, value, message }) => [kind, line, field, value, message])).toEqual([
      ['invalid', '3', 'age', 'old', '"old" is not a number'],
      ['rejected', '7', '', '42', 'a number, not an object'],
      ['invalid', '8', 'id', 'x', '"x" is not a number'],
    ]);
    expect(outcome.report).toMatchObject({ invalidRecords: 2, rejectedRows: 1 });
  });

  it('gives an XLSX record the row number of its worksheet row', async () => {
    // Prepare
    const chunks: Uint8Array[] = [];
    const data = [
      ['1', 'Ada', '36'],
      ['2', 'Grace', 'old'],
      ['3', 'Alan', '41'],
      ['x', 'Edsger', '?'],
    ];
    for await (const chunk of writeXlsx({ header: ['id', 'name', 'age'], rows: [data] }, { sheetName: 'S' }))
      chunks.push(chunk);
    const { job, env } = await setup('people.xlsx', Buffer.concat(chunks), people);
    // Act
    const { plan, outcome } = await extractIt(env, job, {});
    // Assess
    const { rows } = await reportOf(env, outcome);
    expect(rows.map(({ line, field, value }) => [line, field, value])).toEqual([
      ['3', 'age', 'old'],
      ['5', 'id', 'x'],
      ['5', 'age', '?'],
    ]);
    // A failed worksheet part is named by its worksheet; rows keep their numbers, unshifted.
    const request = extractReportRequest({
      job,
      state: plan.state as ExtractState,
      tallies: [],
      ledger: outcome.ledger as Ledger,
      settled: { failed: [{ part: 0, error: { code: 'PART_FAILED', message: 'boom' } }] },
    });
    expect(request.failed).toEqual([{ part: 0, value: 'worksheet S', message: 'boom' }]);
    expect(request.firstLines).toBeUndefined();
  });

  it('writes no report and no link when every row is valid', async () => {
    const { job, env } = await setup('fine.csv', 'id,name,age\n1,Ada,36\n2,Grace,40\n', people);
    const { outcome } = await extractIt(env, job, {});
    expect(outcome.report).toBeUndefined();
    expect(outcome.next).toBeUndefined();
    expect([...env.blobs.objects.keys()].filter((key) => key.startsWith('env/env_test/reports/'))).toEqual(
      [],
    );
  });

  it('writes the same file however often finalize runs, and a new one (the old one gone) after a retry', async () => {
    // Prepare
    const { text } = plantedCsv(150);
    const { job, env } = await setup('people.csv', text, people);
    const { plan, outcome } = await extractIt(env, job, { partSizeBytes: 1024 });
    const first = await reportOf(env, outcome);
    // Act: finalize again (a crash after it wrote, or two callers at once); the plan is gone by now.
    const again = await extract.finalize(job, plan.state, env.services, { failed: [] });
    // Assess
    expect(again.report).toEqual(outcome.report);
    expect(first.file.id).toBe(reportFileId(job));
    expect((await reportOf(env, again)).bytes).toEqual(first.bytes);
    // Act: a retry's finalize, the job's attempt 2.
    const retried = { ...job, attempt: 2 } as Job;
    const third = await extract.finalize(retried, plan.state, env.services, { failed: [] });
    // Assess
    const fileId = (third.report as { fileId: string }).fileId;
    expect(fileId).toBe(reportFileId(retried));
    expect(fileId).not.toBe(first.file.id);
    expect(await env.resources.getFile(first.file.id)).toBeUndefined();
    expect((await reportOf(env, third)).bytes).toEqual(first.bytes);
  });

  it('fails loudly when a fragment is missing: the report would not match the ledger', async () => {
    const { text } = plantedCsv(150);
    const { job, env } = await setup('people.csv', text, people);
    const dropOne = () => {
      const key = [...env.blobs.objects.keys()].find((k) =>
        k.startsWith(`env/env_test/plans/${job.id}/reports/`),
      );
      if (key) env.blobs.objects.delete(key);
    };
    const run = extractIt(env, job, { partSizeBytes: 1024 }, { beforeFinalize: dropOne });
    await expect(run).rejects.toThrow(UnprocessableError);
    await expect(run).rejects.toThrow(/does not match the job's counts/);
    expect([...env.blobs.objects.keys()].filter((key) => key.startsWith('env/env_test/reports/'))).toEqual(
      [],
    );
  });

  it("keeps the lines of the parts after a failed one, counting the failed part's bytes again", async () => {
    // Prepare: every part ran; then the request finalize makes as if part 1 had failed (no tally).
    const { text } = plantedCsv(150);
    const { job, env } = await setup('people.csv', text, people);
    job.config = await extract.validate(
      {
        environmentId: 'env_test',
        type: 'file',
        source: 'file_a',
        destination: 'sh_people',
        config: { partSizeBytes: 1024 },
      },
      env.services,
    );
    const planned = await extract.plan(job, env.services);
    job.parts = planned.parts;
    for (const message of await extract.partMessages(job, planned.state, 0, planned.parts, env.services))
      env.stats.set(message.part, await extract.runPart(job, planned.state, message, env.services));
    const tallies = (await partStatsOf(env.services, job)).map(tallyOf);
    const state = planned.state as ExtractState;
    const ledger = { recordsInvalid: 4, rowsRejected: 0 } as Ledger;
    const { boundaries } = await loadPlan<{ boundaries?: number[] }>(env.services, state.planKey);
    // Act
    const failedTally = await failedPartTally(env.services, state, boundaries, 1);
    const whole = extractReportRequest({ job, state, tallies, ledger, settled: { failed: [] } });
    const failed = extractReportRequest({
      job,
      state,
      tallies: tallies.map((tally, part) => (part === 1 ? failedTally : tally)),
      ledger,
      settled: { failed: [{ part: 1, error: { code: 'PART_FAILED', message: 'boom' } }] },
    });
    // Assess
    const ran = tallies[1];
    expect(failedTally).toMatchObject({ failed: true, read: 0, bytes: 0, start: ran?.start, end: ran?.end });
    expect(failedTally.lineBreaks).toBe(ran?.lineBreaks);
    expect(failed.firstLines).toEqual(whole.firstLines);
    expect(failed.failed).toEqual([
      { part: 1, value: expect.stringMatching(/^bytes \d+–\d+$/), message: 'boom' },
    ]);
  });
});

describe("a part's report fragment", () => {
  it('keeps rows in line order when the reader rejects rows before the records around them are tapped', async () => {
    // Prepare: a reader parses a whole batch (rejecting lines 2 and 4) before its records pass.
    const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
    const env = memoryServices(job);
    const fragment = new ReportFragment(env.services, job, { part: 0 });
    const lines = new RecordLines();
    async function* batches(): AsyncGenerator<RecordRow[]> {
      for (const line of [1, 3, 5]) lines.push(line);
      fragment.reject(2, 'not valid JSON', '{');
      fragment.reject(4, 'a number, not an object', '4\r');
      fragment.reject(6, 'a string, not an object', '"x"');
      yield [
        ['0.0.0', 1, { id: 'bad' }],
        ['0.0.1', 2],
        ['0.0.2', 3, { id: 'worse' }],
      ];
    }
    // Act
    for await (const _ of fragment.tap(['id'], batches(), lines));
    await fragment.close();
    // Assess
    const text =
      env.blobs.objects.get(`env/env_test/plans/${job.id}/reports/000000.ndjson`)?.toString() ?? '';
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      ['invalid', 1, '0.0.0', 'id', '1', 'bad'],
      ['rejected', 2, '', '', '{', 'not valid JSON'],
      ['rejected', 4, '', '', '4', 'a number, not an object'],
      ['invalid', 5, '0.0.2', 'id', '3', 'worse'],
      ['rejected', 6, '', '', '"x"', 'a string, not an object'],
    ]);
  });

  it.each([
    ['a redelivered message', { part: 3, redelivered: true }],
    ["a job's retry", { part: 3, attempt: 2 }],
  ])(
    'removes the fragment an earlier try wrote when the part now finds nothing, on %s',
    async (_, message) => {
      const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
      const env = memoryServices(job);
      const key = `plans/${job.id}/reports/000003.ndjson`;
      await env.blobs.write(key, '["rejected",1,"","","x","old"]\n');
      await new ReportFragment(env.services, job, message).around(async () => {});
      expect(env.blobs.objects.has(key)).toBe(false);
    },
  );

  it('makes no request for a fragment when a first delivery finds nothing (no earlier try can have left one)', async () => {
    const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
    const env = memoryServices(job);
    const removed: string[][] = [];
    const remove = env.services.blobs.remove.bind(env.services.blobs);
    env.services.blobs.remove = async (keys) => {
      removed.push([...keys]);
      return remove(keys);
    };
    await new ReportFragment(env.services, job, { part: 3 }).around(async () => {});
    await new ReportFragment(env.services, job, { part: 4, redelivered: true }).around(async () => {});
    expect(removed).toEqual([
      [`env/env_test/plans/${job.id}/reports/000004.ndjson`, `plans/${job.id}/reports/000004.ndjson`],
    ]);
  });
});

describe('the rejected-rows report of a map', () => {
  async function mapJob() {
    const job = newJob({ operation: 'map', type: 'sheet', source: 'sh_src', destination: 'sh_dst' });
    const env = memoryServices(job);
    const text: Field[] = [
      { key: 'id', type: 'string' },
      { key: 'age', type: 'string' },
    ];
    await storeSheet(env.resources, { id: 'sh_src', name: 'Source', fields: text });
    await storeSheet(env.resources, { id: 'sh_dst', name: 'People', fields: people });
    await putRecords(env, 'sh_src', 0, [
      record('a.0.0', { id: '1', age: '30' }),
      record('a.0.1', { id: '2', age: 'old' }),
    ]);
    await putRecords(env, 'sh_src', 1, [
      record('a.1.0', { id: 'x', age: 'y' }),
      record('a.1.1', { id: '4', age: '5' }),
    ]);
    job.config = await map.validate(
      {
        environmentId: 'env_test',
        type: 'sheet',
        source: 'sh_src',
        destination: 'sh_dst',
        config: { mappings: [{ fields: { id: 'id', age: 'age' } }] },
      },
      env.services,
    );
    return { job, env };
  }

  it('lists each invalid field of the destination records, by destination record id, with no line', async () => {
    const { job, env } = await mapJob();
    const { outcome } = await runInMemory(map, env, job);
    const { rows } = await reportOf(env, outcome);
    const { records } = await readRecords(env.services, 'sh_dst', 0, 100, false);
    expect(
      rows.map(({ kind, line, recordId, field, value }) => [kind, line, recordId, field, value]),
    ).toEqual([
      ['invalid', '', records[0]?.id, 'age', 'old'],
      ['invalid', '', records[1]?.id, 'id', 'x'],
      ['invalid', '', records[1]?.id, 'age', 'y'],
    ]);
    expect(outcome.report).toMatchObject({ invalidRecords: outcome.invalid, rows: 3 });
  });

  it('names a failed part by its source segment, and leaves out what it wrote before it failed', async () => {
    // Prepare: part 1 failed for good, after it wrote a fragment.
    const { job, env } = await mapJob();
    const planned = await map.plan(job, env.services);
    job.parts = planned.parts;
    const [part0] = await map.partMessages(job, planned.state, 0, 1, env.services);
    env.stats.set(0, await map.runPart(job, planned.state, part0 as never, env.services));
    await env.blobs.write(
      `plans/${job.id}/reports/000001.ndjson`,
      '["invalid",null,"1.1.0","id","x","bad"]\n',
    );
    // Act
    const outcome = await map.finalize(job, planned.state, env.services, {
      failed: [{ part: 1, error: { code: 'PART_FAILED', message: 'the segment could not be read' } }],
    });
    // Assess
    const { rows } = await reportOf(env, outcome);
    expect(rows.map(({ kind, field, value, message, part }) => [kind, field, value, message, part])).toEqual([
      ['invalid', 'age', 'old', '"old" is not a number', '0'],
      ['failed-part', '', 'sheet sh_src, segment 1', 'the segment could not be read', '1'],
    ]);
    expect(outcome.report).toMatchObject({ invalidRecords: 1, failedParts: 1 });
    expect(String((outcome.next as { label: string }).label)).toBe(
      'Download the 1 rejected and invalid row (and 1 failed part)',
    );
  });
});
