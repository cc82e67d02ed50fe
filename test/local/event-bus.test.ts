import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BusEvent,
  type EventBridgeEmulator,
  LocalEventBus,
  startEventBridgeEmulator,
} from '../../infra/local/event-bus.js';

let dataDir: string;
let bus: LocalEventBus;
let emulator: EventBridgeEmulator;
let client: EventBridgeClient;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-bus-'));
  bus = new LocalEventBus(join(dataDir, 'events.jsonl'));
  emulator = await startEventBridgeEmulator(bus);
  client = new EventBridgeClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterEach(async () => {
  client.destroy();
  await emulator.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** An event as the bus logs it, with `detail.id` = `id`. */
function busEvent(id: string): BusEvent {
  return {
    version: '0',
    id: `bus-${id}`,
    'detail-type': 'job:updated',
    source: 'partwise',
    account: '000000000000',
    time: '2026-01-02T03:04:05Z',
    region: 'us-east-1',
    resources: [],
    detail: { id },
  };
}

describe('the local EventBridge', () => {
  it('accepts PutEvents from the real SDK client, logs each event as a line and notifies subscribers', async () => {
    const received: BusEvent[] = [];
    bus.on('event', (event) => received.push(event));

    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'partwise',
            Source: 'partwise',
            DetailType: 'job:started',
            Detail: '{"id":"evt_1","environmentId":"env_a"}',
          },
          {
            EventBusName: 'partwise',
            Source: 'partwise',
            DetailType: 'job:completed',
            Detail: '{"id":"evt_2"}',
            Time: new Date('2026-01-02T03:04:05Z'),
          },
        ],
      }),
    );

    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.map((entry) => entry.EventId)).toEqual(received.map((event) => event.id));
    expect(received.map((event) => [event['detail-type'], event.detail.id])).toEqual([
      ['job:started', 'evt_1'],
      ['job:completed', 'evt_2'],
    ]);
    expect(received[1]).toMatchObject({
      version: '0',
      source: 'partwise',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
    });
    const lines = (await readFile(bus.logPath, 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(received);
  });

  it('fails only the entries whose detail is not a JSON object', async () => {
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'partwise', DetailType: 'job:updated', Detail: 'not json' },
          { Source: 'partwise', DetailType: 'job:updated', Detail: '{"id":"evt_3"}' },
        ],
      }),
    );

    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
    expect(output.Entries?.[1]?.EventId).toMatch(/.+/);
    expect((await bus.history()).map((event) => event.detail.id)).toEqual(['evt_3']);
  });

  it('reads its history back, skipping a line torn by a crash mid-append', async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'partwise', DetailType: 'job:waiting', Detail: '{"id":"evt_1"}' }],
      }),
    );
    await appendFile(bus.logPath, '{"version":"0","id":"torn');

    const history = await bus.history();

    expect(history.map((event) => event.detail.id)).toEqual(['evt_1']);
  });

  it('starts its next event on a line of its own after a restart on a torn log, so that event is kept', async () => {
    // Prepare: the last run was killed mid-append.
    await bus.publish([busEvent('evt_1')]);
    await appendFile(bus.logPath, '{"version":"0","id":"torn');

    // Act: a stack started again on the same log publishes.
    const restarted = new LocalEventBus(bus.logPath);
    await restarted.publish([busEvent('evt_2')]);

    // Assess
    expect((await restarted.history()).map((event) => event.detail.id)).toEqual(['evt_1', 'evt_2']);
  });

  it('keeps EventBridge’s size rule: a call of entries totalling 256 KB fails whole, one byte less is taken', async () => {
    // Entry size as EventBridge counts it: Source + DetailType + Detail (no Time here).
    const entry = (detailBytes: number) => ({
      Source: 'partwise',
      DetailType: 'job:updated',
      Detail: `{"pad":"${'x'.repeat(detailBytes - 10)}"}`,
    });
    const overhead = 'partwise'.length + 'job:updated'.length;
    const half = 128 * 1024 - overhead;

    await expect(
      client.send(new PutEventsCommand({ Entries: [entry(half), entry(half)] })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: /over the limit/ });
    const taken = await client.send(new PutEventsCommand({ Entries: [entry(half), entry(half - 1)] }));

    expect(taken.FailedEntryCount).toBe(0);
    expect(await bus.history()).toHaveLength(2);
  });

  it('fails the entries a test’s rule refuses, as AWS refuses an entry for reasons the emulator cannot see', async () => {
    const strict = await startEventBridgeEmulator(bus, {
      rule: (entry) =>
        entry.DetailType === 'job:failed' ? { ErrorCode: 'InvalidArgument', ErrorMessage: 'no' } : undefined,
    });
    const strictClient = new EventBridgeClient({
      endpoint: strict.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const output = await strictClient.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'partwise', DetailType: 'job:failed', Detail: '{"id":"evt_f"}' },
            { Source: 'partwise', DetailType: 'job:completed', Detail: '{"id":"evt_c"}' },
          ],
        }),
      );

      expect(output.Entries?.[0]).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'no' });
      expect((await bus.history()).map((event) => event.detail.id)).toEqual(['evt_c']);
    } finally {
      strictClient.destroy();
      await strict.stop();
    }
  });
});
