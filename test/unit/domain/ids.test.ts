import { describe, expect, it } from 'vitest';
import { derivedId, isId, newId } from '../../../shared/domain/ids.js';

describe('ids', () => {
  it('makes lower-case, time-ordered ids with the kind’s prefix', () => {
    const ids = Array.from({ length: 50 }, () => newId('job'));
    for (const id of ids) expect(id).toMatch(/^job_[0-9a-z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId('workbook')).toMatch(/^wb_/);
    expect(newId('sheet')).toMatch(/^sh_/);
    expect(newId('event')).toMatch(/^evt_/);
    expect(newId('command')).toMatch(/^cmd_/);
    expect(newId('environment')).toMatch(/^env_/);
    expect(newId('file')).toMatch(/^file_/);
    // Earlier time, earlier id.
    expect(
      newId('job', Date.parse('2020-01-01T00:00:00Z')) < newId('job', Date.parse('2030-01-01T00:00:00Z')),
    ).toBe(true);
  });

  it('derives the same id from the same seed, and another from another seed', () => {
    expect(derivedId('job', 'env_a\nkey-1')).toBe(derivedId('job', 'env_a\nkey-1'));
    expect(derivedId('job', 'env_a\nkey-1')).not.toBe(derivedId('job', 'env_b\nkey-1'));
    expect(derivedId('workbook', 'seed')).toMatch(/^wb_[0-9a-f]{26}$/);
    expect(isId('workbook', derivedId('workbook', 'seed'))).toBe(true);
  });

  it('recognises an id of a kind, and nothing else', () => {
    expect(isId('job', newId('job'))).toBe(true);
    expect(isId('job', newId('file'))).toBe(false);
    expect(isId('job', `${newId('job')}x`)).toBe(false);
    expect(isId('job', `x${newId('job')}`)).toBe(false);
    expect(isId('job', 'job_')).toBe(false);
    expect(isId('job', 'job_01JD3XABCDEFGHJKMNPQRSTVWX')).toBe(false);
  });
});
