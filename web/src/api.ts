/**
 * The partwise API from the page: openapi-fetch typed by the generated document types (the
 * same as `partwise/client`, whose helpers are for Node), every call with the page's token.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../shared/client/api-types.js';
import type { PageConfig } from './config.js';
import type { TokenSource } from './token.js';

export type Job = components['schemas']['Job'];
export type JobSnapshot = components['schemas']['JobSnapshot'];
export type Workbook = components['schemas']['Workbook'];
export type Sheet = components['schemas']['Sheet'];
export type Action = components['schemas']['Action'];
export type Field = components['schemas']['Field'];
export type SheetRecord = components['schemas']['SheetRecord'];
export type CreateJobBody = components['schemas']['CreateJobBody'];
export type Problem = components['schemas']['Problem'];

/** A problem the API answered, in its own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `The API answered ${status}.`);
    this.name = 'ApiError';
  }
}

export function apiClient(config: PageConfig, tokens: TokenSource) {
  const client = createClient<paths>({ baseUrl: config.apiUrl || location.origin });
  client.use({
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${await tokens.get()}`);
      return request;
    },
  });
  return client;
}

export type Api = ReturnType<typeof apiClient>;

/** The data of an answer, or an ApiError with its problem. */
export function dataOf<T>(result: { data?: { data: T }; error?: unknown; response: Response }): T {
  if (result.data) return result.data.data;
  const problem = typeof result.error === 'object' && result.error !== null ? result.error : undefined;
  throw new ApiError(result.response.status, problem);
}
