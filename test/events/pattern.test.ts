import { describe, expect, it } from 'vitest';
import { matchesPattern, patternProblems } from '../../shared/events/pattern.js';

const event = {
  source: 'partwise',
  'detail-type': 'job:completed',
  resources: ['arn:a', 'arn:b'],
  detail: { operation: 'submit', status: 'COMPLETED', parts: 0, job: { mode: 'foreground' } },
};

describe('event patterns', () => {
  it('matches when every field holds one of the allowed values, nested objects included', () => {
    expect(matchesPattern({}, event)).toBe(true);
    expect(matchesPattern({ 'detail-type': ['job:completed', 'job:failed'] }, event)).toBe(true);
    expect(matchesPattern({ detail: { operation: ['submit'], status: ['COMPLETED'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { job: { mode: ['foreground'] }, parts: [0] } }, event)).toBe(true);
  });

  it('does not match another value, a missing field, or a nested pattern against a scalar', () => {
    expect(matchesPattern({ 'detail-type': ['job:failed'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { operation: ['submit'], status: ['FAILED'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { outcome: ['x'] } }, event)).toBe(false);
    expect(matchesPattern({ source: { name: ['partwise'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { parts: ['0'] } }, event)).toBe(false); // no type coercion
  });

  it('matches an array in the event when any element is allowed, as EventBridge does', () => {
    expect(matchesPattern({ resources: ['arn:b'] }, event)).toBe(true);
    expect(matchesPattern({ resources: ['arn:c'] }, event)).toBe(false);
  });

  it('names every problem of a pattern it cannot apply', () => {
    expect(patternProblems({ 'detail-type': ['job:completed'], detail: { status: ['FAILED'] } })).toEqual([]);
    expect(
      patternProblems({
        'detail-type': 'job:completed',
        detail: { operation: [{ prefix: 'sub' }], status: [] },
      }),
    ).toEqual([
      'pattern.detail-type: must be an array of allowed values or a nested pattern',
      'pattern.detail.operation[0]: only exact values are supported here (no content filters such as prefix)',
      'pattern.detail.status: an empty array matches nothing',
    ]);
    expect(patternProblems(['job:completed'])).toEqual(['pattern: must be an object of fields']);
  });
});
