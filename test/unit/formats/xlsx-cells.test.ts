import { describe, expect, it } from 'vitest';
import {
  decodeXString,
  encodeXString,
  excelDateText,
  isDateFormat,
} from '../../../shared/formats/xlsx/cells.js';
import { sheetNames } from '../../../shared/formats/xlsx/write.js';

describe('XLSX cell helpers', () => {
  it('tells date formats from number formats', () => {
    expect(isDateFormat('yyyy-mm-dd')).toBe(true);
    expect(isDateFormat('[$-409]h:mm AM/PM')).toBe(true);
    expect(isDateFormat('0.00')).toBe(false);
    expect(isDateFormat('"days"0')).toBe(false);
    expect(isDateFormat('General')).toBe(false);
  });

  it('converts serial days in both date systems, with milliseconds only when present', () => {
    expect(excelDateText(45352)).toBe('2024-03-01');
    expect(excelDateText(45352 - 1462, true)).toBe('2024-03-01');
    expect(excelDateText(45352.5)).toBe('2024-03-01T12:00:00');
    expect(excelDateText(45352 + 1.5 / 86400)).toBe('2024-03-01T00:00:01.500');
  });

  it('escapes what XML cannot hold as _xHHHH_ and reads it back, literal _xHHHH_ included', () => {
    const text = 'a\u0000b\rc\uFFFF\uD800 _x0041_ 😀';
    expect(encodeXString(text)).toBe('a_x0000_b_x000D_c_xFFFF__xD800_ _x005F_x0041_ 😀');
    expect(decodeXString(encodeXString(text))).toBe(text);
  });

  it('mends sheet names: forbidden characters, length, quotes, duplicates ignoring case', () => {
    expect(sheetNames(["'a:b'", 'x'.repeat(40), 'A_B', 'Sheet'])).toEqual([
      'a_b',
      'x'.repeat(31),
      'A_B (2)',
      'Sheet',
    ]);
  });
});
