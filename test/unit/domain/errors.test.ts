import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ContentChangedError,
  DependencyError,
  isPermanent,
  NotFoundError,
  PartwiseError,
  PayloadTooLargeError,
  StaleWriteError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '../../../shared/domain/errors.js';

describe('errors, as a caller and the engine see them', () => {
  it('carries the HTTP status, a stable code and a name for each kind', () => {
    const cases: [PartwiseError, number, string, string][] = [
      [new ValidationError('bad'), 400, 'validation-failed', 'ValidationError'],
      [new UnauthorizedError(), 401, 'unauthorized', 'UnauthorizedError'],
      [new NotFoundError('Job', 'job_x'), 404, 'job-not-found', 'NotFoundError'],
      [new ConflictError('no'), 409, 'conflict', 'ConflictError'],
      [new ConflictError('no', 'job-final'), 409, 'job-final', 'ConflictError'],
      [new StaleWriteError('raced'), 409, 'stale-write', 'StaleWriteError'],
      [new PayloadTooLargeError('big'), 413, 'payload-too-large', 'PayloadTooLargeError'],
      [new UnprocessableError('garbled'), 422, 'unprocessable', 'UnprocessableError'],
      [new ContentChangedError('changed'), 412, 'content-changed', 'ContentChangedError'],
      [new DependencyError('down'), 503, 'dependency-failed', 'DependencyError'],
    ];
    for (const [error, status, code, name] of cases) {
      expect({ status: error.status, code: error.code, name: error.name }).toEqual({ status, code, name });
      expect(error).toBeInstanceOf(PartwiseError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('shows its message to a caller only below 500', () => {
    expect(new PartwiseError('m', 499, 'c').expose).toBe(true);
    expect(new PartwiseError('m', 500, 'c').expose).toBe(false);
    expect(new DependencyError('DynamoDB could not …').expose).toBe(false);
    expect(new NotFoundError('File', 'file_x').expose).toBe(true);
  });

  it('says what was not found, in this environment', () => {
    expect(new NotFoundError('Workbook', 'wb_1').message).toBe(
      'Workbook wb_1 was not found in this environment.',
    );
    expect(new UnauthorizedError().message).toMatch(/Authorization: Bearer <api key>/);
  });

  it('tells the engine to stop only for input at fault, not for races or outages', () => {
    expect(isPermanent(new ValidationError('bad'))).toBe(true);
    expect(isPermanent(new UnprocessableError('garbled'))).toBe(true);
    expect(isPermanent(new ContentChangedError('changed'))).toBe(true);
    for (const passing of [
      new NotFoundError('Object', 'k'), // a read that raced a write
      new StaleWriteError('raced'),
      new ConflictError('no'),
      new DependencyError('down'),
      new PartwiseError('m', 400, 'c'),
      new Error('plain'),
      'not even an error',
    ]) {
      expect(isPermanent(passing)).toBe(false);
    }
    expect(isPermanent(new PartwiseError('m', 400, 'c', { permanent: true }))).toBe(true);
  });

  it('keeps the cause and the field errors it was given', () => {
    const cause = new Error('ConditionalCheckFailedException');
    const errors = [{ path: ['body', 'source'], detail: 'is required' }];
    expect(new StaleWriteError('raced', { cause }).cause).toBe(cause);
    expect(new DependencyError('down', { cause }).cause).toBe(cause);
    expect(new UnprocessableError('garbled', { cause }).cause).toBe(cause);
    expect(new NotFoundError('Job', 'j', { cause }).cause).toBe(cause);
    expect(new ConflictError('no', 'c', { cause }).cause).toBe(cause);
    const invalid = new ValidationError('bad', { errors, cause });
    expect({ errors: invalid.errors, cause: invalid.cause }).toEqual({ errors, cause });
    expect(new PartwiseError('m', 400, 'c').errors).toBeUndefined();
  });
});
