import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../../shared/domain/errors.js';
import {
  ensureJsonSize,
  jsonPointer,
  jsonProblem,
  MAX_JSON_DEPTH,
  numberProblem,
} from '../../../shared/http/limits.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('what a JSON body may hold', () => {
  it('nests as deep as DynamoDB stores below a job’s events, and no deeper', () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    const problem = jsonProblem(nested(MAX_JSON_DEPTH + 1));
    expect(problem?.detail).toMatch(/nests deeper than 24 levels/);
    expect(problem?.path).toHaveLength(MAX_JSON_DEPTH);
  });

  it('walks a body nested 100,000 deep without running out of stack, stopping where the limit is', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonProblem(JSON.parse(text))?.path).toEqual(new Array(MAX_JSON_DEPTH).fill(0));
  });

  it('takes the numbers DynamoDB stores exactly, and names where one is not', () => {
    for (const ok of [
      0,
      -0,
      1.5,
      1e-130,
      -1e-130,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      0.1 + 0.2,
    ])
      expect(numberProblem(ok)).toBeUndefined();
    expect(numberProblem(2 ** 53)).toMatch(/within ±9007199254740991/);
    expect(numberProblem(-1e20)).toMatch(/within/);
    expect(numberProblem(1e-131)).toMatch(/too close to 0/);
    expect(numberProblem(Number.POSITIVE_INFINITY)).toMatch(/too large/);
    expect(jsonProblem({ list: [1, { n: 1e20 }] })).toEqual({
      path: ['list', 1, 'n'],
      detail: expect.stringMatching(/within/),
    });
  });

  it('refuses text that is not Unicode and keys DynamoDB cannot name, and keeps emoji', () => {
    expect(jsonProblem({ s: 'emoji 🎉, 漢字' })).toBeUndefined();
    expect(jsonProblem({ s: 'a\ud800' })).toMatchObject({ path: ['s'], detail: /lone UTF-16 surrogate/ });
    expect(jsonProblem({ s: '\udc00b' })).toMatchObject({ path: ['s'] });
    expect(jsonProblem({ 'k\ud800': 1 })).toMatchObject({ path: [], detail: /key with a lone/ });
    expect(jsonProblem({ a: { '': 1 } })).toEqual({ path: ['a'], detail: 'has an empty key' });
  });
});

describe('JSON sizes', () => {
  it('passes what fits and answers 413 naming the field when it does not', () => {
    const input = { s: 'x'.repeat(60) }; // 68 bytes of JSON
    expect(() => ensureJsonSize(['body', 'input'], input, 68, "A job's input")).not.toThrow();
    const tooMuch = () => ensureJsonSize(['body', 'input'], input, 67, "A job's input");
    expect(tooMuch).toThrow(PayloadTooLargeError);
    expect(tooMuch).toThrow("A job's input may hold at most 67 bytes of JSON; this one holds 68.");
    expect(() => tooMuch()).toThrow(
      expect.objectContaining({
        status: 413,
        errors: [{ path: ['body', 'input'], detail: '68 bytes of JSON; the most is 67' }],
      }),
    );
    expect(() => ensureJsonSize(['body', 'input'], undefined, 0, 'Nothing')).not.toThrow();
  });

  it('counts bytes of UTF-8, not characters', () => {
    expect(() => ensureJsonSize(['body'], '日本', 7, 'Name')).toThrow(/holds 8/);
  });
});

describe('RFC 6901 pointers', () => {
  it('escapes ~ and / in each segment', () => {
    expect(jsonPointer(['config', 'a/b', 'c~d', 0])).toBe('/config/a~1b/c~0d/0');
    expect(jsonPointer([])).toBe('');
  });
});
