/**
 * What the admin routes do with API keys (docs/auth.md): create (the key is shown once),
 * read and list (prefix and metadata only), rotate with an overlap window, revoke.
 */
import {
  API_KEY_LIMITS,
  type ApiKeyRecord,
  type ApiKeyStatus,
  hashApiKey,
  keyExpiry,
  newApiKey,
  overlapEnd,
  statusOf,
} from '../domain/api-keys.js';
import { ConflictError, KeyNotFoundError, StaleWriteError } from '../domain/errors.js';
import type { ApiKeyStore, KeySecret } from '../ports.js';

export interface KeyAdmin {
  store: ApiKeyStore;
  secret: KeySecret;
  now: () => Date;
}

/** A key as the admin routes show it: everything but its HMAC, and its status now. */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash'> & { status: ApiKeyStatus };

/** A key just created: the view, and the key itself, which is never shown again. */
export type CreatedApiKeyView = ApiKeyView & { key: string };

export interface CreateKeyRequest {
  environmentId: string;
  name: string;
  expiresAt?: string;
  rateLimitPerMinute?: number;
}

export function viewOf(record: ApiKeyRecord, now: Date): ApiKeyView {
  const { hash: _hash, ...shown } = record;
  return { ...shown, status: statusOf(record, now) };
}

async function issue(
  admin: KeyAdmin,
  request: CreateKeyRequest & { replaces?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const { key, id, prefix } = newApiKey();
  const record: ApiKeyRecord = {
    id,
    environmentId: request.environmentId,
    name: request.name,
    prefix,
    hash: hashApiKey(await admin.secret.key(), key),
    rateLimitPerMinute: request.rateLimitPerMinute ?? API_KEY_LIMITS.defaultRateLimitPerMinute,
    createdAt: admin.now().toISOString(),
    // One spelling of a time in the table, in whole seconds: as the authorizer passes it on.
    ...(request.expiresAt === undefined ? {} : { expiresAt: keyExpiry(request.expiresAt) }),
    ...(request.replaces === undefined ? {} : { replaces: request.replaces }),
  };
  await admin.store.create(record);
  return { key, record };
}

export async function createKey(admin: KeyAdmin, request: CreateKeyRequest): Promise<CreatedApiKeyView> {
  const { key, record } = await issue(admin, request);
  return { ...viewOf(record, admin.now()), key };
}

export async function getKey(admin: KeyAdmin, id: string): Promise<ApiKeyView> {
  const record = await admin.store.get(id);
  if (!record) throw new KeyNotFoundError(id);
  return viewOf(record, admin.now());
}

export async function listKeys(
  admin: KeyAdmin,
  environmentId: string,
  page: { limit: number; next?: string },
): Promise<{ items: ApiKeyView[]; next?: string }> {
  const { items, next } = await admin.store.list(environmentId, page);
  const now = admin.now();
  return { items: items.map((record) => viewOf(record, now)), ...(next ? { next } : {}) };
}

export async function revokeKey(admin: KeyAdmin, id: string): Promise<ApiKeyView> {
  return viewOf(await admin.store.revoke(id, admin.now().toISOString()), admin.now());
}

/** Why a key cannot be rotated, or undefined when it can. */
function rotationRefusal(record: ApiKeyRecord, now: Date): string | undefined {
  if (record.replacedBy !== undefined)
    return `API key ${record.id} was rotated already, into ${record.replacedBy}: rotate that one.`;
  const status = statusOf(record, now);
  if (status !== 'active')
    return `API key ${record.id} is ${status}: only a key that works can be rotated; create a new one instead.`;
  return undefined;
}

/**
 * A successor of the key (same environment, name, rate limit and expiry), and the key itself
 * kept working until the overlap ends, so that clients move to the new key meanwhile.
 *
 * The successor is stored first: a crash between the two writes leaves the old key as it
 * was and an unused successor nobody saw, never a key that expires with no successor. When
 * the old key changed meanwhile (rotated or revoked by a concurrent call), the successor is
 * removed again and the rotation refused.
 */
export async function rotateKey(
  admin: KeyAdmin,
  id: string,
  overlapSeconds: number = API_KEY_LIMITS.defaultOverlapSeconds,
): Promise<{ key: CreatedApiKeyView; previous: ApiKeyView }> {
  const now = admin.now();
  const current = await admin.store.get(id);
  if (!current) throw new KeyNotFoundError(id);
  const refusal = rotationRefusal(current, now);
  if (refusal) throw new ConflictError(refusal, 'key-not-rotatable');
  const { key, record } = await issue(admin, {
    environmentId: current.environmentId,
    name: current.name,
    rateLimitPerMinute: current.rateLimitPerMinute,
    ...(current.expiresAt === undefined ? {} : { expiresAt: current.expiresAt }),
    replaces: current.id,
  });
  let previous: ApiKeyRecord;
  try {
    previous = await admin.store.markRotated(
      id,
      { replacedBy: record.id, expiresAt: overlapEnd(current, now, overlapSeconds) },
      now,
    );
  } catch (error) {
    await admin.store.remove(record.id);
    if (error instanceof StaleWriteError) {
      throw new ConflictError(
        `API key ${id} changed while it was rotated (rotated or revoked by another call): read it again.`,
        'key-not-rotatable',
        { cause: error },
      );
    }
    throw error;
  }
  return { key: { ...viewOf(record, now), key }, previous: viewOf(previous, now) };
}
