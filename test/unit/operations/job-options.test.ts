import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import { jobOptions, operationConfig, withEngineOptions } from '../../../shared/operations/job-options.js';
import type { Operation } from '../../../shared/operations/operation.js';

const inParts = { name: 'extract', toleratesFailedParts: true } as Operation;
const whole = { name: 'export' } as Operation;
const outside = { name: 'submit', runsOutside: true } as Operation;

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a 400');
};

describe("the engine's keys of a job's config", () => {
  it('are split off what the operation reads, and kept beside it', () => {
    const config = { partSizeBytes: 2048, tolerance: { maxFailedParts: 1 }, retryWindowSeconds: 0 };
    expect(operationConfig(config)).toEqual({ partSizeBytes: 2048 });
    expect(operationConfig({ partSizeBytes: 2048 })).toEqual({ partSizeBytes: 2048 });
    expect(withEngineOptions({ partSizeBytes: 4096 }, config)).toEqual({ ...config, partSizeBytes: 4096 });
    expect(jobOptions(config, inParts)).toEqual({ tolerance: { maxFailedParts: 1 }, retryWindowSeconds: 0 });
    expect(jobOptions({ partSizeBytes: 1 }, inParts)).toEqual({});
  });

  it('refuse a tolerance an operation cannot honour, and either key on an action', () => {
    expect(refusal(() => jobOptions({ tolerance: { maxFailedParts: 1 } }, whole)).message).toMatch(
      /^The export operation takes no config.tolerance/,
    );
    expect(jobOptions({ retryWindowSeconds: 60 }, whole)).toEqual({ retryWindowSeconds: 60 });
    expect(refusal(() => jobOptions({ retryWindowSeconds: 60 }, outside)).message).toMatch(
      /^config.retryWindowSeconds applies to jobs partwise runs in parts/,
    );
  });

  it('refuse what is out of range, naming each place', () => {
    const error = refusal(() =>
      jobOptions({ tolerance: { maxFailedPercent: 101, extra: 1 }, retryWindowSeconds: 604_801 }, inParts),
    );
    expect(error.errors?.map((e) => e.path.join('.')).sort()).toEqual([
      'body.config.retryWindowSeconds',
      'body.config.tolerance',
      'body.config.tolerance.maxFailedPercent',
    ]);
    expect(refusal(() => jobOptions({ tolerance: {} }, inParts)).message).toMatch(
      /must set maxFailedParts, maxFailedPercent or both/,
    );
  });
});
