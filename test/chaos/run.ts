/**
 * Runs the chaos workload's chains against a stack over HTTP, as a patient client would:
 * every call is tried again while the stack cannot be reached or answers 5xx (it may be
 * killed and started again under it), jobs are created with an Idempotency-Key, and each
 * chain's outputs are reduced to digests two runs can be compared by.
 */
import { createHash } from 'node:crypto';
import { type Chain, csvText, digest, PNG, TYPED_FIELDS, xlsxBytes } from './workload.js';

export interface Target {
  url: string;
  apiKey: string;
}

export interface JobResult {
  step: string;
  id: string;
  status: string;
  parts: number;
  processed: number;
  errorCode?: string;
}

export interface ChainResult {
  chain: Chain;
  jobs: JobResult[];
  /** Per output (a sheet's records, an exported file): a digest of its values. */
  outputs: Record<string, string>;
  /** A step that could not be carried out at all, and why. */
  broken?: string;
}

const PATIENCE_MS = 180_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** How often a wait for a job says where the job is, for a run that hangs to be read. */
const WAIT_REPORT_MS = 60_000;
const FINAL = ['COMPLETED', 'FAILED', 'CANCELED'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP call, tried again while the stack is away (no connection, 5xx) for up to PATIENCE_MS. */
export async function call<T = any>(
  target: Target,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const deadline = Date.now() + PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${target.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        // A request the stack never answers is tried again, not waited on for good.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status < 500) {
        return {
          status: response.status,
          headers: response.headers,
          body: (text ? JSON.parse(text) : undefined) as T,
        };
      }
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      if (!(error instanceof TypeError) && !(error instanceof SyntaxError) && !timedOut) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`${method} ${path}: the stack did not answer for ${PATIENCE_MS} ms`);
    await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
  }
}

async function ok<T = any>(
  target: Target,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  const response = await call<{ data: T }>(target, method, path, body, headers);
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data;
}

/** Registers a file and uploads its content through the upload URL it was given. */
async function upload(target: Target, name: string, content: string | Buffer): Promise<string> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const size = Buffer.byteLength(content);
    const file = await ok<{ id: string; uploadUrl: string; uploadHeaders?: Record<string, string> }>(
      target,
      'POST',
      '/files',
      { name, size },
    );
    try {
      const put = await fetch(file.uploadUrl, {
        method: 'PUT',
        body: content,
        headers: file.uploadHeaders ?? {},
      });
      if (put.ok) return file.id;
    } catch {
      // the stack went away mid-upload: a new file, a new upload
    }
    if (Date.now() > deadline) throw new Error(`upload of ${name} kept failing`);
    await sleep(500);
  }
}

