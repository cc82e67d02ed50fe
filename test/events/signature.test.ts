import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../shared/events/signature.js';

const SECRET = 'whsec_test';
const BODY = '{"detail-type":"job:completed","detail":{"id":"evt_1"}}';
const NOW_MS = 1_800_000_000_000;
const NOW = String(NOW_MS / 1000);

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, as a receiver can recompute it', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, NOW, BODY)).toBe(`sha256=${expected}`);
  });

  it('verifies a fresh signature over the exact body, as a string or as bytes', () => {
    const header = signWebhook(SECRET, NOW, BODY);
    expect(verifyWebhookSignature(SECRET, NOW, BODY, header, { nowMs: NOW_MS })).toBe(true);
    expect(verifyWebhookSignature(SECRET, NOW, Buffer.from(BODY), header, { nowMs: NOW_MS + 60_000 })).toBe(
      true,
    );
  });

  it('refuses a changed body, another secret, a moved timestamp or a missing header', () => {
    const header = signWebhook(SECRET, NOW, BODY);
    const verify = (secret: string, timestamp: string | undefined, body: string, given: string | undefined) =>
      verifyWebhookSignature(secret, timestamp, body, given, { nowMs: NOW_MS });
    expect(verify(SECRET, NOW, BODY.replace('evt_1', 'evt_2'), header)).toBe(false);
    expect(verify('whsec_other', NOW, BODY, header)).toBe(false);
    expect(verify(SECRET, String(Number(NOW) - 1), BODY, header)).toBe(false);
    expect(verify(SECRET, NOW, BODY, undefined)).toBe(false);
    expect(verify(SECRET, undefined, BODY, header)).toBe(false);
    expect(verify(SECRET, NOW, BODY, 'sha256=00')).toBe(false);
  });

  it('refuses a replay older than the tolerance, unless the check is turned off', () => {
    const header = signWebhook(SECRET, NOW, BODY);
    const later = NOW_MS + 301_000;
    expect(verifyWebhookSignature(SECRET, NOW, BODY, header, { nowMs: later })).toBe(false);
    expect(verifyWebhookSignature(SECRET, NOW, BODY, header, { nowMs: later, toleranceSeconds: 0 })).toBe(
      true,
    );
  });

  it('accepts any one of several signatures, for a secret rotation', () => {
    const header = `${signWebhook('whsec_old', NOW, BODY)}, ${signWebhook(SECRET, NOW, BODY)}`;
    expect(verifyWebhookSignature(SECRET, NOW, BODY, header, { nowMs: NOW_MS })).toBe(true);
  });
});
