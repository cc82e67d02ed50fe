/**
 * An API key → what the authorizer grants it (docs/auth.md). A key of today's shape
 * (`pw_live_<id>_<secret>`) is read by its id and checked against its HMAC under the key
 * secret; a revoked one is refused; an expired one is granted with its expiry, so that the
 * API answers `key-expired` (shared/access/check.ts), which says more than a refusal here.
 * Any other string is looked up as a key from before the lifecycle (SHA-256).
 *
 * Without zod, as authorize.ts: the authorizer's bundle stays small.
 */
import { keyIdOf, matchesHash } from '../domain/api-keys.js';
import type { ApiKeyStore, KeySecret } from '../ports.js';
import type { KeyGrant } from './authorize.js';

export function apiKeyFinder(
  store: ApiKeyStore,
  secret: KeySecret,
): (key: string) => Promise<KeyGrant | undefined> {
  return async (key) => {
    const id = keyIdOf(key);
    if (id === undefined) return store.findLegacy(key);
    const record = await store.get(id);
    if (!record || record.revokedAt !== undefined) return undefined;
    if (!matchesHash(await secret.key(), key, record.hash)) return undefined;
    return {
      environmentId: record.environmentId,
      keyId: record.id,
      rateLimitPerMinute: record.rateLimitPerMinute,
      ...(record.expiresAt === undefined
        ? {}
        : { expiresAt: Math.floor(Date.parse(record.expiresAt) / 1000) }),
    };
  };
}
