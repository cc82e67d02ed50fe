/**
 * In-memory stand-ins for the ports an operation uses (resources, blobs, and the two job
 * reads export and delete make), so operations can be run part by part, retried and
 * interrupted in a unit test.
 */
import '../../../shared/formats/xlsx/codec.js';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ContentChangedError, NotFoundError, StaleWriteError } from '../../../shared/domain/errors.js';
import type { Job } from '../../../shared/domain/job.js';
import {
  type DataFile,
  recordToRow,
  type Sheet,
  type SheetRecord,
  type SheetSegment,
  type Workbook,
} from '../../../shared/domain/resources.js';
import { encodeSegment } from '../../../shared/operations/segment-layout.js';
import type { BlobStore, JobRecord, JobStore, PartOutcome, ResourceStore } from '../../../shared/ports.js';
import type { Services } from '../../../shared/services.js';
import { jobFixture } from '../../helpers/jobs.js';
import { recordingMetrics } from '../../helpers/metrics.js';

/** An object's ETag as S3 gives a single PUT's: the MD5 of its bytes, quoted. */
const etagOf = (bytes: Buffer) => `"${createHash('md5').update(bytes).digest('hex')}"`;

export function memoryBlobs(): BlobStore & { objects: Map<string, Buffer>; lengths: Map<string, number> } {
  const objects = new Map<string, Buffer>();
  /** The length each stream was written with, when one was given (one PUT of that many bytes, in S3). */
  const lengths = new Map<string, number>();
  const get = (key: string) => {
    const bytes = objects.get(key);
    if (!bytes) throw new NotFoundError('Object', key);
    return bytes;
  };
  return {
    objects,
    lengths,
    async stat(key) {
      const bytes = objects.get(key);
      return bytes && { size: bytes.length, etag: etagOf(bytes) };
    },
    async read(key, range, options = {}) {
      const bytes = get(key);
      if (options.ifMatch !== undefined && options.ifMatch !== etagOf(bytes)) throw new ContentChangedError();
      const slice = range ? bytes.subarray(range.start, range.endExclusive) : bytes;
      // Small chunks, so readers meet lines and characters cut across chunks.
      const chunks: Buffer[] = [];
      for (let i = 0; i < slice.length; i += 7) chunks.push(slice.subarray(i, i + 7));
      return Readable.from(chunks);
    },
    async write(key, body, _contentType, contentLength) {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        objects.set(key, Buffer.from(body));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      const bytes = Buffer.concat(chunks);
      // As S3 does, a PUT whose body is not the length it declared fails, and stores nothing.
      if (contentLength !== undefined && bytes.length !== contentLength)
        throw new Error(`${key}: a ${contentLength}-byte PUT got ${bytes.length} bytes`);
      objects.set(key, bytes);
      if (contentLength !== undefined) lengths.set(key, contentLength);
      else lengths.delete(key);
    },
    async remove(keys) {
      for (const key of keys) objects.delete(key);
    },
    async list(prefix) {
      return [...objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    },
    async presignPut(key, _expiresInSeconds, options = {}) {
      const headers: Record<string, string> = { 'if-none-match': '*' };
      if (options.size !== undefined) headers['content-length'] = String(options.size);
      return { url: `memory://${key}`, headers };
    },
    async presignGet(key) {
      return `memory://${key}`;
    },
  };
}

export function memoryResources(): ResourceStore & { segments: Map<string, Map<number, SheetSegment>> } {
  const files = new Map<string, DataFile>();
  const workbooks = new Map<string, Workbook>();
  const sheets = new Map<string, Sheet>();
  const segments = new Map<string, Map<number, SheetSegment>>();
  const runs = new Map<string, number>();
  const of = (sheetId: string) => {
    const map = segments.get(sheetId) ?? new Map<number, SheetSegment>();
    segments.set(sheetId, map);
    return map;
  };
  return {
    segments,
    async putFile(file) {
      files.set(file.id, structuredClone(file));
    },
    async getFile(id) {
      return structuredClone(files.get(id));
    },
    async updateFile(id, patch, ifStatus) {
      const current = files.get(id);
      if (!current || (ifStatus && !ifStatus.includes(current.status)))
        throw new StaleWriteError(`Could not update file ${id}: the item changed meanwhile.`);
      const file = { ...current, ...patch };
      files.set(id, file);
      return file;
    },
    async listFiles() {
      return { files: [...files.values()] };
    },
    async putWorkbook(workbook) {
      workbooks.set(workbook.id, structuredClone(workbook));
      for (const sheet of workbook.sheets) sheets.set(sheet.id, structuredClone(sheet));
    },
    async replaceWorkbook(workbook, revision) {
      const stored = workbooks.get(workbook.id);
      if (!stored || (stored.revision ?? 0) !== revision)
        throw new StaleWriteError(`workbook ${workbook.id} changed`);
      await this.putWorkbook(workbook);
    },
    async getWorkbook(id) {
      return structuredClone(workbooks.get(id));
    },
    async getSheet(id) {
      return structuredClone(sheets.get(id));
    },
    async listWorkbooks() {
      return { workbooks: [...workbooks.values()] };
    },
    async deleteFile(id) {
      files.delete(id);
    },
    async deleteWorkbook(workbook) {
      for (const sheet of workbook.sheets) {
        sheets.delete(sheet.id);
        segments.delete(sheet.id);
      }
      workbooks.delete(workbook.id);
    },
    async putSegment(segment) {
      const previous = of(segment.sheetId).get(segment.ordinal);
      of(segment.sheetId).set(segment.ordinal, { ...segment });
      return previous && { ...previous };
    },
    async getSegment(sheetId, ordinal) {
      const segment = of(sheetId).get(ordinal);
      return segment && { ...segment };
    },
    async swapSegment(segment, expectedKey) {
      if (of(segment.sheetId).get(segment.ordinal)?.key !== expectedKey) return false;
      of(segment.sheetId).set(segment.ordinal, { ...segment });
      return true;
    },
    async deleteSegments(sheetId, ordinals) {
      for (const ordinal of ordinals) of(sheetId).delete(ordinal);
    },
    async listSegments(sheetId) {
      return [...of(sheetId).values()].sort((a, b) => a.ordinal - b.ordinal).map((s) => ({ ...s }));
    },
    async reserveRun(sheetId) {
      const run = (runs.get(sheetId) ?? 0) + 1;
      runs.set(sheetId, run);
      return run;
    },
  };
}

/** The job reads operations make: the job's status, and what its parts reported. */
export function memoryJobs(job: Job) {
  const stats = new Map<number, Record<string, number>>();
  const record = (): JobRecord => ({
    job,
    version: 1,
    eventCount: 0,
    executeRequested: false,
    state: {},
    lastProgressEventAt: 0,
    outbox: [],
  });
  const store = {
    async get(id: string) {
      return id === job.id ? record() : undefined;
    },
    async listParts(_record: JobRecord, from: number, limit: number): Promise<PartOutcome[]> {
      const parts: PartOutcome[] = [];
      for (let part = from; part < Math.min(job.parts, from + limit); part++) {
        const partStats = stats.get(part);
        parts.push(partStats ? { part, status: 'COMPLETED', stats: partStats } : { part, status: 'PENDING' });
      }
      return parts;
    },
  };
  return { store: store as unknown as JobStore, stats };
}

export function memoryServices(job: Job) {
  const blobs = memoryBlobs();
  const resources = memoryResources();
  const jobs = memoryJobs(job);
  const services: Services = {
    jobs: jobs.store,
    events: {} as Services['events'],
    resources,
    blobs,
    queue: { send: async () => {} },
    publisher: { publish: async () => [] },
    metrics: recordingMetrics(),
    eventDeadLetter: { hold: async () => {} },
    now: () => new Date('2026-11-28T10:00:00Z'),
  };
  return { services, blobs, resources, stats: jobs.stats };
}

export function newJob(fields: Partial<Job> & Pick<Job, 'operation' | 'type' | 'source'>): Job {
  return jobFixture({
    id: 'job_test',
    trigger: 'immediate',
    status: 'EXECUTING',
    createdAt: '2026-11-28T09:00:00Z',
    updatedAt: '2026-11-28T09:00:00Z',
    ...fields,
  });
}

/** A sheet with fields, stored with its workbook. */
export async function storeSheet(
  resources: ResourceStore,
  sheet: Omit<Sheet, 'workbookId' | 'environmentId' | 'createdAt'>,
) {
  const full: Sheet = {
    ...sheet,
    workbookId: `wb_${sheet.id}`,
    environmentId: 'env_test',
    createdAt: '2026-11-28T09:00:00Z',
  };
  await resources.putWorkbook({
    id: full.workbookId,
    environmentId: 'env_test',
    name: sheet.name,
    sheets: [full],
    createdAt: full.createdAt,
    updatedAt: full.createdAt,
  });
  return full;
}

export const record = (id: string, values: SheetRecord['values'], valid = true): SheetRecord =>
  valid ? { id, values, valid } : { id, values, valid, messages: { x: 'bad' } };

/** Plans a job and runs its parts in order (each `repeat` times, as SQS may deliver it), then finalizes it. */
export async function runInMemory(
  operation: import('../../../shared/operations/operation.js').Operation,
  env: ReturnType<typeof memoryServices>,
  job: Job,
  options: { repeat?: number; beforeFinalize?: () => void | Promise<void> } = {},
) {
  const { services } = env;
  const plan = await operation.plan(job, services);
  job.parts = plan.parts;
  if (plan.destination) job.destination = plan.destination;
  const messages = await operation.partMessages(job, plan.state, 0, plan.parts, services);
  for (const message of messages) {
    for (let delivery = 0; delivery < (options.repeat ?? 1); delivery++) {
      const stats = await operation.runPart(job, plan.state, message, services);
      if (delivery === 0) env.stats.set(message.part, stats);
      else if (JSON.stringify(stats) !== JSON.stringify(env.stats.get(message.part)))
        throw new Error(`part ${message.part} reported ${JSON.stringify(stats)} when repeated`);
    }
  }
  await options.beforeFinalize?.();
  const outcome = await operation.finalize(job, plan.state, services, { failed: [] });
  return { plan, outcome };
}

/** Writes records as one segment of a sheet, at `ordinal`. */
export async function putRecords(
  env: ReturnType<typeof memoryServices>,
  sheetId: string,
  ordinal: number,
  records: SheetRecord[],
  jobId = 'job_seed',
) {
  const key = `sheets/${sheetId}/segments/${ordinal}/${jobId}.ndjson`;
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.values)))];
  await env.blobs.write(
    key,
    encodeSegment(
      keys,
      records.map((r) => recordToRow(keys, r)),
    ),
  );
  await env.resources.putSegment({
    sheetId,
    ordinal,
    key,
    rows: records.length,
    invalid: records.filter((r) => !r.valid).length,
    jobId,
  });
}

/** A file of the test environment with `content`, stored as an upload is (its record and its object). */
export function storeFile(
  env: ReturnType<typeof memoryServices>,
  name: string,
  content: string | Uint8Array,
): DataFile {
  const bytes = Buffer.from(content);
  const file: DataFile = {
    id: 'file_a',
    environmentId: 'env_test',
    name,
    mediaType: 'application/octet-stream',
    status: 'available',
    size: bytes.length,
    key: 'uploads/file_a',
    createdAt: '',
    updatedAt: '',
  };
  env.blobs.objects.set(file.key, bytes);
  void env.resources.putFile(file);
  return file;
}
