import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { progressOf } from '../../../shared/domain/job.js';
import {
  bucketCount,
  bucketOf,
  bucketSize,
  byteRangePartCount,
  byteRangeStarts,
  PART_BUCKET_SIZE,
} from '../../../shared/domain/parts.js';
import { fieldKeys } from '../../../shared/domain/resources.js';

describe('part planning arithmetic', () => {
  it('puts every part in exactly one bucket, and the bucket sizes add up to the parts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (parts) => {
        let total = 0;
        for (let b = 0; b < bucketCount(parts); b++) total += bucketSize(b, parts);
        expect(total).toBe(parts);
        expect(bucketOf(parts - 1)).toBe(bucketCount(parts) - 1);
      }),
    );
    expect(bucketOf(PART_BUCKET_SIZE)).toBe(1);
  });

  it('covers a file with byte ranges of the part size, at least one part', () => {
    expect(byteRangePartCount(0, 1024)).toBe(1);
    expect(byteRangePartCount(1024, 1024)).toBe(1);
    expect(byteRangePartCount(1025, 1024)).toBe(2);
    expect(byteRangeStarts(3000, 1024)).toEqual([0, 1024, 2048]);
    expect(() => byteRangePartCount(10, 100)).toThrow(/at least 1024/);
  });

  it('reports 100 % progress only when every part is processed', () => {
    expect(progressOf(0, 0)).toBe(0);
    expect(progressOf(999, 1000)).toBe(99);
    expect(progressOf(1000, 1000)).toBe(100);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(), (parts, n) => {
        const processed = n % parts;
        expect(progressOf(processed, parts)).toBeLessThan(100);
      }),
    );
  });
});

describe('field keys from a header', () => {
  it('lower-cases, joins words with _ and keeps keys unique', () => {
    expect(fieldKeys(['Full Name', 'e-mail', 'Café', '', 'full name'])).toEqual([
      'full_name',
      'e_mail',
      'cafe',
      'column_4',
      'full_name_2',
    ]);
  });
});
