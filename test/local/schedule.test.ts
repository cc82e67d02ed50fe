import { describe, expect, it } from 'vitest';
import { startSchedule } from '../../infra/local/schedule.js';

describe('the sweeper schedule', () => {
  it('runs the first event at once, then a Scheduled Event at every interval, one at a time', async () => {
    const events: unknown[] = [];
    let running = 0;
    let overlapped = false;
    const schedule = startSchedule({
      ruleName: 'partwise-sweeper',
      everySeconds: 0.05,
      firstEvent: { detail: { staleAfterSeconds: 0 } },
      target: {
        invoke: async (event) => {
          running += 1;
          overlapped ||= running > 1;
          events.push(event);
          await new Promise((resolve) => setTimeout(resolve, 20));
          running -= 1;
          if (events.length === 2) throw new Error('a failed sweep does not stop the schedule');
        },
      },
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    await schedule.stop();

    expect(events[0]).toEqual({ detail: { staleAfterSeconds: 0 } });
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events[1]).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      detail: {},
      resources: [expect.stringMatching(/rule\/partwise-sweeper$/)],
    });
    expect(overlapped).toBe(false);
  });
});
