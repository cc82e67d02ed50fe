import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/domain/errors.js';
import { receives } from '../../../shared/domain/push.js';
import type { PushChannel } from '../../../shared/ports.js';
import { FAN_OUT_CONCURRENCY, fanOut, pushedEventOf } from '../../../shared/push/fan-out.js';
import { connection, memoryChannel, memoryConnectionStore } from '../../helpers/push.js';

const NOW = new Date('2026-11-28T10:00:00Z');
const LATER = NOW.getTime() / 1000 + 600;
const EARLIER = NOW.getTime() / 1000 - 1;

const detail = (environmentId: string, jobId: string) => ({
  version: 1,
  id: 'evt_1',
  topic: 'job:updated',
  environmentId,
  jobId,
  progress: 40,
  job: { id: jobId, environmentId, status: 'EXECUTING' },
});

function pushed(environmentId = 'env_a', jobId = 'job_1') {
  const event = pushedEventOf(detail(environmentId, jobId));
  if (!event) throw new Error('no event');
  return event;
}

describe('which socket receives which event', () => {
  it('gives an environment socket every event of its environment, and a watch socket its job only', () => {
    expect(receives({ environmentId: 'env_a' }, { environmentId: 'env_a', jobId: 'job_1' })).toBe(true);
    expect(receives({ environmentId: 'env_a' }, { environmentId: 'env_b', jobId: 'job_1' })).toBe(false);
    expect(
      receives({ environmentId: 'env_a', jobId: 'job_1' }, { environmentId: 'env_a', jobId: 'job_1' }),
    ).toBe(true);
    expect(
      receives({ environmentId: 'env_a', jobId: 'job_1' }, { environmentId: 'env_a', jobId: 'job_2' }),
    ).toBe(false);
    // The same job id in another environment is another job.
    expect(
      receives({ environmentId: 'env_a', jobId: 'job_1' }, { environmentId: 'env_b', jobId: 'job_1' }),
    ).toBe(false);
  });
});

describe('the pushed event', () => {
  it('is the EventBridge detail as it is, one JSON frame', () => {
    const event = pushed();
    expect(JSON.parse(event.frame)).toEqual(detail('env_a', 'job_1'));
    expect(event).toMatchObject({ environmentId: 'env_a', jobId: 'job_1' });
  });

  it('is nothing when the detail names no environment and job', () => {
    expect(pushedEventOf({ environmentId: 'env_a' })).toBeUndefined();
    expect(pushedEventOf({ environmentId: 'env_a', jobId: 7 })).toBeUndefined();
    expect(pushedEventOf('job:updated')).toBeUndefined();
    expect(pushedEventOf(null)).toBeUndefined();
    expect(pushedEventOf([detail('env_a', 'job_1')])).toBeUndefined();
  });
});

