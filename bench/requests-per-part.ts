/**
 * How many DynamoDB, SQS and S3 requests one part costs, counted on a 1,000-part
 * extract job on the local stack (the emulators count what they serve).
 *
 *   node --import tsx bench/requests-per-part.ts [parts=1000]
 *
 * Two columns: requests made by partwise's own code (the handlers and adapters, what
 * runs in Lambda), and requests made by the local emulation of AWS-managed machinery
 * (the SQS event source's receive/delete — billed in AWS too — and the outbox poll that
 * stands in for DynamoDB Streams, which has no per-request cost in AWS).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../infra/local/stack.js';
import { generateCsv } from '../test/helpers/csv.js';

const PART_SIZE = 1024;
const wantedParts = Number(process.argv[2] ?? 1000);

const dataDir = await mkdtemp(join(tmpdir(), 'partwise-bench-'));
const stack = await startLocalStack({
  port: 0,
  dataDir,
  log: { info() {}, warn() {}, error() {}, debug() {} } as never,
});
const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as { data: any };
};

try {
  // A CSV just under wantedParts × 1 KiB, so the planner cuts exactly that many parts.
  let csv = generateCsv(100, 1).text;
  for (
    let rows = 100;
    Buffer.byteLength(csv) <= (wantedParts - 1) * PART_SIZE;
    rows = Math.ceil(rows * 1.3)
  ) {
    csv = generateCsv(rows, 1).text;
  }
  while (Buffer.byteLength(csv) > wantedParts * PART_SIZE)
    csv = csv.slice(0, csv.lastIndexOf('\n', csv.length - 2) + 1);
  const file = (await call('POST', '/files', { name: 'bench.csv' })).data;
  await fetch(`${stack.url}/files/${file.id}/content`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: csv,
  });

  const before = stack.requestCounts();
  let polls = 0;
  const started = performance.now();
  const job = (
    await call('POST', '/jobs', {
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: PART_SIZE },
      trigger: 'immediate',
    })
  ).data;
  let current = job;
  while (!['COMPLETED', 'FAILED'].includes(current.status)) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    current = (await call('GET', `/jobs/${job.id}`)).data;
    polls++;
  }
  // Let the relay deliver the last events before counting.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const seconds = (performance.now() - started) / 1000;
  const after = stack.requestCounts();

  const diff: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) diff[key] = value - (before[key] ?? 0);
  // The bench's own calls: POST /jobs (1 PutItem + file GetItem + …) and each poll's GetItem,
  // and each request's count against the key's rate limit (one UpdateItem, docs/auth.md).
  diff['dynamodb:GetItem'] = (diff['dynamodb:GetItem'] ?? 0) - polls;
  diff['dynamodb:UpdateItem'] = (diff['dynamodb:UpdateItem'] ?? 0) - (polls + 1);

  const parts = current.parts as number;
  console.log(
    `job ${current.status}: ${parts} parts, ${current.processed} processed, ${seconds.toFixed(1)} s (${(parts / seconds).toFixed(0)} parts/s)`,
  );
  console.log(
    `(${polls} status polls by this script subtracted from GetItem, and its requests' rate counts from UpdateItem)\n`,
  );
  const rows = Object.entries(diff)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => ({ request: key, total: n, perPart: Number((n / parts).toFixed(3)) }));
  console.table(rows);
  const sum = (prefix: string) =>
    rows.filter((r) => r.request.startsWith(prefix)).reduce((total, r) => total + r.total, 0) / parts;
  console.log(
    `partwise code per part:   DynamoDB ${sum('dynamodb:').toFixed(2)}, SQS ${sum('sqs:').toFixed(2)}, S3 ${sum('s3:').toFixed(2)}`,
  );
  console.log(
    `local emulation per part: DynamoDB ${sum('local:dynamodb:').toFixed(2)} (outbox poll standing in for Streams), SQS ${sum('local:sqs:').toFixed(2)} (event source receive/delete)`,
  );
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
