import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashApiKey,
  isKeyId,
  keyExpiry,
  keyIdOf,
  legacyKeyHash,
  matchesHash,
  newApiKey,
  overlapEnd,
  prefixOf,
  rateWindowOf,
  statusOf,
} from '../../../shared/domain/api-keys.js';

describe('an API key', () => {
  it('names its id in its public part, and holds 256 random bits after it', () => {
    const { key, id, prefix } = newApiKey();

    expect(key).toMatch(/^pw_live_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(keyIdOf(key)).toBe(id);
    expect(isKeyId(id)).toBe(true);
    expect(prefixOf(id)).toBe(prefix);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(newApiKey().key).not.toBe(key);
  });

  it('is told apart from a key of before the lifecycle, or a typo, by its shape alone', () => {
    const { key } = newApiKey();
    for (const other of [
      'pw_registered-key-123',
      `${key}x`,
      key.slice(0, -1),
      key.replace('pw_live_', 'pw_test_'),
      '',
    ]) {
      expect(keyIdOf(other), other).toBeUndefined();
    }
  });

  it('is stored as an HMAC under the key secret: another secret, or another key, does not match', () => {
    const secret = randomBytes(32);
    const { key } = newApiKey();
    const hash = hashApiKey(secret, key);

    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(legacyKeyHash(key));
    expect(matchesHash(secret, key, hash)).toBe(true);
    expect(matchesHash(randomBytes(32), key, hash)).toBe(false);
    expect(matchesHash(secret, `${key}x`, hash)).toBe(false);
    expect(matchesHash(secret, key, 'abc')).toBe(false);
  });

  it('keeps the SHA-256 of keys from before, as they were stored', () => {
    expect(legacyKeyHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('a key’s status', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  it('is revoked before it is expired, and expired from its expiresAt on', () => {
    expect(statusOf({}, now)).toBe('active');
    expect(statusOf({ expiresAt: '2026-11-30T12:00:01Z' }, now)).toBe('active');
    expect(statusOf({ expiresAt: '2026-11-30T12:00:00Z' }, now)).toBe('expired');
    expect(statusOf({ expiresAt: '2026-11-30T11:00:00Z', revokedAt: '2026-11-30T10:00:00Z' }, now)).toBe(
      'revoked',
    );
  });

  it('ends a rotation’s overlap at now + overlap, or at the key’s own expiry when that is sooner', () => {
    expect(overlapEnd({}, now, 60)).toBe('2026-11-30T12:01:00.000Z');
    // In whole seconds, as the authorizer hands an expiry on.
    expect(overlapEnd({}, new Date('2026-11-30T12:00:00.250Z'), 60)).toBe('2026-11-30T12:01:01.000Z');
    expect(keyExpiry('2026-11-30T12:00:00.001+01:00')).toBe('2026-11-30T11:00:01.000Z');
    expect(overlapEnd({ expiresAt: '2026-11-30T12:00:30.000Z' }, now, 60)).toBe('2026-11-30T12:00:30.000Z');
  });
});

describe('the rate limit’s window', () => {
  it('is the clock’s minute, and says how many whole seconds are left of it (at least one)', () => {
    expect(rateWindowOf(new Date('2026-11-30T12:00:45.500Z'))).toMatchObject({ retryAfterSeconds: 15 });
    expect(rateWindowOf(new Date('2026-11-30T12:00:59.999Z'))).toMatchObject({ retryAfterSeconds: 1 });
    expect(rateWindowOf(new Date('2026-11-30T12:00:00.000Z'))).toMatchObject({ retryAfterSeconds: 60 });
    const a = rateWindowOf(new Date('2026-11-30T12:00:00.000Z'));
    const b = rateWindowOf(new Date('2026-11-30T12:00:59.999Z'));
    const c = rateWindowOf(new Date('2026-11-30T12:01:00.000Z'));
    expect(a.window).toBe(b.window);
    expect(c.window).toBe(a.window + 1);
  });
});
