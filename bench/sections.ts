/**
 * What the bench measures on the local stack, one function per section of the report. Each
 * checks the job's own counts against the generated file before its figure is used: a fast
 * wrong answer is not a result.
 */
import { ApiProblem, type startBenchStack } from './bench-stack.js';
import type { DataFile } from './data-files.js';
import type { DivertedResult } from './processor-divert.js';

type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

export const progress = (text: string) => console.error(`[bench] ${text}`);

function expectCount(what: string, got: unknown, wanted: number): void {
  if (got !== wanted) throw new Error(`${what}: expected ${wanted}, the job reported ${String(got)}`);
}

export interface ExtractResult {
  fileId: string;
  /** The sheet of the last run: the operations work on it. */
  sheetId: string;
  parts: number;
  /** One per run: createdAt → finishedAt. */
  seconds: number[];
  /** One per run: createdAt → startedAt, the planning pass over the file. */
  planSeconds: number[];
  /** The first run on the fresh stack (workers load and compile the handlers), not counted. */
  warmupSeconds: number;
}

/** Extract end to end: POST /jobs → COMPLETED on an uploaded CSV, `runs` times (the upload is not timed). */
export async function extractEndToEnd(
  stack: BenchStack,
  csv: DataFile,
  partSizeBytes: number,
  runs: number,
): Promise<ExtractResult> {
  progress(`uploading ${mb(csv.bytes)} through the presigned uploadUrl`);
  const file = await stack.upload(csv.path, 'people.csv');
  const seconds: number[] = [];
  const planSeconds: number[] = [];
  let last: Awaited<ReturnType<typeof stack.runJob>>['job'] | undefined;
  const runExtract = async () => {
    const result = await stack.runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes },
    });
    expectCount('extract records', result.job.outcome?.records, csv.rows);
    return result;
  };
  progress('extract warm-up run (not counted)');
  const warmup = await runExtract();
  for (let run = 1; run <= runs; run++) {
    progress(`extract ${run}/${runs}, parts of ${mb(partSizeBytes)}`);
    const result = await runExtract();
    seconds.push(result.seconds);
    planSeconds.push((Date.parse(result.job.startedAt) - Date.parse(result.job.createdAt)) / 1000);
    last = result.job;
  }
  if (!last) throw new Error('no extract run');
  return {
    fileId: file.id,
    sheetId: last.outcome.sheetId,
    parts: last.parts,
    seconds,
    planSeconds,
    warmupSeconds: warmup.seconds,
  };
}

/**
 * Extract into a typed sheet (TYPED_FIELDS), `runs` times: every cell is parsed, converted
 * and checked as each part stores its bytes as a CSV slice. The headline extract goes into
 * text fields, which keep cells as they are: its parts store CSV slices and only count rows.
 */
export async function typedExtract(
  stack: BenchStack,
  csv: DataFile,
  fileId: string,
  partSizeBytes: number,
  runs: number,
): Promise<{ seconds: number[]; invalid: number }> {
  const seconds: number[] = [];
  let invalid = 0;
  for (let run = 1; run <= runs; run++) {
    const workbook = await stack.ok('POST', '/workbooks', {
      name: `Typed extract ${run}`,
      sheets: [{ name: 'People', fields: TYPED_FIELDS }],
    });
    progress(`extract into a typed sheet ${run}/${runs}`);
    const result = await stack.runJob({
      type: 'file',
      operation: 'extract',
      source: fileId,
      destination: workbook.id,
      config: { partSizeBytes },
    });
    expectCount('typed extract records', result.job.outcome?.records, csv.rows);
    seconds.push(result.seconds);
    invalid = result.job.outcome.invalid;
    // Keep the stack's disk to what the later sections need.
    await stack.ok('DELETE', `/workbooks/${workbook.id}`);
  }
  return { seconds, invalid };
}

export type OperationResult =
  | { name: string; rows: number; seconds: number; parts: number; note: string }
  | { name: string; unavailable: string };

/** The typed sheet the map writes into: the CSV's columns, converted and validated. */
const TYPED_FIELDS = [
  { key: 'id', type: 'number', required: true },
  { key: 'name', type: 'string', required: true },
  { key: 'email', type: 'string' },
  { key: 'note', type: 'string' },
  { key: 'amount', type: 'number' },
  { key: 'active', type: 'boolean' },
  { key: 'joined', type: 'date' },
  { key: 'status', type: 'enum', options: ['Active', 'Pending', 'Closed'] },
];

