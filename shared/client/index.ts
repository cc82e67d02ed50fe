/**
 * `partwise/client`: a typed client of the partwise HTTP API. Its request and response types
 * are generated from the OpenAPI document (api-types.ts, `npm run client:types`), and it
 * calls through `openapi-fetch`; beside the raw client it has helpers for the common flows:
 * upload a file, run a job and follow it to its end while reporting progress, and iterate a
 * sheet's records.
 *
 *   const partwise = partwiseClient({ url, apiKey });
 *   const file = await partwise.uploadFile('people.csv', csvText);
 *   const job = await partwise.runJob({ type: 'file', operation: 'extract', source: file.id },
 *     { onProgress: (j) => console.log(`${j.processed}/${j.parts}`) });
 *   for await (const record of partwise.records(job.outcome.sheetId)) …
 */
import createClient from 'openapi-fetch';
import type { JobSnapshot } from '../domain/events.js';
import { DIRECT_UPLOAD_LIMIT } from '../domain/resources.js';
import type { components, paths } from './api-types.js';
import { followJob } from './follow.js';

export type { components, paths } from './api-types.js';
export type Job = components['schemas']['Job'];
export type DataFile = components['schemas']['DataFile'];
export type SheetRecord = components['schemas']['SheetRecord'];
export type Problem = components['schemas']['Problem'];
/** The job as one of its events shows it (a large `config` or `outcome` may come bounded). */
export type { JobSnapshot } from '../domain/events.js';

export interface FollowJobOptions {
  /** The job as the wait began, then as each of its events shows it. */
  onProgress?: (job: JobSnapshot) => void;
  signal?: AbortSignal;
  /** How often the events feed is polled once caught up, where the server cannot push. @default 1000 */
  pollMs?: number;
  /** `stream` (the local stack) or `feed`; by default the stream where there is one. */
  via?: 'stream' | 'feed';
}
export type CreateJobBody = paths['/jobs']['post']['requestBody'] extends {
  content: { 'application/json': infer B };
}
  ? B
  : never;

/** A 4xx or 5xx answer: its status and its RFC 9457 problem. */
export class PartwiseApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
    what: string,
  ) {
    super(`${what}: ${status} ${problem?.detail ?? problem?.title ?? 'no problem body'}`);
    this.name = 'PartwiseApiError';
  }
}

export interface ClientOptions {
  /** The API's URL, e.g. http://localhost:3000. */
  url: string;
  apiKey: string;
  fetch?: typeof globalThis.fetch;
}

/** The data of an answer, or a PartwiseApiError for a problem. */
export function dataOf<T>(
  result: { data?: { data: T }; error?: unknown; response: Response },
  what: string,
): T {
  if (result.data) return result.data.data;
  const problem = typeof result.error === 'object' && result.error !== null ? result.error : undefined;
  throw new PartwiseApiError(result.response.status, problem, what);
}

export function partwiseClient(options: ClientOptions) {
  const baseUrl = options.url.replace(/\/$/, '');
  const client = createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function getJob(id: string): Promise<Job> {
    return dataOf(await client.GET('/jobs/{id}', { params: { path: { id } } }), `GET /jobs/${id}`);
  }

  return {
    /** The raw typed client: every route of the document, e.g. `api.GET('/jobs/{id}', …)`. */
    api: client,
    getJob,

    /**
     * Registers a file and uploads its content: up to 10 MB in the request itself
     * (`PUT /files/:id/content`), larger content through the presigned `uploadUrl` with the
     * headers it signed. Resolves with the file once it is available.
     */
    async uploadFile(name: string, content: string | Uint8Array): Promise<DataFile> {
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      const created = dataOf(
        await client.POST('/files', { body: { name, size: bytes.byteLength } }),
        'POST /files',
      );
      const send = options.fetch ?? fetch;
      if (bytes.byteLength <= DIRECT_UPLOAD_LIMIT) {
        // Raw bytes: sent as they are, not through the client's JSON body serializer.
        const response = await send(`${baseUrl}/files/${created.id}/content`, {
          method: 'PUT',
          body: bytes,
          headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/octet-stream' },
        });
        const answer = (await response.json()) as { data?: DataFile } & Partial<Problem>;
        if (!response.ok || !answer.data)
          throw new PartwiseApiError(response.status, answer, `PUT /files/${created.id}/content`);
        return answer.data;
      }
      const { 'content-length': _, ...headers } = created.uploadHeaders;
      const put = await send(created.uploadUrl, { method: 'PUT', body: bytes, headers });
      if (!put.ok) throw new PartwiseApiError(put.status, undefined, `PUT ${name} to its upload URL`);
      return dataOf(await client.GET('/files/{id}', { params: { path: { id: created.id } } }), 'GET /files');
    },

    /**
     * Creates a job that starts at once (unless `trigger` says otherwise and then executes
     * it), follows its events (as `waitForJob`) and resolves with the job once it ended —
     * COMPLETED, FAILED or CANCELED: check `status`.
     */
    async runJob(body: CreateJobBody, follow: FollowJobOptions = {}): Promise<Job> {
      const created = dataOf(
        await client.POST('/jobs', { body: { trigger: 'immediate', ...body } }),
        'POST /jobs',
      );
      // A manual job waits for execute (while it plans, execute marks it to start once planned).
      if (created.trigger === 'manual') {
        dataOf(
          await client.POST('/jobs/{id}/execute', { params: { path: { id: created.id } } }),
          `POST /jobs/${created.id}/execute`,
        );
      }
      return this.waitForJob(created.id, follow);
    },

    /**
     * Follows a job's events until it ends (pushed by the local stack's event stream, else
     * from the events feed); resolves with the job as it then reads. `onProgress` gets the
     * job as it stood when the wait began, then as each of its events shows it.
     */
    async waitForJob(id: string, follow: FollowJobOptions = {}): Promise<Job> {
      for await (const job of followJob({
        url: baseUrl,
        apiKey: options.apiKey,
        jobId: id,
        getJob,
        ...(follow.signal ? { signal: follow.signal } : {}),
        ...(follow.pollMs ? { pollMs: follow.pollMs } : {}),
        ...(follow.via ? { via: follow.via } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })) {
        follow.onProgress?.(job);
      }
      return getJob(id);
    },

    /** A sheet's records in order, page by page (`valid`: only valid or only invalid ones). */
    async *records(sheetId: string, filter: { valid?: boolean; pageSize?: number } = {}) {
      for (let offset = 0; ; ) {
        const query = {
          offset,
          limit: filter.pageSize ?? 1000,
          ...(filter.valid === undefined ? {} : { valid: filter.valid }),
        };
        const result = await client.GET('/sheets/{id}/records', {
          params: { path: { id: sheetId }, query: query as never },
        });
        if (!result.data) {
          throw new PartwiseApiError(result.response.status, result.error as Partial<Problem>, 'GET records');
        }
        const page = result.data as { data: SheetRecord[]; next?: string | null };
        yield* page.data;
        if (!page.next) return;
        offset = Number(page.next);
      }
    },
  };
}

export type PartwiseClient = ReturnType<typeof partwiseClient>;
