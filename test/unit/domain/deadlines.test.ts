import { describe, expect, it } from 'vitest';
import { ackTimeoutSecondsOf, heartbeatSecondsOf } from '../../../shared/domain/deadlines.js';
import { jobFixture } from '../../helpers/jobs.js';

const jobWith = (config: Record<string, unknown>) =>
  jobFixture({ operation: 'submit', type: 'workbook', config });

describe('the deadlines of a job carried out outside partwise', () => {
  it('are the config’s whole seconds when it sets them', () => {
    const job = jobWith({ ackTimeoutSeconds: 1, heartbeatSeconds: 604_800 });
    expect(ackTimeoutSecondsOf(job)).toBe(1);
    expect(heartbeatSecondsOf(job)).toBe(604_800);
  });

  it('are 300 s to the first ack and 3,600 s between reports when the config is silent', () => {
    expect(ackTimeoutSecondsOf(jobWith({}))).toBe(300);
    expect(heartbeatSecondsOf(jobWith({}))).toBe(3600);
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['fractional', 1.5],
    ['past the safe integers', Number.MAX_SAFE_INTEGER + 1],
    ['a string', '60'],
    ['null', null],
  ])('fall back to the defaults for a stored value that is %s', (_, value) => {
    const job = jobWith({ ackTimeoutSeconds: value, heartbeatSeconds: value });
    expect(ackTimeoutSecondsOf(job)).toBe(300);
    expect(heartbeatSecondsOf(job)).toBe(3600);
  });
});
