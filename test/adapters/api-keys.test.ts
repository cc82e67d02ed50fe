import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAdmin } from '../../shared/access/key-admin.js';
import { legacyKeyHash } from '../../shared/domain/api-keys.js';
import { ConflictError, KeyNotFoundError, RateLimitedError } from '../../shared/domain/errors.js';
import type { RateLimiter } from '../../shared/ports.js';
import { startEmulatedAws } from '../helpers/emulated-aws.js';

/**
 * API keys in the DynamoDB table (dynalite): what the admin routes do with them, what the
 * authorizer grants them, and the per-key rate limit's counter.
 */
let aws: Awaited<ReturnType<typeof startEmulatedAws>>;
let admin: KeyAdmin;
let adminOps: typeof import('../../shared/access/key-admin.js');
let findKey: (key: string) => Promise<unknown>;
let limiter: RateLimiter;
let putLegacyApiKey: typeof import('../../shared/adapters/dynamodb/keys.js').putLegacyApiKey;
let clock = new Date('2026-11-30T12:00:00.000Z');
const SECRET = randomBytes(32);

beforeAll(async () => {
  aws = await startEmulatedAws();
  const keys = await import('../../shared/adapters/dynamodb/keys.js');
  ({ putLegacyApiKey } = keys);
  admin = { store: keys.dynamoApiKeyStore, secret: { key: async () => SECRET }, now: () => clock };
  adminOps = await import('../../shared/access/key-admin.js');
  const { apiKeyFinder } = await import('../../shared/access/keys.js');
  findKey = apiKeyFinder(keys.dynamoApiKeyStore, admin.secret);
  ({ dynamoRateLimiter: limiter } = await import('../../shared/adapters/dynamodb/rate-limits.js'));
});
afterAll(() => aws?.stop());

const newEnvironment = () => `env_${Math.random().toString(36).slice(2, 10)}`;
const later = (seconds: number) => new Date(clock.getTime() + seconds * 1000);

async function tableItems(): Promise<Record<string, unknown>[]> {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documentClient } = await import('../../shared/adapters/dynamodb/client.js');
  const { Items = [] } = await (await documentClient()).send(
    new ScanCommand({ TableName: aws.provisioned.tableName }),
  );
  return Items;
}

