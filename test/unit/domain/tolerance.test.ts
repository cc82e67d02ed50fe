import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toleranceCrossed, toleranceOf } from '../../../shared/domain/tolerance.js';

describe('failure tolerance', () => {
  it('fails on the first failed part when the job sets no tolerance', () => {
    expect(toleranceCrossed(undefined, 0, 9)).toBeUndefined();
    expect(toleranceCrossed(undefined, 1, 9)).toBe(
      '1 of 9 parts failed, and the job tolerates no failed part (set config.tolerance to let it complete without some)',
    );
  });

  it('lets exactly maxFailedParts parts fail, and names the threshold the next one crosses', () => {
    expect(toleranceCrossed({ maxFailedParts: 2 }, 2, 9)).toBeUndefined();
    expect(toleranceCrossed({ maxFailedParts: 2 }, 3, 9)).toBe(
      '3 of 9 parts failed: more than config.tolerance.maxFailedParts (2) allows',
    );
    expect(toleranceCrossed({ maxFailedParts: 0 }, 1, 1)).toMatch(/maxFailedParts \(0\)/);
  });

  it('lets at most maxFailedPercent of the parts fail', () => {
    expect(toleranceCrossed({ maxFailedPercent: 50 }, 5, 10)).toBeUndefined();
    expect(toleranceCrossed({ maxFailedPercent: 50 }, 6, 10)).toBe(
      '6 of 10 parts failed (60 %): more than config.tolerance.maxFailedPercent (50 %) allows',
    );
    expect(toleranceCrossed({ maxFailedPercent: 15 }, 2, 9)).toMatch(/\(22.2 %\)/);
    expect(toleranceCrossed({ maxFailedPercent: 100 }, 9, 9)).toBeUndefined();
  });

  it('is crossed by either threshold when both are set, and by neither below both (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100 }),
        (parts, failedDraw, maxFailedParts, maxFailedPercent) => {
          const failed = failedDraw % (parts + 1);
          const crossed = toleranceCrossed({ maxFailedParts, maxFailedPercent }, failed, parts);
          const overCount = failed > maxFailedParts;
          const overPercent = failed / parts > maxFailedPercent / 100;
          expect(crossed !== undefined).toBe(overCount || overPercent);
          // Failing more parts never brings a crossed job back within tolerance.
          if (crossed && failed < parts)
            expect(toleranceCrossed({ maxFailedParts, maxFailedPercent }, failed + 1, parts)).toBeDefined();
        },
      ),
    );
  });

  it("reads a job's config.tolerance, ignoring what is not a number", () => {
    expect(toleranceOf({ config: {} })).toBeUndefined();
    expect(toleranceOf({ config: { tolerance: { maxFailedParts: 3 } } })).toEqual({ maxFailedParts: 3 });
    expect(toleranceOf({ config: { tolerance: { maxFailedPercent: '5' } } })).toEqual({});
  });
});