async function waitForJob(
  target: Target,
  id: string,
  log: (line: string) => void,
): Promise<Record<string, any>> {
  const deadline = Date.now() + 5 * PATIENCE_MS;
  let report = Date.now() + WAIT_REPORT_MS;
  for (;;) {
    const job = await ok<Record<string, any>>(target, 'GET', `/jobs/${id}`);
    if (FINAL.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not end: ${job.status}`);
    if (Date.now() > report) {
      report = Date.now() + WAIT_REPORT_MS;
      log(
        `still waiting for ${id}: ${job.status}, ${job.processed}/${job.parts} parts, updated ${job.updatedAt}`,
      );
    }
    await sleep(200);
  }
}

async function records(target: Target, sheetId: string): Promise<unknown[]> {
  const all: unknown[] = [];
  for (let offset = 0; ; ) {
    const page = await call<{ data: { values: unknown; valid: boolean }[]; next?: string }>(
      target,
      'GET',
      `/sheets/${sheetId}/records?offset=${offset}&limit=1000`,
    );
    all.push(...page.body.data.map((r) => [r.values, r.valid]));
    if (!page.body.next) return all;
    offset = Number(page.body.next);
  }
}

async function download(target: Target, fileId: string): Promise<string> {
  const redirect = await call(target, 'GET', `/files/${fileId}/content`);
  const location = redirect.headers.get('location');
  if (!location) throw new Error(`file ${fileId}: no download location (${redirect.status})`);
  const response = await fetch(location);
  return createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex')
    .slice(0, 16);
}

/** Runs one chain to its end; a job that ends otherwise than the chain needs stops the chain there. */
export async function runChain(
  target: Target,
  chain: Chain,
  runId: string,
  log: (line: string) => void = () => {},
): Promise<ChainResult> {
  const result: ChainResult = { chain, jobs: [], outputs: {} };
  const job = async (step: string, body: Record<string, unknown>) => {
    const created = await ok<{ id: string }>(
      target,
      'POST',
      '/jobs',
      { trigger: 'immediate', ...body },
      {
        'idempotency-key': `${runId}-${chain.name}-${step}`,
      },
    );
    const ended = await waitForJob(target, created.id, (line) =>
      log(`${runId} ${chain.name} ${step}: ${line}`),
    );
    result.jobs.push({
      step,
      id: ended.id,
      status: ended.status,
      parts: ended.parts,
      processed: ended.processed,
      ...(ended.error?.code ? { errorCode: ended.error.code } : {}),
    });
    return ended;
  };
  try {
    switch (chain.kind) {
      case 'csv': {
        const source = await upload(target, `${chain.name}.csv`, csvText(chain));
        const extracted = await job('extract', {
          type: 'file',
          operation: 'extract',
          source,
          config: { partSizeBytes: 4096 },
        });
        if (extracted.status !== 'COMPLETED') return result;
        result.outputs.extracted = digest(await records(target, extracted.outcome.sheetId));
        const typed = await ok<{ id: string; sheets: { id: string }[] }>(target, 'POST', '/workbooks', {
          name: `typed ${chain.name}`,
          sheets: [{ name: 'People', fields: TYPED_FIELDS }],
        });
        const sheetId = String(typed.sheets[0]?.id);
        const fields = Object.fromEntries(TYPED_FIELDS.map((f) => [f.key, f.key]));
        const mapped = await job('map', {
          type: 'workbook',
          operation: 'map',
          source: extracted.destination,
          destination: typed.id,
          config: {
            mappings: [{ sourceSheet: extracted.outcome.sheetId, destinationSheet: 'People', fields }],
          },
        });
        if (mapped.status !== 'COMPLETED') return result;
        result.outputs.mapped = digest(await records(target, sheetId));
        const deleted = await job('delete', {
          type: 'sheet',
          operation: 'delete',
          source: sheetId,
          config: { filter: { valid: false } },
        });
        if (deleted.status !== 'COMPLETED') return result;
        result.outputs.kept = digest(await records(target, sheetId));
        const exported = await job('export', {
          type: 'sheet',
          operation: 'export',
          source: sheetId,
          config: { format: 'csv' },
        });
        if (exported.status === 'COMPLETED')
          result.outputs.exported = await download(target, exported.destination);
        return result;
      }
      case 'xlsx': {
        const source = await upload(target, `${chain.name}.xlsx`, await xlsxBytes(chain));
        const extracted = await job('extract', { type: 'file', operation: 'extract', source });
        if (extracted.status === 'COMPLETED')
          result.outputs.extracted = digest(await records(target, extracted.outcome.sheetId));
        return result;
      }
      case 'action': {
        const workbook = await ok<{ id: string }>(target, 'POST', '/workbooks', {
          name: `orders ${chain.name}`,
          sheets: [{ name: 'Orders', fields: [{ key: 'id', type: 'string' }] }],
          actions: [{ operation: 'submit', label: 'Submit' }],
        });
        const submitted = await job('submit', {
          type: 'workbook',
          operation: 'submit',
          source: workbook.id,
          config: { ackTimeoutSeconds: 600 },
        });
        result.outputs.outcome = String(submitted.outcome?.heading ?? '');
        return result;
      }
      case 'refused': {
        const source = await upload(target, `${chain.name}.csv`, PNG);
        await job('extract', { type: 'file', operation: 'extract', source });
        return result;
      }
    }
  } catch (error) {
    result.broken = error instanceof Error ? error.message : String(error);
    return result;
  }
}

/** Runs every chain, `concurrency` at a time. */
export async function runChains(
  target: Target,
  chains: Chain[],
  runId: string,
  concurrency = 6,
  log: (line: string) => void = () => {},
): Promise<ChainResult[]> {
  const results: ChainResult[] = new Array(chains.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < chains.length; i = next++) {
      const result = await runChain(target, chains[i] as Chain, runId, log);
      results[i] = result;
      const steps = result.jobs.map((job) => `${job.step}:${job.status}`).join(' ');
      log(
        `${runId} ${++done}/${chains.length} ${result.chain.name}: ${steps}${result.broken ? ` BROKEN ${result.broken}` : ''}`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chains.length) }, worker));
  return results;
}