describe('creating a key', () => {
  it('shows the key once, and stores only its HMAC and prefix', async () => {
    const environmentId = newEnvironment();
    const created = await adminOps.createKey(admin, { environmentId, name: 'ci' });

    expect(created.key).toMatch(/^pw_live_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    expect(created).toMatchObject({ environmentId, name: 'ci', status: 'active', rateLimitPerMinute: 600 });
    expect(created).not.toHaveProperty('hash');
    const items = JSON.stringify(await tableItems());
    expect(items).not.toContain(created.key);
    expect(items).not.toContain(created.key.slice(created.prefix.length + 1));
    expect(items).not.toContain(legacyKeyHash(created.key));
    expect(await adminOps.getKey(admin, created.id)).not.toHaveProperty('key');
  });

  it('grants the key its environment, id, rate limit and expiry; a key with a wrong secret gets nothing', async () => {
    const environmentId = newEnvironment();
    const expiresAt = later(3600).toISOString();
    const created = await adminOps.createKey(admin, {
      environmentId,
      name: 'ci',
      expiresAt,
      rateLimitPerMinute: 5,
    });

    expect(await findKey(created.key)).toEqual({
      environmentId,
      keyId: created.id,
      rateLimitPerMinute: 5,
      expiresAt: Date.parse(expiresAt) / 1000,
    });
    const forged = `${created.prefix}_${randomBytes(32).toString('base64url')}`;
    expect(await findKey(forged)).toBeUndefined();
    expect(await findKey(`${created.key}x`)).toBeUndefined();
  });

  it('lists an environment’s keys by prefix and metadata, page by page, and no other environment’s', async () => {
    const environmentId = newEnvironment();
    const made = [];
    for (const name of ['a', 'b', 'c']) made.push(await adminOps.createKey(admin, { environmentId, name }));
    await adminOps.createKey(admin, { environmentId: newEnvironment(), name: 'other' });

    const first = await adminOps.listKeys(admin, environmentId, { limit: 2 });
    const rest = await adminOps.listKeys(admin, environmentId, {
      limit: 2,
      ...(first.next ? { next: first.next } : {}),
    });
    const listed = [...first.items, ...rest.items];

    expect(listed.map((key) => key.id).sort()).toEqual(made.map((key) => key.id).sort());
    for (const key of listed) {
      expect(key).not.toHaveProperty('key');
      expect(key).not.toHaveProperty('hash');
      expect(key.prefix).toMatch(/^pw_live_[0-9a-z]{16}$/);
    }
  });
});

describe('the lifecycle of a key', () => {
  it('refuses a revoked key at once, and keeps the first revocation time', async () => {
    const created = await adminOps.createKey(admin, { environmentId: newEnvironment(), name: 'ci' });
    const revoked = await adminOps.revokeKey(admin, created.id);
    clock = later(10);
    const again = await adminOps.revokeKey(admin, created.id);

    expect(revoked.status).toBe('revoked');
    expect(again.revokedAt).toBe(revoked.revokedAt);
    expect(await findKey(created.key)).toBeUndefined();
    await expect(adminOps.revokeKey(admin, 'key_0000000000000000')).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('rotates a key into a successor, the old one working until the overlap ends', async () => {
    const environmentId = newEnvironment();
    const old = await adminOps.createKey(admin, { environmentId, name: 'billing', rateLimitPerMinute: 42 });
    const { key, previous } = await adminOps.rotateKey(admin, old.id, 600);

    expect(key).toMatchObject({ environmentId, name: 'billing', rateLimitPerMinute: 42, replaces: old.id });
    expect(key.key).not.toBe(old.key);
    expect(previous).toMatchObject({
      id: old.id,
      status: 'active',
      replacedBy: key.id,
      expiresAt: later(600).toISOString(),
    });
    expect(await findKey(old.key)).toMatchObject({ keyId: old.id, expiresAt: later(600).getTime() / 1000 });
    expect(await findKey(key.key)).toMatchObject({ keyId: key.id });
    clock = later(601);
    expect((await adminOps.getKey(admin, old.id)).status).toBe('expired');
  });

  it('refuses to rotate a key twice, or a revoked one, and leaves no stray successor', async () => {
    const environmentId = newEnvironment();
    const old = await adminOps.createKey(admin, { environmentId, name: 'ci' });
    await adminOps.rotateKey(admin, old.id);
    await expect(adminOps.rotateKey(admin, old.id)).rejects.toBeInstanceOf(ConflictError);
    const revoked = await adminOps.createKey(admin, { environmentId, name: 'gone' });
    await adminOps.revokeKey(admin, revoked.id);
    await expect(adminOps.rotateKey(admin, revoked.id)).rejects.toThrow(/revoked/);

    const listed = await adminOps.listKeys(admin, environmentId, { limit: 10 });
    expect(listed.items).toHaveLength(3);
  });

  it('never makes a rotated key live longer than its own expiry', async () => {
    const expiresAt = later(60).toISOString();
    const old = await adminOps.createKey(admin, { environmentId: newEnvironment(), name: 'ci', expiresAt });
    const { key, previous } = await adminOps.rotateKey(admin, old.id, 3600);

    expect(previous.expiresAt).toBe(expiresAt);
    expect(key.expiresAt).toBe(expiresAt);
  });
});

describe('keys from before the lifecycle', () => {
  it('keep working, found by their SHA-256', async () => {
    const environmentId = newEnvironment();
    await putLegacyApiKey('pw_registered-key-123', {
      environmentId,
      name: 'ci',
      createdAt: clock.toISOString(),
    });

    expect(await findKey('pw_registered-key-123')).toEqual({ environmentId });
    expect(await findKey('pw_registered-key-124')).toBeUndefined();
    expect(JSON.stringify(await tableItems())).not.toContain('pw_registered-key-123');
  });
});

describe('the per-key rate limit', () => {
  it('counts a key’s requests in its minute and refuses the one past the limit with the seconds left', async () => {
    const now = new Date('2026-11-30T12:00:45.500Z');
    const keyId = `key_${randomBytes(8).toString('hex')}`;
    await Promise.all([1, 2, 3].map(() => limiter.consume(keyId, 3, now)));

    const refused = await limiter.consume(keyId, 3, now).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 15 });
    // Another key, and the next minute, have room.
    await limiter.consume(`${keyId}x`, 3, now);
    await limiter.consume(keyId, 3, new Date('2026-11-30T12:01:00.000Z'));
  });

  it('lets exactly the limit through when requests race', async () => {
    const now = new Date('2026-11-30T12:00:10.000Z');
    const keyId = `key_${randomBytes(8).toString('hex')}`;
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => limiter.consume(keyId, 5, now)),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(7);
  });
});
