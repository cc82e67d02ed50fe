/**
 * The hostile-request corpus: requests a client can send that must each get a 4xx problem,
 * never a 5xx. `was` notes what the request got before its bound existed (issue 10), so a
 * case that regresses says what it brings back. The cases are in hostile.requests.ts (the
 * URL and headers) and hostile.bodies.ts (what a body holds); this module has what they share.
 */
import type { RawRequest, RawResponse } from '../helpers/client.js';

export interface Fixtures {
  /** A request as written: hostile ones are what the typed client cannot send. */
  raw: RawRequest;
  /** A workbook that declares the `submit` action (no input form) and has one sheet. */
  workbookId: string;
  sheetId: string;
  /** An available CSV file. */
  fileId: string;
  /** A job of `submit`, EXECUTING: it takes reports. */
  executingJobId: string;
  /** A cursor the file list returned. */
  filesCursor: string;
}

export interface HostileCase {
  name: string;
  status: number;
  /** Answered by API Gateway itself (the authorizer, the payload limit): on AWS, plain JSON, not problem JSON. */
  gateway?: boolean;
  was?: string;
  send: (fx: Fixtures) => Promise<RawResponse>;
}

export const json = { 'content-type': 'application/json' };
export const long = (n: number, c = 'x') => c.repeat(n);
export const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const fields = (n: number, label = '') =>
  Array.from({ length: n }, (_, i) => ({ key: `f${i}`, type: 'string', ...(label ? { label } : {}) }));

/** POST /jobs of the `submit` action on the fixture workbook, with `extra` in its body. */
export const submit = (fx: Fixtures, extra: Record<string, unknown>) =>
  fx.raw('POST', '/jobs', { type: 'workbook', operation: 'submit', source: fx.workbookId, ...extra });
/** POST /jobs of an extract of the fixture file, its body's end written as raw JSON. */
export const extractRaw = (fx: Fixtures, tail: string) =>
  fx.raw('POST', '/jobs', `{"type":"file","operation":"extract","source":"${fx.fileId}",${tail}}`, json);
