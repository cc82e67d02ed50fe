/**
 * Webhook signatures, Stripe-style: the sender signs `<timestamp>.<body>` with
 * HMAC-SHA256 and a shared secret and sends `partwise-timestamp: <unix seconds>` and
 * `partwise-signature: sha256=<hex>`. Signing the timestamp with the body lets a
 * receiver refuse an old request replayed by someone who captured it.
 * https://docs.stripe.com/webhooks#verify-manually
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'partwise-signature';
export const TIMESTAMP_HEADER = 'partwise-timestamp';
export const EVENT_ID_HEADER = 'partwise-event-id';

/** The `partwise-signature` value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: string | number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyOptions {
  /** Refuse a timestamp further than this from now, either way. 0 turns the check off. @default 300 */
  toleranceSeconds?: number;
  /** @default Date.now() */
  nowMs?: number;
}

/**
 * Whether `header` (the `partwise-signature` value) signs `body` at `timestamp` with
 * `secret`, and the timestamp is recent. Pass the body exactly as received, before any
 * JSON parsing: re-serialising changes the bytes. A header may hold several signatures,
 * comma-separated (during a secret rotation); one match is enough.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | null | undefined,
  body: string | Buffer,
  header: string | null | undefined,
  options: VerifyOptions = {},
): boolean {
  if (!secret || !timestamp || !header || !/^\d+$/.test(timestamp)) return false;
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = (options.nowMs ?? Date.now()) / 1000;
  if (tolerance > 0 && Math.abs(nowSeconds - Number(timestamp)) > tolerance) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body.toString()));
  return header.split(',').some((candidate) => {
    const given = Buffer.from(candidate.trim());
    // timingSafeEqual needs equal lengths; a length mismatch reveals nothing secret.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