describe('the fan-out', () => {
  it("sends the frame to the environment's sockets and to the watchers of its job, nobody else", async () => {
    // Prepare
    const { store } = memoryConnectionStore([
      connection('all-a', 'env_a', LATER),
      connection('watch-1', 'env_a', LATER, 'job_1'),
      connection('watch-2', 'env_a', LATER, 'job_2'),
      connection('all-b', 'env_b', LATER),
    ]);
    const { channel, sent } = memoryChannel();
    const event = pushed('env_a', 'job_1');

    // Act
    const report = await fanOut({ connections: store, channel, now: () => NOW }, event);

    // Assess
    expect(sent.map((s) => s.connectionId).sort()).toEqual(['all-a', 'watch-1']);
    expect(sent.every((s) => s.data === event.frame)).toBe(true);
    expect(report).toEqual({ sent: 2, gone: 0, expired: 0, skipped: 1, failures: [] });
  });

  it('forgets a connection that is gone', async () => {
    const { store, items, removed } = memoryConnectionStore([
      connection('alive', 'env_a', LATER),
      connection('gone', 'env_a', LATER),
    ]);
    const { channel, sent } = memoryChannel({ gone: ['gone'] });

    const report = await fanOut({ connections: store, channel, now: () => NOW }, pushed());

    expect(sent.map((s) => s.connectionId)).toEqual(['alive']);
    expect(removed).toEqual(['gone']);
    expect([...items.keys()]).toEqual(['alive']);
    expect(report).toMatchObject({ sent: 1, gone: 1 });
  });

  it('never sends to a socket whose token has expired: it closes and forgets it, whatever job it watches', async () => {
    // Prepare: one expired at this very second (exp is exclusive), one watching another job.
    const { store, items } = memoryConnectionStore([
      connection('fresh', 'env_a', LATER),
      connection('at-exp', 'env_a', NOW.getTime() / 1000),
      connection('stale-other-job', 'env_a', EARLIER, 'job_9'),
    ]);
    const { channel, sent, closed } = memoryChannel();

    // Act
    const report = await fanOut({ connections: store, channel, now: () => NOW }, pushed('env_a', 'job_1'));

    // Assess
    expect(sent.map((s) => s.connectionId)).toEqual(['fresh']);
    expect(closed.sort()).toEqual(['at-exp', 'stale-other-job']);
    expect([...items.keys()]).toEqual(['fresh']);
    expect(report).toMatchObject({ sent: 1, expired: 2, skipped: 0 });
  });

  it('keeps an expired connection it could not close, for the next event to try again', async () => {
    const { store, items } = memoryConnectionStore([connection('stuck', 'env_a', EARLIER)]);
    const { channel } = memoryChannel({ failing: ['stuck'] });

    const report = await fanOut({ connections: store, channel, now: () => NOW }, pushed());

    expect([...items.keys()]).toEqual(['stuck']);
    expect(report.expired).toBe(0);
    expect(report.failures.map((f) => f.connectionId)).toEqual(['stuck']);
    expect(report.failures[0]?.error).toBeInstanceOf(DependencyError);
  });

  it('serves every other socket when one send fails', async () => {
    const { store } = memoryConnectionStore([
      connection('a', 'env_a', LATER),
      connection('broken', 'env_a', LATER),
      connection('c', 'env_a', LATER),
    ]);
    const { channel, sent } = memoryChannel({ failing: ['broken'] });

    const report = await fanOut({ connections: store, channel, now: () => NOW }, pushed());

    expect(sent.map((s) => s.connectionId).sort()).toEqual(['a', 'c']);
    expect(report).toMatchObject({ sent: 2, failures: [{ connectionId: 'broken' }] });
  });

  it('throws before sending anything when the connections cannot be listed (so a retry sends nothing twice)', async () => {
    const memory = memoryConnectionStore([connection('a', 'env_a', LATER)]);
    memory.failLists();
    const { channel, sent } = memoryChannel();

    await expect(
      fanOut({ connections: memory.store, channel, now: () => NOW }, pushed()),
    ).rejects.toBeInstanceOf(DependencyError);
    expect(sent).toEqual([]);
  });

  it(`sends to ${FAN_OUT_CONCURRENCY} sockets at a time at most, and to every one of many`, async () => {
    // Prepare: 100 sockets and a channel that counts the calls in flight.
    const many = Array.from({ length: 100 }, (_, i) => connection(`c${i}`, 'env_a', LATER));
    const { store } = memoryConnectionStore(many);
    let inFlight = 0;
    let most = 0;
    const seen = new Set<string>();
    const channel: PushChannel = {
      async send(connectionId) {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        seen.add(connectionId);
        return 'sent';
      },
      async close() {},
    };

    // Act
    const report = await fanOut({ connections: store, channel, now: () => NOW }, pushed());

    // Assess
    expect(report.sent).toBe(100);
    expect(seen.size).toBe(100);
    expect(most).toBe(FAN_OUT_CONCURRENCY);
  });
});
