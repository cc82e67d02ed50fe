import { afterAll, describe, expect, it } from 'vitest';
import { bodyOf, destinationOf, sheetOf, type TestClient, testClient } from '../helpers/client.js';
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
async function topicCounts(client: TestClient, jobId: string): Promise<Record<string, number>> {
  const answer = await client.api.GET('/jobs/{id}/events', {
    params: { path: { id: jobId }, query: { limit: 100 } },
  });
  const events = bodyOf(answer, 200);
  expect(events.next ?? null).toBeNull(); // one page holds them all
  const counts: Record<string, number> = {};
  for (const { topic } of events.data) counts[topic] = (counts[topic] ?? 0) + 1;
  return counts;
}

describe.runIf(!remoteTarget)('map and delete under crashes and duplicate deliveries', () => {
  it('maps every record once and deletes exactly the matching ones, though a processor dies in each', async () => {
    // Prepare: a typed fixture extracted as text into a new workbook, on a stack without faults.
    const first = await startLocalStack();
    stacks.push(first);
    let client = testClient(first);
    const steps = dataPlaneSteps(() => client);
    const csv = generateTypedCsv(4000, 21);
    const file = await client.uploadByUrl('people.csv', csv.text);
    const extracted = await steps.runJob({
      type: 'file',
      operation: 'extract',
      source: file.id,
      config: { partSizeBytes: 16_384 },
    });
    const source = bodyOf(
      await client.api.GET('/workbooks/{id}', { params: { path: { id: destinationOf(extracted) } } }),
      200,
    ).data;
    const typed = await steps.typedWorkbook('Typed people');
    const typedSheet = sheetOf(typed).id;
    await first.stop();

    // Act 1: map into the typed workbook; a processor dies after writing a part's output.
    const mapping = await faultyStack(first, 'part:after-output');
    client = testClient(mapping);
    const mapped = await steps.runJob({
      type: 'workbook',
      operation: 'map',
      source: source.id,
      destination: typed.id,
      config: {
        mappings: [
          {
            sourceSheet: sheetOf(source).id,
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
    const records = await client.allRecords(typedSheet);
    steps.expectRecords(records, csv.expected);
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
    expect(await topicCounts(client, mapped.id)).toMatchObject({ 'job:started': 1, 'job:completed': 1 });
    await mapping.stop();

    // Act 2: delete the invalid records; a processor dies after a part is counted.
    const deleting = await faultyStack(first, 'part:after-count');
    client = testClient(deleting);
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
    const kept = await client.allRecords(typedSheet);
    steps.expectRecords(kept, valid);
    expect(kept.map((record) => record.id)).toEqual(
      records.filter((record) => record.valid).map((record) => record.id),
    );
    const sheet = await client.api.GET('/sheets/{id}', { params: { path: { id: typedSheet } } });
    expect(bodyOf(sheet, 200).data.counts).toEqual({
      records: valid.length,
      valid: valid.length,
      invalid: 0,
    });
    expect(await topicCounts(client, deleted.id)).toMatchObject({ 'job:started': 1, 'job:completed': 1 });
  }, 600_000);
});
