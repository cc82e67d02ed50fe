import { checkResponse } from './response-contract.js';
import type { Target } from './stack.js';
import { waitFor } from './wait.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small HTTP client for the partwise API, as a caller would write it. */
export function apiClient(target: Target, apiKey: string | null = target.apiKey) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    // Every response must be one the OpenAPI document describes; a mismatch fails the test.
    checkResponse(method, path, {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
      body: parsed,
    });
    return { status: response.status, headers: response.headers, body: parsed as T } satisfies ApiResponse<T>;
  }

  /** The job once `until` holds for it; fails after `timeoutMs`, showing the job as last seen. */
  async function waitForJob(jobId: string, until: (job: any) => boolean, timeoutMs = 120_000) {
    return waitFor(`job ${jobId}`, async () => (await call('GET', `/jobs/${jobId}`)).body.data, until, {
      timeoutMs,
      intervalMs: 100,
    });
  }

  /** Uploads through the presigned URL, as a browser or curl -T would. */
  async function uploadFile(name: string, content: string | Buffer) {
    const created = await call('POST', '/files', { name });
    if (created.status !== 201)
      throw new Error(`POST /files: ${created.status} ${JSON.stringify(created.body)}`);
    // The headers the URL signed (fetch sets Content-Length itself, from the body).
    const { 'content-length': _, ...headers } = created.body.data.uploadHeaders as Record<string, string>;
    const put = await fetch(created.body.data.uploadUrl, { method: 'PUT', body: content, headers });
    if (!put.ok) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
    return created.body.data;
  }

  async function allRecords(sheetId: string) {
    const records: any[] = [];
    for (let offset = 0; ; ) {
      const { status, body } = await call('GET', `/sheets/${sheetId}/records?offset=${offset}&limit=1000`);
      if (status !== 200) throw new Error(`records: ${status} ${JSON.stringify(body)}`);
      records.push(...body.data);
      if (!body.next) return records;
      offset = Number(body.next);
    }
  }

  return { call, waitForJob, uploadFile, allRecords };
}
