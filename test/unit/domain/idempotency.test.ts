import { describe, expect, it } from 'vitest';
import { canonicalJson, requestFingerprint } from '../../../shared/domain/idempotency.js';

describe('a request’s fingerprint', () => {
  it('is the same whatever order the keys come in, at every level', () => {
    const a = { type: 'file', config: { b: 1, a: [{ y: 2, x: 1 }] }, source: 'file_1' };
    const b = { source: 'file_1', config: { a: [{ x: 1, y: 2 }], b: 1 }, type: 'file' };
    expect(canonicalJson(a)).toBe('{"config":{"a":[{"x":1,"y":2}],"b":1},"source":"file_1","type":"file"}');
    expect(requestFingerprint(a)).toBe(requestFingerprint(b));
  });

  it('differs when a value, an array’s order or a member differs', () => {
    const base = requestFingerprint({ source: 'file_1', config: { a: [1, 2] } });
    expect(requestFingerprint({ source: 'file_2', config: { a: [1, 2] } })).not.toBe(base);
    expect(requestFingerprint({ source: 'file_1', config: { a: [2, 1] } })).not.toBe(base);
    expect(requestFingerprint({ source: 'file_1', config: { a: [1, 2] }, trigger: 'manual' })).not.toBe(base);
    // A member left undefined is no member, as in the JSON that was sent.
    expect(requestFingerprint({ source: 'file_1', config: { a: [1, 2] }, input: undefined })).toBe(base);
  });
});
