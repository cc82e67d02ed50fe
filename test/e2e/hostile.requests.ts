/** Hostile URLs and headers: ids, cursors, queries, credentials, routes. */
import { b64, type HostileCase, long } from './hostile.cases.js';

export const HOSTILE_REQUESTS: HostileCase[] = [
  // Ids in paths: malformed escapes, and ids of no shape partwise gives.
  { name: 'GET /jobs/%ZZ', status: 400, was: '500', send: (fx) => fx.raw('GET', '/jobs/%ZZ') },
  { name: 'GET /files/%ZZ', status: 400, was: '500', send: (fx) => fx.raw('GET', '/files/%ZZ') },
  {
    name: 'GET /workbooks/ with a cut UTF-8 escape',
    status: 400,
    was: '500',
    send: (fx) => fx.raw('GET', '/workbooks/%E0%A4%A'),
  },
  {
    name: 'GET /sheets/%ZZ/records',
    status: 400,
    was: '500',
    send: (fx) => fx.raw('GET', '/sheets/%ZZ/records'),
  },
  { name: 'DELETE /jobs/%ZZ', status: 400, was: '500', send: (fx) => fx.raw('DELETE', '/jobs/%ZZ') },
  {
    name: 'GET /jobs/ a 5,000-character id',
    status: 404,
    was: '503',
    send: (fx) => fx.raw('GET', `/jobs/${long(5000, 'j')}`),
  },
  {
    name: 'GET /files/ a 5,000-character id',
    status: 404,
    was: '503',
    send: (fx) => fx.raw('GET', `/files/${long(5000)}`),
  },
  {
    name: 'GET /workbooks/ a 5,000-character id',
    status: 404,
    was: '503',
    send: (fx) => fx.raw('GET', `/workbooks/${long(5000)}`),
  },
  {
    name: 'GET /sheets/sh_ a 5,000-character id',
    status: 404,
    was: '503',
    send: (fx) => fx.raw('GET', `/sheets/sh_${long(5000)}`),
  },
  {
    name: 'POST /jobs/ a 5,000-character id /execute',
    status: 404,
    was: '503',
    send: (fx) => fx.raw('POST', `/jobs/${long(5000)}/execute`),
  },
  {
    name: 'PUT /files/ a 5,000-character id /content',
    status: 404,
    was: '503',
    send: (fx) => fx.raw('PUT', `/files/${long(5000)}/content`, 'a\n1\n', { 'content-type': 'text/csv' }),
  },
  { name: 'GET /jobs/%00', status: 404, send: (fx) => fx.raw('GET', '/jobs/%00') },
  {
    name: 'GET /jobs/ an id with an encoded slash',
    status: 404,
    send: (fx) => fx.raw('GET', '/jobs/job_x%2F..%2Ffiles'),
  },
  // Cursors: not base64 JSON, JSON of another shape, another list's, another environment's.
  {
    name: 'GET /files?next=garbage',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', '/files?next=garbage'),
  },
  {
    name: 'GET /workbooks?next=garbage',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', '/workbooks?next=garbage'),
  },
  {
    name: 'GET /jobs/:id/events?next=garbage',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', `/jobs/${fx.executingJobId}/events?next=garbage`),
  },
  { name: 'GET /jobs?next=garbage', status: 400, send: (fx) => fx.raw('GET', '/jobs?next=garbage') },
  {
    name: 'GET /files?next={"x":1}',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', '/files?next=eyJ4IjoxfQ'),
  },
  {
    name: 'GET /workbooks?next={"x":1}',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', '/workbooks?next=eyJ4IjoxfQ'),
  },
  {
    name: 'GET /jobs?next={"x":1}',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', '/jobs?next=eyJ4IjoxfQ'),
  },
  {
    name: 'GET /jobs/:id/events?next={"x":1}',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', `/jobs/${fx.executingJobId}/events?next=eyJ4IjoxfQ`),
  },
  {
    name: 'GET /workbooks with the file list’s cursor',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', `/workbooks?next=${fx.filesCursor}`),
  },
  {
    name: 'GET /jobs/:id/events with the file list’s cursor',
    status: 400,
    was: '503',
    send: (fx) => fx.raw('GET', `/jobs/${fx.executingJobId}/events?next=${fx.filesCursor}`),
  },
  {
    name: 'GET /files with a cursor into another environment',
    status: 400,
    was: '200, with that environment’s files',
    send: (fx) =>
      fx.raw(
        'GET',
        `/files?next=${b64({ pk: 'FILE#file_x', sk: 'FILE', gsi1pk: 'ENV#env_other#FILE', gsi1sk: '9999' })}`,
      ),
  },
  {
    name: 'GET /files?next= 5,000 characters',
    status: 400,
    send: (fx) => fx.raw('GET', `/files?next=${long(5000, 'A')}`),
  },
  // Queries.
  {
    name: 'GET /events?since=garbage',
    status: 400,
    was: '200, from the start',
    send: (fx) => fx.raw('GET', '/events?since=garbage'),
  },
  {
    name: 'GET /events?since= past any position',
    status: 400,
    was: '200, with a `next` of 17 digits no poll could pass back',
    send: (fx) => fx.raw('GET', '/events?since=9999999999999999'),
  },
  {
    name: 'GET /events?jobId= 5,000 characters',
    status: 400,
    send: (fx) => fx.raw('GET', `/events?jobId=${long(5000)}`),
  },
  {
    name: 'GET /jobs?source= 5,000 characters',
    status: 400,
    send: (fx) => fx.raw('GET', `/jobs?source=${long(5000)}`),
  },
  {
    name: 'GET /jobs?limit=1e400',
    status: 400,
    send: (fx) => fx.raw('GET', `/jobs?limit=1${long(400, '0')}`),
  },
  { name: 'GET /jobs?unknown=1', status: 400, send: (fx) => fx.raw('GET', '/jobs?unknown=1') },
  {
    name: 'GET /jobs/:id/parts?offset=1e30',
    status: 400,
    send: (fx) => fx.raw('GET', `/jobs/${fx.executingJobId}/parts?offset=1${long(30, '0')}`),
  },
  {
    name: 'GET /sheets/:id/records?valid=maybe',
    status: 400,
    send: (fx) => fx.raw('GET', `/sheets/${fx.sheetId}/records?valid=maybe`),
  },
  // Headers.
  {
    name: 'an Idempotency-Key of 5,000 characters',
    status: 400,
    was: '201',
    send: (fx) =>
      fx.raw(
        'POST',
        '/jobs',
        { type: 'workbook', operation: 'submit', source: fx.workbookId },
        { 'idempotency-key': long(5000, 'k') },
      ),
  },
  {
    name: 'an Idempotency-Key with a control character',
    status: 400,
    send: (fx) =>
      fx.raw(
        'POST',
        '/jobs',
        { type: 'workbook', operation: 'submit', source: fx.workbookId },
        { 'idempotency-key': 'a\tb' },
      ),
  },
  {
    name: 'no Authorization header',
    status: 401,
    gateway: true,
    send: (fx) => fx.raw('GET', '/jobs', undefined, { authorization: '' }),
  },
  {
    name: 'Authorization: Basic',
    status: 401,
    gateway: true,
    send: (fx) => fx.raw('GET', '/jobs', undefined, { authorization: 'Basic YTpi' }),
  },
  {
    name: 'a 6,000-character bearer key',
    status: 401,
    gateway: true,
    send: (fx) => fx.raw('GET', '/jobs', undefined, { authorization: `Bearer ${long(6000, 'k')}` }),
  },
  // Routes.
  { name: 'GET /nowhere', status: 404, send: (fx) => fx.raw('GET', '/nowhere') },
  {
    name: 'PATCH /jobs/:id',
    status: 405,
    was: '404',
    send: (fx) => fx.raw('PATCH', `/jobs/${fx.executingJobId}`, {}),
  },
];
