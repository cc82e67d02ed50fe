/**
 * API keys with a lifecycle (docs/auth.md): created through the admin routes, shown once,
 * stored as an HMAC-SHA256 under a server secret, listed by prefix, rotated with an overlap
 * window, revoked, expired, and limited per key.
 *
 * A key reads `pw_live_<key id>_<secret>`: the 16 characters of its id are its public part
 * (the `prefix` a listing shows, `pw_live_<id>`), so the authorizer finds the key's one item
 * by id and compares HMACs, and a person recognises a key without seeing its secret.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What every key of this shape starts with. */
export const API_KEY_START = 'pw_live_';

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 16;
/** 32 random bytes (256 bits) as base64url: 43 characters. */
const SECRET_BYTES = 32;

const KEY_SHAPE = /^pw_live_([0-9a-z]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID_SHAPE = /^key_[0-9a-z]{16}$/;

/** Limits the admin routes take (and the default a key gets). */
export const API_KEY_LIMITS = {
  /** Requests per key per minute when the creator names none. */
  defaultRateLimitPerMinute: 600,
  maxRateLimitPerMinute: 100_000,
  /** How long a rotated key keeps working beside its successor when the rotation names no window: one hour. */
  defaultOverlapSeconds: 3600,
  /** At most a week: an overlap is for redeploying clients, not for keeping two keys. */
  maxOverlapSeconds: 7 * 24 * 3600,
  maxNameLength: 200,
} as const;

export const API_KEY_STATUSES = ['active', 'revoked', 'expired'] as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** A key as stored and listed: never its secret, only its prefix and its HMAC. */
export interface ApiKeyRecord {
  /** `key_<16 characters>`. */
  id: string;
  environmentId: string;
  name: string;
  /** `pw_live_<the id's 16 characters>`: what a person sees to recognise the key. */
  prefix: string;
  /** Hex HMAC-SHA256 of the whole key under the key secret. */
  hash: string;
  rateLimitPerMinute: number;
  createdAt: string;
  /** From then on the key is refused; a rotation brings it forward to the end of the overlap. */
  expiresAt?: string;
  revokedAt?: string;
  /** The key this one was rotated into. */
  replacedBy?: string;
  /** The key this one replaced. */
  replaces?: string;
}

/** A new key's id, secret and prefix; the key itself is shown once and never stored. */
export function newApiKey(random: (size: number) => Buffer = randomBytes): {
  key: string;
  id: string;
  prefix: string;
} {
  const idBytes = random(ID_LENGTH);
  let body = '';
  // 256 % 36 leaves a slight bias towards the first characters: harmless for an identifier.
  for (const byte of idBytes) body += ID_ALPHABET[byte % ID_ALPHABET.length];
  const secret = random(SECRET_BYTES).toString('base64url');
  return { key: `${API_KEY_START}${body}_${secret}`, id: `key_${body}`, prefix: `${API_KEY_START}${body}` };
}

/** The id a key of this shape names, or undefined for anything else (a legacy key, a typo). */
export function keyIdOf(key: string): string | undefined {
  const body = KEY_SHAPE.exec(key)?.[1];
  return body === undefined ? undefined : `key_${body}`;
}

export function isKeyId(value: string): boolean {
  return KEY_ID_SHAPE.test(value);
}

/** The prefix of a key id, as a listing shows it. */
export function prefixOf(id: string): string {
  return `${API_KEY_START}${id.slice('key_'.length)}`;
}

/** The HMAC a key is stored as, under `secret` (the key secret, Secrets Manager). */
export function hashApiKey(secret: Uint8Array, key: string): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

/** Whether `key` is the key stored as `hash`, compared in constant time. */
export function matchesHash(secret: Uint8Array, key: string, hash: string): boolean {
  const expected = Buffer.from(hashApiKey(secret, key), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}

/**
 * How keys registered before the lifecycle were stored (`KEY#<sha256>`): they keep working
 * until an operator deletes them (docs/auth.md, "Keys from before").
 */
export function legacyKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A key's status at `now`: revoked wins over expired. */
export function statusOf(record: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyStatus {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/**
 * A key's expiry as it is stored: rounded up to a whole second. The authorizer hands the API
 * the expiry in whole seconds (as a token's `exp`), so the API and the status a listing shows
 * agree to the millisecond.
 */
export function keyExpiry(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString();
}

/** The end of a rotation's overlap: `now + overlap`, or the key's own expiry when that comes first. */
export function overlapEnd(
  record: Pick<ApiKeyRecord, 'expiresAt'>,
  now: Date,
  overlapSeconds: number,
): string {
  const end = now.getTime() + overlapSeconds * 1000;
  const own = record.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(record.expiresAt);
  return keyExpiry(Math.min(end, own));
}

/**
 * The per-key rate limit's window (docs/auth.md): fixed windows of one minute, aligned to
 * the clock. `retryAfterSeconds` is what is left of the window, at least 1.
 */
export function rateWindowOf(now: Date): { window: number; endsAt: number; retryAfterSeconds: number } {
  const window = Math.floor(now.getTime() / 60_000);
  const endsAt = (window + 1) * 60_000;
  return { window, endsAt, retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000)) };
}