/**
 * map, export and delete on the extracted sheet, in that order (delete last: it changes the
 * sheet). An operation the service does not take yet (POST /jobs answers 400) is reported
 * as not available with the service's own reason.
 */
export async function operations(
  stack: BenchStack,
  sheetId: string,
  rows: number,
): Promise<OperationResult[]> {
  const typed = await stack.ok('POST', '/workbooks', {
    name: 'Typed people',
    sheets: [{ name: 'People', fields: TYPED_FIELDS }],
  });
  const steps: { name: string; body: Record<string, unknown>; check: (outcome: any) => string }[] = [
    {
      name: 'map',
      body: {
        type: 'sheet',
        operation: 'map',
        source: sheetId,
        destination: typed.id,
        config: { mappings: [{ sourceSheet: sheetId, destinationSheet: 'People' }] },
      },
      check: (outcome) => {
        expectCount('map records', outcome?.records, rows);
        return `into a typed sheet, ${outcome.invalid} invalid`;
      },
    },
    {
      name: 'export',
      body: { type: 'sheet', operation: 'export', source: sheetId, config: { format: 'csv' } },
      check: (outcome) => {
        expectCount('export records', outcome?.records, rows);
        return 'to one CSV file';
      },
    },
    {
      name: 'delete',
      body: {
        type: 'sheet',
        operation: 'delete',
        source: sheetId,
        config: { filter: { field: 'note', equals: '' } },
      },
      check: (outcome) => {
        expectCount('delete deleted + kept', (outcome?.deleted ?? 0) + (outcome?.kept ?? 0), rows);
        return `empty notes: ${outcome.deleted} deleted, every record read`;
      },
    },
  ];
  const results: OperationResult[] = [];
  for (const step of steps) {
    progress(step.name);
    try {
      const { job, seconds } = await stack.runJob(step.body);
      results.push({ name: step.name, rows, seconds, parts: job.parts, note: step.check(job.outcome) });
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 400)) throw error;
      results.push({ name: step.name, unavailable: error.message });
    }
  }
  return results;
}

export interface RssResult extends DivertedResult {
  bytes: number;
  rows: number;
  fileId: string;
}

/** A new workbook with one sheet of TYPED_FIELDS; returns its id. */
export async function typedWorkbook(stack: BenchStack, name: string): Promise<string> {
  const workbook = await stack.ok('POST', '/workbooks', {
    name,
    sheets: [{ name: 'People', fields: TYPED_FIELDS }],
  });
  return workbook.id;
}

/**
 * The processor's peak RSS on one part that spans the whole file: the job is planned with a
 * part size ≥ the file's size, and its one part runs in a child process of its own. Into a
 * new workbook (text fields: a CSV slice), or into `destination`.
 */
export async function processorRss(
  stack: BenchStack,
  file: DataFile,
  name: string,
  uploaded?: string,
  destination?: string,
): Promise<RssResult> {
  let source = uploaded;
  if (!source) {
    progress(`uploading ${mb(file.bytes)}`);
    source = (await stack.upload(file.path, name)).id;
  }
  progress(`one-part extract of ${mb(file.bytes)} in a child process`);
  const { job, result } = await stack.runDiverted({
    type: 'file',
    operation: 'extract',
    source,
    ...(destination ? { destination } : {}),
    config: name.endsWith('.csv') ? { partSizeBytes: Math.max(1024, file.bytes) } : {},
  });
  expectCount('parts', job.parts, 1);
  expectCount('records', job.outcome?.records, file.rows);
  return { ...result, bytes: file.bytes, rows: file.rows, fileId: source };
}

export interface XlsxResult {
  rows: number;
  bytes: number;
  seconds: number;
  rss: RssResult;
}

/** XLSX extract end to end on the stack's own workers, then once more with its part in a child for RSS. */
export async function xlsxExtract(stack: BenchStack, xlsx: DataFile): Promise<XlsxResult> {
  progress(`uploading the XLSX (${mb(xlsx.bytes)})`);
  const file = await stack.upload(xlsx.path, 'people.xlsx');
  progress('XLSX extract');
  const { job, seconds } = await stack.runJob({ type: 'file', operation: 'extract', source: file.id });
  expectCount('XLSX records', job.outcome?.records, xlsx.rows);
  const rss = await processorRss(stack, xlsx, 'people.xlsx', file.id);
  return { rows: xlsx.rows, bytes: xlsx.bytes, seconds, rss };
}

export const mb = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
