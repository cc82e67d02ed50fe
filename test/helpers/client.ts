/**
 * How the e2e suites call the partwise API. `testClient` is the typed client a caller imports
 * (`partwise/client`), with what a test needs beside it; `rawRequest` sends what the typed API
 * cannot express (hostile bodies, wrong methods, no or bad key, bad headers, wrong content
 * types). Both go through `contractCheckedFetch`, so every response the suites receive from
 * the API is checked against the OpenAPI document (response-contract.ts).
 */
import { type components, type Job, type Problem, partwiseClient, type SheetRecord } from 'partwise/client';
import { expect } from 'vitest';
import { checkResponse } from './response-contract.js';
import type { Target } from './stack.js';
import { waitFor } from './wait.js';

export type Workbook = components['schemas']['Workbook'];
export type CreatedFile = components['schemas']['CreatedFile'];
export type CreateWorkbookBody = components['schemas']['CreateWorkbookBody'];
/** A sheet's field as POST /workbooks takes it. */
export type FieldInput = CreateWorkbookBody['sheets'][number]['fields'][number];
/** An action as POST /workbooks takes it. */
export type ActionInput = NonNullable<CreateWorkbookBody['actions']>[number];

/** A body as JSON when it parses, else its text; undefined when empty. */
function parsed(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `fetch`, with every answer of the API at `apiUrl` checked against the OpenAPI document (a
 * mismatch throws, and fails the test). The API's answer is what is checked and returned: a
 * redirect is not followed. Requests elsewhere (a presigned S3 URL) go through unchecked.
 */
export function contractCheckedFetch(apiUrl: string): typeof fetch {
  const base = new URL(apiUrl).href.replace(/\/$/, '');
  return async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(`${base}/`)) return fetch(request);
    const response = await fetch(new Request(request, { redirect: 'manual' }));
    const contentType = response.headers.get('content-type');
    // A stream (GET /events/stream) does not end: its status and media type are checked, not its body.
    const text = contentType?.startsWith('text/event-stream') ? '' : await response.clone().text();
    checkResponse(request.method, request.url.slice(base.length), {
      status: response.status,
      contentType,
      text,
      body: parsed(text),
    });
    return response;
  };
}

/** The typed client of `target` (contract-checked), and what the suites need beside it. */
export function testClient(target: Target, apiKey: string = target.apiKey) {
  const partwise = partwiseClient({ url: target.url, apiKey, fetch: contractCheckedFetch(target.url) });
  const { api } = partwise;
  return {
    ...partwise,

    /** The job once `until` holds for it (GET /jobs/{id}); fails after `timeoutMs`, showing the job as last seen. */
    pollJob(jobId: string, until: (job: Job) => boolean, timeoutMs = 120_000): Promise<Job> {
      return waitFor(`job ${jobId}`, () => partwise.getJob(jobId), until, { timeoutMs, intervalMs: 100 });
    },

    /**
     * Registers a file and uploads its content through the presigned URL, as a browser or
     * `curl -T` would; the file is as POST /files answered it (`pending`).
     */
    async uploadByUrl(name: string, content: string | Uint8Array): Promise<CreatedFile> {
      const created = bodyOf(await api.POST('/files', { body: { name } }), 201).data;
      // The headers the URL signed (fetch sets Content-Length itself, from the body).
      const { 'content-length': _, ...headers } = created.uploadHeaders;
      const put = await fetch(created.uploadUrl, { method: 'PUT', body: content, headers });
      if (!put.ok) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
      return created;
    },

    /** PUT /files/{id}/content with `content` as it is, of the media type given. */
    putContent(fileId: string, content: string, contentType: string) {
      return api.PUT('/files/{id}/content', {
        params: { path: { id: fileId } },
        body: content,
        bodySerializer: (body) => body,
        headers: { 'content-type': contentType },
      });
    },

    /** Every record of the sheet, in order. */
    async allRecords(sheetId: string): Promise<SheetRecord[]> {
      const records: SheetRecord[] = [];
      for await (const record of partwise.records(sheetId)) records.push(record);
      return records;
    },
  };
}

export type TestClient = ReturnType<typeof testClient>;

/** A job that will not change again. */
export const hasEnded = (job: { status: string }) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(job.status);

/** The body of a typed answer with this status; fails the test with what came instead. */
export function bodyOf<T>(answer: { data?: T; error?: unknown; response: Response }, status: number): T {
  const { response } = answer;
  expect(response.status, `${response.url}: ${JSON.stringify(answer.error)}`).toBe(status);
  if (answer.data === undefined) throw new Error(`${response.url} answered ${status} with no body`);
  return answer.data;
}

/** The problem of a typed answer with this status: problem JSON, its `status` the answer's. */
export function problemOf(answer: { error?: Problem; response: Response }, status: number): Problem {
  const { response } = answer;
  expect(response.status, `${response.url}: ${JSON.stringify(answer.error)}`).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  if (answer.error === undefined) throw new Error(`${response.url} answered ${status} with no problem`);
  expect(answer.error.status).toBe(status);
  return answer.error;
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  'type' in body &&
  typeof body.type === 'string' &&
  'title' in body &&
  typeof body.title === 'string' &&
  'status' in body &&
  typeof body.status === 'number' &&
  'detail' in body &&
  typeof body.detail === 'string' &&
  'correlationId' in body &&
  typeof body.correlationId === 'string';

/** The problem of a raw response with this status: problem JSON, its `status` the response's. */
export function problemIn(response: RawResponse, status: number): Problem {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  if (!isProblem(response.body)) throw new Error(`no problem: ${JSON.stringify(response.body)}`);
  expect(response.body.status).toBe(status);
  return response.body;
}

/** A workbook's sheet (the first by default); fails the test when there is none. */
export function sheetOf<Sheet>(workbook: { sheets: Sheet[] }, index = 0): Sheet {
  const sheet = workbook.sheets[index];
  if (!sheet) throw new Error(`the workbook has no sheet ${index}`);
  return sheet;
}

/** What the job wrote into (a workbook, sheet or file); fails the test when it names none. */
export function destinationOf(job: Pick<Job, 'id' | 'destination'>): string {
  if (job.destination === undefined) throw new Error(`job ${job.id} has no destination`);
  return job.destination;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** JSON when it parses, else the text: the test narrows it. */
  body: unknown;
}

export type RawRequest = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<RawResponse>;

/**
 * A request exactly as written, for what the typed client cannot express: a string or bytes
 * body is sent as it is, anything else as JSON; `apiKey: null` sends no Authorization header.
 */
export function rawRequest(target: Target, apiKey: string | null = target.apiKey): RawRequest {
  const send = contractCheckedFetch(target.url);
  return async (method, path, body, headers = {}) => {
    const asIs = typeof body === 'string' || body instanceof Uint8Array;
    const response = await send(`${target.url}${path}`, {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body !== undefined && !asIs ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: asIs ? body : JSON.stringify(body) } : {}),
    });
    return { status: response.status, headers: response.headers, body: parsed(await response.text()) };
  };
}

/** A typed answer as a raw response, for checks written for both. */
export function rawOf(answer: { data?: unknown; error?: unknown; response: Response }): RawResponse {
  return {
    status: answer.response.status,
    headers: answer.response.headers,
    body: answer.error ?? answer.data,
  };
}
