/**
 * The largest jobs the API lets callers and executors make, for the tests of what their
 * events and outboxes weigh: `input`, `config` and `outcome` filled to the cap (64 KiB
 * each), `info` and `outcome.message` at 10,000 characters of three-byte UTF-8.
 */
import { jsonBytes } from '../../shared/domain/snapshot.js';

/** The API's cap on each of `input`, `config` and `outcome`, in bytes of JSON. */
export const API_OBJECT_CAP_BYTES = 64 * 1024;
/** The API's cap on `info` and `outcome.message`, in characters. */
export const API_TEXT_CAP_CHARS = 10_000;

/** Three bytes in UTF-8, one UTF-16 unit: the most bytes a capped string can hold. */
export const WIDE = '€';
const SIZES = [3, 40, 300, 2_500, 9_000];

/**
 * An object of at most `bytes` bytes of JSON, as close to it as its members allow: members
 * from a few bytes to 9 KiB, text of `char` (wide by default), numbers, and objects
 * nested a few levels.
 */
export function filledObject(bytes: number, label = 'm', char = WIDE): Record<string, unknown> {
  const filled: Record<string, unknown> = {};
  let used = 2; // {}
  for (let i = 0; ; i++) {
    const size = SIZES[i % SIZES.length] ?? 3;
    const value =
      i % 7 === 3
        ? { level1: { level2: { text: 'x'.repeat(size), n: i } } }
        : i % 5 === 4
          ? i * 1_000_003
          : char.repeat(Math.ceil(size / Buffer.byteLength(char)));
    const key = `${label}${i}`;
    const cost = jsonBytes(key) + 1 + jsonBytes(value) + (i === 0 ? 0 : 1);
    if (used + cost > bytes) {
      if (size === SIZES[0]) break; // not even the smallest member fits any more
      continue;
    }
    filled[key] = value;
    used += cost;
    if (i > 100_000) break;
  }
  return filled;
}

/** An outcome at the cap, with the message and heading people read. */
export function filledOutcome(bytes: number, char = WIDE): Record<string, unknown> {
  const message = char.repeat(API_TEXT_CAP_CHARS);
  const heading = 'h'.repeat(255);
  const head = { message, heading, next: { type: 'url', url: 'https://example.com/report' } };
  return { ...head, ...filledObject(bytes - jsonBytes(head), 'o', char) };
}
