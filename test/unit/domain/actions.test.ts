import { beforeEach, describe, expect, it } from 'vitest';
import type { Action } from '../../../shared/domain/actions.js';
import type { Field } from '../../../shared/domain/resources.js';
import { freshModule } from '../../helpers/fresh-module.js';

// The date pattern is built when the module loads: each test reads a freshly loaded one.
let inputErrors: typeof import('../../../shared/domain/actions.js').inputErrors;
beforeEach(async () => {
  ({ inputErrors } = await freshModule(() => import('../../../shared/domain/actions.js')));
});

const form = (...fields: Field[]): Action['inputForm'] => ({ fields });
const detailsOf = (fields: Field[], input: Record<string, unknown>) =>
  inputErrors(form(...fields), input).map((error) => error.detail);

describe('the input of a custom action’s job, checked against the action’s form', () => {
  it('accepts no input for an action without a form', () => {
    expect(inputErrors(undefined, undefined)).toEqual([]);
    expect(inputErrors(undefined, {})).toEqual([]);
  });

  it('names each key the form does not have, where it is', () => {
    expect(
      inputErrors(form({ key: 'note', type: 'string' }), { note: 'hi', colour: 'red', size: 3 }),
    ).toEqual([
      { path: ['body', 'input', 'colour'], detail: 'is not a field of the action’s input form' },
      { path: ['body', 'input', 'size'], detail: 'is not a field of the action’s input form' },
    ]);
    expect(inputErrors(undefined, { anything: 1 })).toHaveLength(1);
  });

  it('requires a value for a required field: missing, null and empty text all count as none', () => {
    const required: Field = { key: 'reason', type: 'string', required: true };
    for (const input of [{}, { reason: null }, { reason: '' }]) {
      expect(inputErrors(form(required), input)).toEqual([
        { path: ['body', 'input', 'reason'], detail: 'is required' },
      ]);
    }
    expect(inputErrors(form({ key: 'reason', type: 'number' }), {})).toEqual([]);
    expect(inputErrors(form({ key: 'reason', type: 'number' }), { reason: '' })).toEqual([]);
  });

  it('checks each value against its field’s type', () => {
    expect(detailsOf([{ key: 'a', type: 'string' }], { a: 5 })).toEqual(['must be a string']);
    expect(detailsOf([{ key: 'a', type: 'string' }], { a: 'five' })).toEqual([]);
    expect(detailsOf([{ key: 'a', type: 'number' }], { a: 2.5 })).toEqual([]);
    for (const a of ['5', Number.NaN, Number.POSITIVE_INFINITY, true]) {
      expect(detailsOf([{ key: 'a', type: 'number' }], { a })).toEqual(['must be a number']);
    }
    expect(detailsOf([{ key: 'a', type: 'boolean' }], { a: false })).toEqual([]);
    expect(detailsOf([{ key: 'a', type: 'boolean' }], { a: 'false' })).toEqual(['must be true or false']);
  });

  it('takes an ISO 8601 date or date-time, and refuses any other spelling', () => {
    const date: Field = { key: 'due', type: 'date' };
    for (const due of [
      '2026-11-28',
      '2026-11-28T09:30',
      '2026-11-28T09:30:15',
      '2026-11-28T09:30:15.250',
      '2026-11-28T09:30:15.250Z',
      '2026-11-28T09:30+01:00',
      '2026-11-28T09:30:15-0530',
    ]) {
      expect(detailsOf([date], { due }), due).toEqual([]);
    }
    for (const due of [
      '28/11/2026',
      '2026-11-28 09:30', // a space: what JavaScript reads, not ISO 8601
      ' 2026-11-28',
      '2026-11-28T9:30',
      '2026-11-28T09:30:5',
      '2026-11-28T09:30Z+01:00',
      '2026-11-28T09:30+1:00',
      '2026-11-28T09:30:15.Z',
      '12026-11-28',
      '2026-1-28',
      '2026-11-8',
      '2026-13-28', // the right shape, no such month
      '2026-11-28T25:00',
      20261128,
    ]) {
      expect(detailsOf([date], { due }), String(due)).toEqual(['must be an ISO 8601 date, e.g. 2026-11-28']);
    }
  });

  it('takes one of an enum’s options as written, and lists them when it gets another', () => {
    const colour: Field = { key: 'colour', type: 'enum', options: ['red', 'green'] };
    expect(detailsOf([colour], { colour: 'green' })).toEqual([]);
    expect(detailsOf([colour], { colour: 'Green' })).toEqual(['must be one of: red, green']);
    expect(detailsOf([colour], { colour: 1 })).toEqual(['must be one of: red, green']);
    expect(detailsOf([{ key: 'colour', type: 'enum' }], { colour: 'red' })).toEqual(['must be one of: ']);
  });

  it('reports every problem at once, each at its field', () => {
    const errors = inputErrors(
      form(
        { key: 'reason', type: 'string', required: true },
        { key: 'count', type: 'number' },
        { key: 'ok', type: 'boolean' },
      ),
      { count: 'three', ok: true, extra: 1 },
    );
    expect(errors).toEqual([
      { path: ['body', 'input', 'extra'], detail: 'is not a field of the action’s input form' },
      { path: ['body', 'input', 'reason'], detail: 'is required' },
      { path: ['body', 'input', 'count'], detail: 'must be a number' },
    ]);
  });
});
