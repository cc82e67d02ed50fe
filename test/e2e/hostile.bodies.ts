/** Hostile bodies: what no store can hold, in any body and in jobs, reports, files and workbooks. */
import { deep, extractRaw, fields, type HostileCase, json, long, submit } from './hostile.cases.js';

export const HOSTILE_BODIES: HostileCase[] = [
  // Bodies, whatever the route.
  { name: 'malformed JSON', status: 400, send: (fx) => fx.raw('POST', '/jobs', '{"type": "file",', json) },
  { name: 'a JSON array for an object', status: 400, send: (fx) => fx.raw('POST', '/jobs', '[]', json) },
  { name: 'JSON null', status: 400, send: (fx) => fx.raw('POST', '/workbooks', 'null', json) },
  { name: 'no body', status: 400, send: (fx) => fx.raw('POST', '/files') },
  {
    name: 'binary bytes as the body',
    status: 400,
    send: (fx) =>
      fx.raw('POST', '/jobs', '\u0000\u0001\u00ff', { 'content-type': 'application/octet-stream' }),
  },
  {
    name: 'a form body',
    status: 400,
    send: (fx) =>
      fx.raw('POST', '/files', 'name=a.csv', { 'content-type': 'application/x-www-form-urlencoded' }),
  },
  {
    name: 'bytes that are not UTF-8',
    status: 400,
    send: (fx) => fx.raw('POST', '/files', new Uint8Array([0x7b, 0xff, 0x7d]), json),
  },
  {
    name: 'a 2 MB JSON body',
    status: 413,
    send: (fx) => fx.raw('POST', '/workbooks', { name: long(2_000_000) }),
  },
  {
    name: 'a body over 10 MB',
    status: 413,
    gateway: true,
    send: (fx) =>
      fx.raw('PUT', `/files/${fx.fileId}/content`, long(10 * 1024 * 1024 + 1, 'a'), {
        'content-type': 'text/csv',
      }),
  },
  {
    name: 'a lone surrogate in a name',
    status: 400,
    send: (fx) => fx.raw('POST', '/files', '{"name":"\\ud800.csv"}', json),
  },
  { name: 'an empty key in a config', status: 400, send: (fx) => submit(fx, { config: { '': 1 } }) },
  {
    name: 'an unknown field',
    status: 400,
    send: (fx) => fx.raw('POST', '/files', { name: 'a.csv', owner: 'me' }),
  },

  // Jobs: sizes, depths and numbers no store could hold.
  {
    name: 'an extract input nested 100,000 deep',
    status: 400,
    was: '503',
    send: (fx) => extractRaw(fx, `"input":${deep(100_000)}`),
  },
  {
    name: 'an action config nested 100,000 deep',
    status: 400,
    was: '503',
    send: (fx) =>
      fx.raw(
        'POST',
        '/jobs',
        `{"type":"workbook","operation":"submit","source":"${fx.workbookId}","config":${deep(100_000)}}`,
        json,
      ),
  },
  {
    name: 'an input nested 25 deep',
    status: 400,
    was: '503 on AWS (DynamoDB nests 32)',
    send: (fx) => extractRaw(fx, `"input":${deep(25)}`),
  },
  {
    name: 'a 300 KB input',
    status: 413,
    was: '503',
    send: (fx) => extractRaw(fx, `"input":{"s":"${long(300_000)}"}`),
  },
  {
    name: 'an input holding 1e20',
    status: 400,
    was: '503',
    send: (fx) => extractRaw(fx, '"input":{"n":1e20}'),
  },
  {
    name: 'an input holding 1e-200',
    status: 400,
    was: '503',
    send: (fx) => extractRaw(fx, '"input":{"n":1e-200}'),
  },
  {
    name: 'a config holding 2^53 + 1',
    status: 400,
    was: '503',
    send: (fx) =>
      fx.raw(
        'POST',
        '/jobs',
        `{"type":"workbook","operation":"submit","source":"${fx.workbookId}","config":{"n":9007199254740993}}`,
        json,
      ),
  },
  {
    name: 'a 300 KB action config',
    status: 413,
    was: '503',
    send: (fx) => submit(fx, { config: { s: long(300_000) } }),
  },
  {
    name: 'an input one byte over 64 KB',
    status: 413,
    send: (fx) => extractRaw(fx, `"input":{"s":"${long(64 * 1024 - 7)}"}`),
  },
  {
    name: 'ackTimeoutSeconds 9007199254740991',
    status: 400,
    was: '201, then 500 on execute',
    send: (fx) => submit(fx, { config: { ackTimeoutSeconds: 9007199254740991 }, trigger: 'immediate' }),
  },
  {
    name: 'ackTimeoutSeconds 0',
    status: 400,
    send: (fx) => submit(fx, { config: { ackTimeoutSeconds: 0 } }),
  },
  {
    name: 'ackTimeoutSeconds "300"',
    status: 400,
    send: (fx) => submit(fx, { config: { ackTimeoutSeconds: '300' } }),
  },
  {
    name: 'heartbeatSeconds a billion',
    status: 400,
    send: (fx) => submit(fx, { config: { heartbeatSeconds: 1e9 } }),
  },
  {
    name: 'an extract headerRow of 2^53 − 1',
    status: 400,
    send: (fx) => extractRaw(fx, '"config":{"headerRow":9007199254740991}'),
  },
  {
    name: 'an extract partSizeBytes of 1e300',
    status: 400,
    send: (fx) => extractRaw(fx, '"config":{"partSizeBytes":1e300}'),
  },
  {
    name: 'an operation of 5,000 characters',
    status: 400,
    send: (fx) => submit(fx, { operation: long(5000) }),
  },
  { name: 'a source of 5,000 characters', status: 400, send: (fx) => submit(fx, { source: long(5000) }) },
  {
    name: 'a destination of 5,000 characters',
    status: 400,
    send: (fx) => extractRaw(fx, `"destination":"${long(5000)}"`),
  },
  { name: 'operation "__proto__"', status: 400, send: (fx) => submit(fx, { operation: '__proto__' }) },
  { name: 'operation "constructor"', status: 400, send: (fx) => submit(fx, { operation: 'constructor' }) },

  // An executor's reports.
  {
    name: 'a 500 KB outcome on /complete',
    status: 413,
    was: '503',
    send: (fx) =>
      fx.raw('POST', `/jobs/${fx.executingJobId}/complete`, {
        outcome: { message: 'done', rows: long(500_000) },
      }),
  },
  {
    name: 'an outcome holding 1e20 on /fail',
    status: 400,
    send: (fx) =>
      fx.raw('POST', `/jobs/${fx.executingJobId}/fail`, '{"outcome":{"message":"m","n":1e20}}', json),
  },
  {
    name: 'an outcome nested 30 deep on /complete',
    status: 400,
    send: (fx) =>
      fx.raw(
        'POST',
        `/jobs/${fx.executingJobId}/complete`,
        `{"outcome":{"message":"m","next":${deep(30)}}}`,
        json,
      ),
  },
  {
    name: 'info of 10,001 characters on /ack',
    status: 400,
    send: (fx) => fx.raw('POST', `/jobs/${fx.executingJobId}/ack`, { info: long(10_001) }),
  },
  {
    name: 'progress 1e400 on /ack',
    status: 400,
    send: (fx) => fx.raw('POST', `/jobs/${fx.executingJobId}/ack`, `{"progress":1${long(400, '0')}}`, json),
  },

  // Files.
  {
    name: 'a file name of 256 characters',
    status: 400,
    send: (fx) => fx.raw('POST', '/files', { name: long(256) }),
  },
  {
    name: 'a media type with CR LF',
    status: 400,
    was: '201, then 503 on upload',
    send: (fx) => fx.raw('POST', '/files', { name: 'a.csv', mediaType: 'text/csv\r\nx-evil: 1' }),
  },
  {
    name: 'a declared size of 5 GiB + 1',
    status: 400,
    send: (fx) => fx.raw('POST', '/files', { name: 'a.csv', size: 5 * 1024 ** 3 + 1 }),
  },
  {
    name: 'a declared size of 1.5 bytes',
    status: 400,
    send: (fx) => fx.raw('POST', '/files', { name: 'a.csv', size: 1.5 }),
  },

  // Workbooks: what does not fit one item.
  {
    name: 'a workbook of 2,000 long-labelled fields',
    status: 413,
    was: '503',
    send: (fx) =>
      fx.raw('POST', '/workbooks', {
        name: 'w',
        sheets: [
          { name: 'a', fields: fields(1000, long(255)) },
          { name: 'b', fields: fields(1000, long(255)) },
        ],
      }),
  },
  {
    name: 'a workbook of 100 sheets of 1,000 fields',
    status: 413,
    was: '503',
    send: (fx) =>
      fx.raw('POST', '/workbooks', {
        name: 'w',
        sheets: Array.from({ length: 100 }, (_, i) => ({ name: `s${i}`, fields: fields(1000) })),
      }),
  },
  {
    name: 'an enum of 100,000 options',
    status: 400,
    was: '503',
    send: (fx) =>
      fx.raw('POST', '/workbooks', {
        name: 'w',
        sheets: [
          {
            name: 's',
            fields: [{ key: 'e', type: 'enum', options: Array.from({ length: 100_000 }, (_, i) => `o${i}`) }],
          },
        ],
      }),
  },
  {
    name: 'PATCH /workbooks/:id with 50 actions of 100 long fields',
    status: 413,
    was: '503',
    send: (fx) =>
      fx.raw('PATCH', `/workbooks/${fx.workbookId}`, {
        actions: Array.from({ length: 50 }, (_, i) => ({
          operation: `op${i}`,
          label: long(255),
          inputForm: { fields: fields(100, long(255)) },
        })),
      }),
  },
  {
    name: 'PATCH /workbooks/:id naming a sheet of 5,000 characters',
    status: 400,
    send: (fx) =>
      fx.raw('PATCH', `/workbooks/${fx.workbookId}`, { sheets: [{ id: long(5000), actions: [] }] }),
  },
  {
    name: 'a field key with a space',
    status: 400,
    send: (fx) =>
      fx.raw('POST', '/workbooks', {
        name: 'w',
        sheets: [{ name: 's', fields: [{ key: 'a b', type: 'string' }] }],
      }),
  },
  {
    name: 'a field key that is __proto__',
    status: 400,
    send: (fx) =>
      fx.raw('POST', '/workbooks', {
        name: 'w',
        sheets: [{ name: 's', fields: [{ key: '__proto__', type: 'string' }] }],
      }),
  },
];
