import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/client.js';
import { type LocalStack, remoteTarget, removeDataDir, startLocalStack } from '../helpers/stack.js';
import { generateTypedCsv, TYPED_FIELDS } from './data-plane.fixture.js';
import { dataPlaneSteps } from './data-plane.steps.js';

/**
 * Map and delete when SQS delivers every message twice and a processor dies in the middle
 * of a part (DESIGN §4): each part counted once, each job finalized once, and the records
 * exactly what they would be without the faults. A crash fires once per stack start, at
 * the first part that reaches it, so each operation gets a stack of its own on the same
 * data: the first stack extracts the source, with no faults.
 */
const stacks: LocalStack[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.stop('SIGKILL');
  if (stacks[0]) await removeDataDir(stacks[0].dataDir);
});

const KEYS = TYPED_FIELDS.map((f) => f.key);

async function faultyStack(first: LocalStack, crashOnce: string) {
  const stack = await startLocalStack({
    dataDir: first.dataDir,
    apiKey: first.apiKey,
    env: {
      PARTWISE_FAULTS: JSON.stringify({ duplicateDelivery: true, crashOnce }),
      PARTWISE_LOCAL_VISIBILITY_TIMEOUT: '3',
    },
  });
  stacks.push(stack);
  return stack;
}

/** Each topic's count in the job's events. */
async function topicCounts(
  api: ReturnType<typeof apiClient>,
  jobId: string,
): Promise<Record<string, number>> {
  const events = await api.call('GET', `/jobs/${jobId}/events?limit=100`);
  expect(events.status).toBe(200);
  expect(events.body.next ?? null).toBeNull(); // one page holds them all
  const counts: Record<string, number> = {};
  for (const { topic } of events.body.data as { topic: string }[]) counts[topic] = (counts[topic] ?? 0) + 1;
  return counts;
}

describe.runIf(!remoteTarget)('map and delete under crashes and duplicate deliveries', () => {
  it('maps every record once and deletes exactly the matching ones, though a processor dies in each', async () => {
    // Prepare: a typed fixture extracted as text into a new workbook, on a stack without faults.
    const first = await startLocalStack();
    stacks.push(first);
    let api = apiClient(first);
    const steps = dataPlaneSteps(() => api);
    const csv = generateTypedCsv(4000, 21);
    const file = await api.uploadFile('people.csv', csv.text);
    const extracted = await steps.runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: 16_384 },
    });
    const source = (await api.call('GET', `/workbooks/${extracted.destination}`)).body.data;
    const typed = await steps.typedWorkbook('Typed people');
    const typedSheet: string = typed.sheets[0].id;
    await first.stop();

    // Act 1: map into the typed workbook; a processor dies after writing a part's output.
    const mapping = await faultyStack(first, 'part:after-output');
    api = apiClient(mapping);
    const mapped = await steps.runJob({
      type: 'workbook',
      operation: 'map',
      source: source.id,
      destination: typed.id,
      config: {
        mappings: [
          {
            sourceSheet: source.sheets[0].id,
            destinationSheet: 'People',
            fields: Object.fromEntries(KEYS.map((key) => [key, key])),
          },
        ],
      },
    });

    // Assess 1
    const invalid = csv.expected.filter((record) => record.invalid.length > 0);
    const valid = csv.expected.filter((record) => record.invalid.length === 0);
    expect(mapping.output()).toMatch(/processor worker died; replacing it/);
    expect(mapped.parts).toBeGreaterThan(3);
    expect(mapped.processed).toBe(mapped.parts);
    expect(mapped.outcome).toMatchObject({
      records: csv.expected.length,
      invalid: invalid.length,
      valid: valid.length,
    });
    const records = await api.allRecords(typedSheet);
    steps.expectRecords(records, csv.expected);
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
    expect(await topicCounts(api, mapped.id)).toMatchObject({ 'job:started': 1, 'job:completed': 1 });
    await mapping.stop();

    // Act 2: delete the invalid records; a processor dies after a part is counted.
    const deleting = await faultyStack(first, 'part:after-count');
    api = apiClient(deleting);
    const deleted = await steps.runJob({
      type: 'sheet',
      operation: 'delete',
      source: typedSheet,
      config: { filter: { valid: false } },
    });

    // Assess 2
    expect(deleting.output()).toMatch(/processor worker died; replacing it/);
    expect(deleted.processed).toBe(deleted.parts);
    expect(deleted.outcome).toMatchObject({ deleted: invalid.length, kept: valid.length });
    const kept = await api.allRecords(typedSheet);
    steps.expectRecords(kept, valid);
    expect(kept.map((record) => record.id)).toEqual(
      records.filter((record) => record.valid).map((record) => record.id),
    );
    expect((await api.call('GET', `/sheets/${typedSheet}`)).body.data.counts).toEqual({
      records: valid.length,
      valid: valid.length,
      invalid: 0,
    });
    expect(await topicCounts(api, deleted.id)).toMatchObject({ 'job:started': 1, 'job:completed': 1 });
  }, 600_000);
});
