import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BusEvent, LocalEventBus } from '../../infra/local/event-bus.js';
import { startFixtureGateway } from './fixtures/gateway.js';

let dataDir: string;
let bus: LocalEventBus;
let gateway: Awaited<ReturnType<typeof startFixtureGateway>>;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partwise-stream-'));
  bus = new LocalEventBus(join(dataDir, 'events.jsonl'));
  gateway = await startFixtureGateway({ bus });
});

afterEach(async () => {
  await gateway.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function busEvent(id: string, environmentId: string, topic = 'job:updated'): BusEvent {
  return {
    version: '0',
    id: `eb-${id}`,
    'detail-type': topic,
    source: 'partwise',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { id, environmentId, jobId: 'job_1' },
  };
}

/** Opens the stream and collects SSE frames (comments skipped) until `count` arrived. */
async function openStream(headers: Record<string, string>, count: number) {
  const controller = new AbortController();
  const response = await fetch(`${gateway.url}/events/stream`, { headers, signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const frames: Array<Record<string, string>> = [];
  let text = '';
  return {
    response,
    async frames() {
      while (frames.length < count) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          if (frame.startsWith(':')) continue;
          const fields = frame
            .split('\n')
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]);
          frames.push(Object.fromEntries(fields));
        }
      }
      controller.abort();
      return frames;
    },
  };
}

describe('the event stream (GET /events/stream)', () => {
  it("streams only the caller's environment's events, and replays what followed Last-Event-ID", async () => {
    await bus.publish([busEvent('evt_1', 'env_a', 'job:waiting'), busEvent('evt_2', 'env_b')]);

    // The stream subscribes to the bus before its headers go out: once they are in, it misses nothing.
    const live = await openStream({ authorization: 'Bearer key-a' }, 2);
    await bus.publish([busEvent('evt_3', 'env_b'), busEvent('evt_4', 'env_a', 'job:started')]);
    await bus.publish([busEvent('evt_5', 'env_a', 'job:completed')]);
    const liveFrames = await live.frames();
    const replay = await openStream({ authorization: 'Bearer key-a', 'last-event-id': 'evt_1' }, 2);
    const replayFrames = await replay.frames();

    expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(liveFrames).toEqual([
      {
        id: 'evt_4',
        event: 'job:started',
        data: JSON.stringify({ id: 'evt_4', environmentId: 'env_a', jobId: 'job_1' }),
      },
      {
        id: 'evt_5',
        event: 'job:completed',
        data: JSON.stringify({ id: 'evt_5', environmentId: 'env_a', jobId: 'job_1' }),
      },
    ]);
    expect(replayFrames.map((frame) => frame.id)).toEqual(['evt_4', 'evt_5']);
  });

  it('requires the authorizer like every other route', async () => {
    const response = await fetch(`${gateway.url}/events/stream`);

    expect(response.status).toBe(401);
  });

  it('ends open streams when the gateway stops', async () => {
    const stream = await openStream({ authorization: 'Bearer key-b' }, 1);

    await gateway.stop();
    const frames = await stream.frames();

    expect(frames).toEqual([]);
  });
});
