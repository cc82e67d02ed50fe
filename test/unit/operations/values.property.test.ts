import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil } from '../../../shared/domain/dates.js';
import { FIELD_TYPES, type Field } from '../../../shared/domain/resources.js';
import { convertValue, rowTyper, valueText } from '../../../shared/domain/values.js';

const field = (type: Field['type'], extra: Partial<Field> = {}): Field => ({ key: 'f', type, ...extra });
const runs = { numRuns: 2000 };

/** Day counts of years 0000–9999. */
const days = fc.integer({ min: daysFromCivil(0, 1, 1), max: daysFromCivil(9999, 12, 31) });

describe('values, for any input', () => {
  it('numbers survive number → text → number (the text an export writes)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(convertValue(valueText(n), field('number'))).toEqual({ value: n + 0 });
      }),
      runs,
    );
  });

  it('plain decimals read as JavaScript reads them, to the last bit (the short ones without Number())', () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), digits(18), fc.option(digits(18), { nil: undefined }))
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}`)
      .filter((text) => /\d/.test(text));
    fc.assert(
      fc.property(decimal, (text) => {
        expect(convertValue(text, field('number'))).toEqual({ value: Number(text) + 0 });
      }),
      { numRuns: 20_000 },
    );
  });

  it('integers survive en-US grouping (1,234,567)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(convertValue(n.toLocaleString('en-US'), field('number'))).toEqual({ value: n + 0 });
      }),
      runs,
    );
  });

  it('booleans survive boolean → text → boolean, in any letter case', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (b, upper) => {
        const text = upper ? valueText(b).toUpperCase() : valueText(b);
        expect(convertValue(text, field('boolean'))).toEqual({ value: b });
      }),
    );
  });

  it('calendar arithmetic is its own inverse', () => {
    fc.assert(
      fc.property(days, (d) => {
        const { year, month, day } = civilFromDays(d);
        expect(daysFromCivil(year, month, day)).toBe(d);
      }),
      runs,
    );
  });

  it('dates and UTC date-times agree with JavaScript and survive a round trip', () => {
    const epochMs = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });
    fc.assert(
      fc.property(epochMs, (ms) => {
        const iso = new Date(ms).toISOString(); // always with milliseconds
        const stored = convertValue(iso, field('date')).value as string;
        expect(Date.parse(stored)).toBe(ms);
        expect(convertValue(stored, field('date'))).toEqual({ value: stored });
        const date = iso.slice(0, 10);
        expect(convertValue(date, field('date'))).toEqual({ value: date });
        expect(convertValue(date.replaceAll('-', '/'), field('date'))).toEqual({ value: date });
      }),
      runs,
    );
  });

  it('a date-time with an offset is the same instant in UTC', () => {
    const offsets = fc.integer({ min: -14 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9000, 0, 1) }),
        offsets,
        (ms, minutes) => {
          const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 19);
          const sign = minutes < 0 ? '-' : '+';
          const abs = Math.abs(minutes);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const stored = convertValue(`${local}${zone}`, field('date')).value as string;
          expect(Date.parse(stored)).toBe(Math.floor(ms / 1000) * 1000);
        },
      ),
      runs,
    );
  });

  it('enum options match whatever the letter case and surrounding spaces', () => {
    const word = fc
      .string({ unit: fc.constantFrom(...'abcdeXYZ -'), minLength: 1, maxLength: 8 })
      .filter((w) => w.trim() !== '');
    const options = fc.uniqueArray(word, {
      minLength: 1,
      maxLength: 5,
      selector: (w) => w.trim().toLowerCase(),
    });
    fc.assert(
      fc.property(options, fc.nat(), fc.array(fc.boolean(), { maxLength: 8 }), (list, pick, upper) => {
        const option = list[pick % list.length] as string;
        const mangled = [...option].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('');
        expect(convertValue(` ${mangled} `, field('enum', { options: list }))).toEqual({ value: option });
      }),
      runs,
    );
  });

  it('converting never throws, and a stored value converts to itself (canonical forms are fixpoints)', () => {
    const raw = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const anyField = fc.record({
      type: fc.constantFrom(...FIELD_TYPES),
      required: fc.boolean(),
    });
    fc.assert(
      fc.property(raw, anyField, (value, { type, required }) => {
        const typed = field(type, { required, ...(type === 'enum' ? { options: ['a', 'B'] } : {}) });
        const first = convertValue(value, typed);
        const again = convertValue(first.value, typed);
        expect(again.value).toEqual(first.value);
        expect(again.message === undefined).toBe(first.message === undefined);
      }),
      runs,
    );
  });

  it("a row's values and messages are each cell's conversion (text cells that fit take a shorter way)", () => {
    const cellText = fc.oneof(
      fc.string(),
      fc.constantFrom(
        ' ',
        '1',
        ' 1,000 ',
        '-0',
        'TRUE',
        'yes ',
        'No',
        '2026-11-28',
        '2026-02-30',
        ' 2024-02-29',
      ),
      fc.constantFrom(
        '2026-1-28',
        '20261-1-28',
        '2026/11/28',
        '11/28/2026',
        '28 Nov 2026',
        'Active',
        'active',
        ' b ',
      ),
    );
    const raw = fc.oneof(cellText, fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const anyField = fc.record({
      type: fc.constantFrom(...FIELD_TYPES),
      required: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(anyField, raw), { minLength: 1, maxLength: 6 }), (cells) => {
        const fields = cells.map(([{ type, required }], i) =>
          field(type, {
            key: `f${i}`,
            required,
            ...(type === 'enum' ? { options: ['Active', 'b', 'ACTIVE'] } : {}),
          }),
        );
        const row = rowTyper(fields)(
          'r1',
          cells.map(([, value]) => value),
        );
        const conversions = fields.map((f, i) => convertValue(cells[i]?.[1], f));
        const messages = Object.fromEntries(
          conversions.flatMap((c, i) => (c.message === undefined ? [] : [[`f${i}`, c.message]])),
        );
        expect(row).toEqual([
          'r1',
          ...conversions.map((c) => c.value),
          ...(Object.keys(messages).length > 0 ? [messages] : []),
        ]);
      }),
      runs,
    );
  });
});
