import { beforeEach, describe, expect, it } from 'vitest';
import type { Field } from '../../../shared/domain/resources.js';
import { freshModule } from '../../helpers/fresh-module.js';

// The forms each type accepts are patterns and tables built when their modules load: each
// test reads them freshly loaded.
type Values = typeof import('../../../shared/domain/values.js');
let convertValue: Values['convertValue'];
let parseNumber: Values['parseNumber'];
let rowTyper: Values['rowTyper'];
let valueText: Values['valueText'];
let parseDate: typeof import('../../../shared/domain/dates.js').parseDate;
let rowToRecord: typeof import('../../../shared/domain/resources.js').rowToRecord;
beforeEach(async () => {
  ({ convertValue, parseNumber, rowTyper, valueText } = await freshModule(
    () => import('../../../shared/domain/values.js'),
  ));
  ({ parseDate } = await import('../../../shared/domain/dates.js'));
  ({ rowToRecord } = await import('../../../shared/domain/resources.js'));
});

const field = (type: Field['type'], extra: Partial<Field> = {}): Field => ({ key: 'f', type, ...extra });

describe('number values', () => {
  it.each([
    ['42', 42],
    [' -12.5 ', -12.5],
    ['+3', 3],
    ['.5', 0.5],
    ['5.', 5],
    ['1e6', 1_000_000],
    ['-2.5E-3', -0.0025],
    ['1,234', 1234],
    ['1,234,567.89', 1_234_567.89],
    ['-0', 0],
  ])('reads %j as %d', (text, expected) => {
    expect(convertValue(text, field('number'))).toEqual({ value: expected });
  });

  it.each([
    '12abc',
    '12 kg',
    '$5',
    '5%',
    '1,5',
    '1,23',
    '12,3456',
    '1.234,5',
    '0x10',
    'NaN',
    'Infinity',
    '1e400',
    '--1',
    '1 000',
  ])('keeps %j as given, with a message', (text) => {
    const result = convertValue(text, field('number'));
    expect(result.value).toBe(text);
    expect(result.message).toMatch(/is not a number/);
  });

  it('takes JSON numbers as they are and refuses booleans', () => {
    expect(convertValue(7.25, field('number'))).toEqual({ value: 7.25 });
    expect(convertValue(true, field('number'))).toEqual({ value: true, message: '"true" is not a number' });
    expect(parseNumber('')).toBeUndefined();
  });
});

describe('boolean values', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' Yes ', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('reads %j as %s', (text, expected) => {
    expect(convertValue(text, field('boolean'))).toEqual({ value: expected });
  });

  it('reads JSON booleans and the numbers 1 and 0; refuses anything else', () => {
    expect(convertValue(false, field('boolean'))).toEqual({ value: false });
    expect(convertValue(1, field('boolean'))).toEqual({ value: true });
    expect(convertValue(2, field('boolean')).message).toMatch(/not a boolean/);
    expect(convertValue('y', field('boolean'))).toMatchObject({ value: 'y', message: expect.any(String) });
  });
});

describe('date values', () => {
  it.each([
    ['2026-11-28', '2026-11-28'],
    ['2026/11/28', '2026-11-28'],
    ['2026/1/5', '2026-01-05'],
    ['28 Nov 2026', '2026-11-28'],
    ['28-Nov-2026', '2026-11-28'],
    ['Nov 28, 2026', '2026-11-28'],
    ['November 28 2026', '2026-11-28'],
    ['Sept 1, 2026', '2026-09-01'],
    ['2024-02-29', '2024-02-29'],
    ['2026-11-28T09:30', '2026-11-28T09:30:00'],
    ['2026-11-28 09:30:15.250', '2026-11-28T09:30:15.250'],
    ['2026-11-28T09:30:15Z', '2026-11-28T09:30:15Z'],
    ['2026-11-28T00:30:00+01:00', '2026-11-27T23:30:00Z'],
    ['2026-11-28T23:30:00-0530', '2026-11-29T05:00:00Z'],
    ['2026-11-28T09:30:15.123456Z', '2026-11-28T09:30:15.123Z'],
    ['0001-01-01', '0001-01-01'],
  ])('reads %j as %j', (text, expected) => {
    expect(convertValue(text, field('date'))).toEqual({ value: expected });
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-11-31',
    '2026-11-28T24:00',
    'tomorrow',
    '20261128',
    '28 Foo 2026',
  ])('refuses %j', (text) => {
    expect(convertValue(text, field('date'))).toMatchObject({
      value: text,
      message: expect.stringMatching(/not a date/),
    });
  });

  it('refuses day/month orders that differ by locale, saying why', () => {
    expect(parseDate('11/28/2026')).toBe('ambiguous');
    expect(convertValue('28/11/2026', field('date')).message).toMatch(/ambiguous.*YYYY-MM-DD/);
  });

  it('does not take numbers for dates (a spreadsheet serial is not a date)', () => {
    expect(convertValue(46000, field('date')).message).toMatch(/not a date/);
  });
});

