import { describe, expect, it } from 'vitest';
import { armCrash, parseFaults } from '../../infra/local/faults.js';

describe('PARTWISE_FAULTS', () => {
  it('reads duplicate delivery and a crash point, and nothing when unset', () => {
    expect(parseFaults(undefined)).toEqual({});
    expect(parseFaults('{"duplicateDelivery":true,"crashOnce":"part:after-output"}')).toEqual({
      duplicateDelivery: true,
      crashOnce: 'part:after-output',
    });
  });

  it('reports every mistake at once instead of running without the fault', () => {
    expect(() => parseFaults('{"duplicateDelivery":"yes","crashOnce":"","slow":1}')).toThrow(
      /unknown fault "slow".*duplicateDelivery must be a boolean.*crashOnce must name a fault point/,
    );
    expect(() => parseFaults('{oops')).toThrow(/not valid JSON/);
    for (const bad of ['-1', '1.5', '60001', '"200"']) {
      expect(() => parseFaults(`{"slowPartsMs":${bad}}`)).toThrow(/slowPartsMs must be whole milliseconds/);
    }
    expect(parseFaults('{"slowPartsMs":200}')).toEqual({ slowPartsMs: 200 });
  });

  it('arms a crash with one shared flag, so only one worker of the stack can claim it', () => {
    const armed = armCrash({ crashOnce: 'part:after-count' });

    expect(armed?.point).toBe('part:after-count');
    expect(armed?.claimed).toBeInstanceOf(SharedArrayBuffer);
    expect(armCrash({})).toBeUndefined();
  });
});
