import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fieldKeys,
  indexOf,
  RUN_SPAN,
  recordId,
  recordToRow,
  rowIsValid,
  rowToRecord,
  runOf,
  type SheetRecord,
  segmentOrdinal,
} from '../../../shared/domain/resources.js';

describe('records as segments store them', () => {
  const keys = ['name', 'age'];

  it('stores a valid record as its id and values in the order of the keys', () => {
    const record: SheetRecord = { id: '1.0.0', values: { age: 36, name: 'Ada' }, valid: true };

    expect(recordToRow(keys, record)).toEqual(['1.0.0', 'Ada', 36]);
    expect(rowToRecord(keys, ['1.0.0', 'Ada', 36])).toEqual(record);
    expect(rowIsValid(keys, ['1.0.0', 'Ada', 36])).toBe(true);
  });

  it('stores an invalid record with its messages after the values', () => {
    const record: SheetRecord = {
      id: '1.0.1',
      values: { name: 'Grace', age: 'old' },
      valid: false,
      messages: { age: '"old" is not a number' },
    };

    const row = recordToRow(keys, record);

    expect(row).toEqual(['1.0.1', 'Grace', 'old', { age: '"old" is not a number' }]);
    expect(rowToRecord(keys, row)).toEqual(record);
    expect(rowIsValid(keys, row)).toBe(false);
  });

  it('gives a key the record lacks no value, and reads a short row as such', () => {
    expect(recordToRow(keys, { id: 'r', values: { name: 'Lin' }, valid: true })).toEqual(['r', 'Lin', null]);
    expect(rowToRecord(keys, ['r', 'Lin'])).toEqual({
      id: 'r',
      values: { name: 'Lin', age: null },
      valid: true,
    });
    expect(recordToRow(keys, { id: 'r', values: {}, valid: false })).toEqual(['r', null, null, {}]);
  });

  it('turns any record into a row and back unchanged (property)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 6 }),
        fc.array(value, { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        (fields, cells, valid) => {
          const values = Object.fromEntries(fields.map((field, i) => [field, cells[i] ?? null]));
          const record: SheetRecord = valid
            ? { id: 'id', values, valid }
            : { id: 'id', values, valid, messages: { [fields[0] as string]: 'bad' } };
          expect(rowToRecord(fields, recordToRow(fields, record))).toEqual(record);
        },
      ),
    );
  });
});

describe('segment ordinals and record ids', () => {
  it('orders the segments of one run after those of the runs before it', () => {
    expect(segmentOrdinal(1, 0)).toBe(RUN_SPAN);
    expect(segmentOrdinal(2, 5)).toBe(2 * RUN_SPAN + 5);
    expect(segmentOrdinal(1, RUN_SPAN - 1)).toBeLessThan(segmentOrdinal(2, 0));
    expect(runOf(segmentOrdinal(7, 123))).toBe(7);
    expect(indexOf(segmentOrdinal(7, 123))).toBe(123);
    expect(runOf(RUN_SPAN - 1)).toBe(0);
  });

  it('names a record by where it was first written, in base 36', () => {
    expect(recordId(segmentOrdinal(1, 0), 0)).toBe('1.0.0');
    expect(recordId(segmentOrdinal(36, 35), 37)).toBe('10.z.11');
  });

  it('gives every row of every segment its own id (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 99_999 }), fc.nat(5000)),
          { selector: ([run, index, row]) => `${run}/${index}/${row}`, maxLength: 50 },
        ),
        (places) => {
          const ids = places.map(([run, index, row]) => recordId(segmentOrdinal(run, index), row));
          expect(new Set(ids).size).toBe(ids.length);
        },
      ),
    );
  });
});

describe('field keys from a header', () => {
  it('lower-cases, drops accents and joins words with _', () => {
    expect(fieldKeys(['Full Name', 'e-mail', 'Café', '  Amount (EUR) ', 'ÅNGSTRÖM'])).toEqual([
      'full_name',
      'e_mail',
      'cafe',
      'amount_eur',
      'angstrom',
    ]);
  });

  it('names a cell with no letters or digits by its column', () => {
    expect(fieldKeys(['', '---', 'x', '  '])).toEqual(['column_1', 'column_2', 'x', 'column_4']);
  });

  it('keeps keys unique, numbering repeats from 2', () => {
    expect(fieldKeys(['Name', 'name', 'NAME', 'other'])).toEqual(['name', 'name_2', 'name_3', 'other']);
  });
});

describe('a field named __proto__', () => {
  it('is a field like any other, both ways', () => {
    const keys = ['__proto__', 'name'];
    const record = rowToRecord(keys, ['id', 'x', 'Ada']);
    expect(Object.hasOwn(record.values, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(record.values)).toBe(Object.prototype);
    expect(recordToRow(keys, record)).toEqual(['id', 'x', 'Ada']);
    // A record without the field gives null, not Object.prototype.
    expect(recordToRow(keys, { id: 'id', values: { name: 'Ada' }, valid: true })).toEqual([
      'id',
      null,
      'Ada',
    ]);
  });
});