describe('enum values', () => {
  const status = field('enum', { options: ['Active', 'On hold'] });

  it('matches options ignoring case and surrounding spaces, storing the option as written', () => {
    expect(convertValue(' active', status)).toEqual({ value: 'Active' });
    expect(convertValue('ON HOLD', status)).toEqual({ value: 'On hold' });
  });

  it('keeps another value as given, naming the options', () => {
    expect(convertValue('closed', status)).toEqual({
      value: 'closed',
      message: '"closed" is not one of: Active, On hold',
    });
  });
});

describe('string values and required fields', () => {
  it('keeps text exactly, and turns JSON scalars into text', () => {
    expect(convertValue('  spaced  ', field('string'))).toEqual({ value: '  spaced  ' });
    expect(convertValue('', field('string'))).toEqual({ value: '' });
    expect(convertValue(12, field('string'))).toEqual({ value: '12' });
    expect(convertValue(undefined, field('string'))).toEqual({ value: null });
  });

  it('reads blank text as no value for other types', () => {
    expect(convertValue('  ', field('number'))).toEqual({ value: null });
    expect(convertValue(null, field('date'))).toEqual({ value: null });
  });

  it('flags a required field without a value, keeping what was given', () => {
    expect(convertValue('', field('string', { required: true }))).toEqual({
      value: '',
      message: 'is required',
    });
    expect(convertValue(undefined, field('number', { required: true }))).toEqual({
      value: null,
      message: 'is required',
    });
  });

  it('writes values back as file cells', () => {
    expect([null, undefined, 'a', 1.5, true, false].map(valueText)).toEqual([
      '',
      '',
      'a',
      '1.5',
      'true',
      'false',
    ]);
  });
});

describe('records', () => {
  const fields: Field[] = [
    { key: 'name', type: 'string', required: true },
    { key: 'age', type: 'number' },
    { key: 'member', type: 'boolean' },
    { key: 'note', type: 'string' },
  ];
  const keys = fields.map((field) => field.key);
  const typed = (id: string, raw: unknown[]) => rowToRecord(keys, rowTyper(fields)(id, raw));

  it('makes a valid record without messages', () => {
    expect(rowTyper(fields)('r1', ['Ada', '36', 'yes', ' x '])).toEqual(['r1', 'Ada', 36, true, ' x ']);
    expect(typed('r1', ['Ada', '36', 'yes', ' x '])).toEqual({
      id: 'r1',
      values: { name: 'Ada', age: 36, member: true, note: ' x ' },
      valid: true,
    });
  });

  it('marks a record invalid with a message per field that does not fit', () => {
    expect(typed('r2', ['', 'old', undefined, ''])).toEqual({
      id: 'r2',
      values: { name: '', age: 'old', member: null, note: '' },
      valid: false,
      messages: { name: 'is required', age: '"old" is not a number' },
    });
  });

  it('converts what is not text in an optional text field as convertValue does', () => {
    const row = rowTyper(fields)('r3', ['Bo', 1, true, 12.5]);
    expect(row[4]).toBe(convertValue(12.5, fields[3] as Field).value);
    expect(rowTyper(fields)('r4', ['Bo', 1, true, undefined])[4]).toBeNull();
  });
});
