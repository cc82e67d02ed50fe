import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DependencyError, NotFoundError, ValidationError } from '../../../shared/domain/errors.js';
import { correlation } from '../../../shared/http/correlation.js';
import { problemJson, publicFieldError, toProblem, zodErrors } from '../../../shared/http/problem.js';
import type { ApiEvent, ApiResult } from '../../../shared/http/request.js';

const event = (requestId: string) => ({ requestContext: { requestId } }) as ApiEvent;

/** The API's error handling, around a handler that throws `error` (or answers 200). */
function handlerThatThrows(error?: unknown) {
  return middy<ApiEvent, ApiResult>()
    .use(correlation())
    .use(problemJson())
    .handler(async () => {
      if (error) throw error;
      return { statusCode: 200, body: '{}' };
    });
}

describe('problem JSON', () => {
  it('shows a 4xx as it is, with its field errors where they lie, and the correlation id', () => {
    const error = new ValidationError('bad', {
      errors: [
        { path: ['body', 'config', 'a/b'], detail: 'x' },
        { path: ['body'], detail: 'empty' },
        { path: ['query', 'limit'], detail: 'too big' },
        { path: ['path', 'id'], detail: 'malformed' },
        { path: ['header', 'idempotency-key'], detail: 'too long' },
      ],
    });
    expect(toProblem(error, 'req-1')).toEqual({
      type: 'urn:partwise:problem:validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'bad',
      errors: [
        { pointer: '/config/a~1b', detail: 'x' },
        { pointer: '', detail: 'empty' },
        { parameter: 'limit', detail: 'too big' },
        { parameter: 'id', detail: 'malformed' },
        { header: 'idempotency-key', detail: 'too long' },
      ],
      correlationId: 'req-1',
    });
  });

  it('says of a 5xx only that it happened, and under which correlation id', () => {
    const crash = toProblem(new Error('TableName partwise: ValidationException at x.ts:1'), 'req-2');
    expect(crash).toEqual({
      type: 'urn:partwise:problem:internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side (correlation id req-2).',
      correlationId: 'req-2',
    });
    const outage = toProblem(new DependencyError('S3 could not read uploads/file_x.'), 'req-3');
    expect(outage.status).toBe(503);
    expect(outage.detail).not.toContain('uploads/');
    expect(outage.detail).toContain('req-3');
  });

  it('answers with the correlation id in a header, for problems and successes alike', async () => {
    const failed = await handlerThatThrows(new NotFoundError('Job', 'job_x'))(event('req-4'), {} as Context);
    expect(failed).toMatchObject({
      statusCode: 404,
      headers: { 'content-type': 'application/problem+json', 'x-correlation-id': 'req-4' },
    });
    expect(JSON.parse(String((failed as { body: string }).body)).correlationId).toBe('req-4');

    const succeeded = await handlerThatThrows()(event('req-5'), {} as Context);
    expect(succeeded).toMatchObject({ statusCode: 200, headers: { 'x-correlation-id': 'req-5' } });
  });

  it('escapes each key of a pointer on its own, whatever the key holds (RFC 6901)', () => {
    const at = (...path: (string | number)[]) => publicFieldError({ path: ['body', ...path], detail: 'x' });
    expect(at('mapping', 'e.mail')).toEqual({ pointer: '/mapping/e.mail', detail: 'x' });
    expect(at('mapping', 'in/out')).toEqual({ pointer: '/mapping/in~1out', detail: 'x' });
    expect(at('mapping', 'a~b')).toEqual({ pointer: '/mapping/a~0b', detail: 'x' });
    // `~1` written literally must not read back as `/`: `~` is escaped first.
    expect(at('mapping', '~1')).toEqual({ pointer: '/mapping/~01', detail: 'x' });
    expect(at('sheets', 0, 'fields', 2)).toEqual({ pointer: '/sheets/0/fields/2', detail: 'x' });
    expect(at('')).toEqual({ pointer: '/', detail: 'x' });
  });

  it('keeps the path of a zod issue as segments, so a key holding a dot points at itself', () => {
    const schema = z.object({ mapping: z.record(z.string(), z.string()) }).strict();
    const parsed = schema.safeParse({ mapping: { 'e.mail': 1 }, 'x/y': true });
    if (parsed.success) throw new Error('expected a failed parse');
    expect(zodErrors(parsed.error, 'body').map(publicFieldError)).toEqual(
      expect.arrayContaining([
        { pointer: '/mapping/e.mail', detail: expect.any(String) },
        { pointer: '/x~1y', detail: 'is not a known field' },
      ]),
    );
  });

  it('answers a refusal known only by its status (http-errors) in the same scheme as every other', () => {
    const tooLarge = Object.assign(new Error('The body is too large.'), { statusCode: 413, expose: true });
    expect(toProblem(tooLarge, 'req-6')).toEqual({
      type: 'urn:partwise:problem:payload-too-large',
      title: 'Content Too Large',
      status: 413,
      detail: 'The body is too large.',
      correlationId: 'req-6',
    });
  });

  it('points at the body as a whole with the empty pointer', () => {
    expect(publicFieldError({ path: ['body'], detail: 'malformed JSON' })).toEqual({
      pointer: '',
      detail: 'malformed JSON',
    });
  });
});
