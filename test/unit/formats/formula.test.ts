import { describe, expect, it } from 'vitest';
import { escapeFormula } from '../../../shared/formats/formula.js';

/** The rule as README.md states it ("Formula escaping"), example by example. */
describe('formula escaping', () => {
  it('prefixes a quote to a cell that begins with = + - @ tab or CR', () => {
    expect(escapeFormula('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(escapeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeFormula('-2+3')).toBe("'-2+3");
    expect(escapeFormula('\tx')).toBe("'\tx");
    expect(escapeFormula('\rx')).toBe("'\rx");
  });

  it('leaves plain numbers as they are, and only those', () => {
    for (const number of ['-5', '+3', '-12.5', '-.5', '-1e6']) expect(escapeFormula(number)).toBe(number);
    for (const text of ['-5 ', '--5', '-0x10']) expect(escapeFormula(text)).toBe(`'${text}`);
  });

  it('changes nothing else', () => {
    for (const cell of ["'=x", 'a=b', '', 'plain']) expect(escapeFormula(cell)).toBe(cell);
  });
});
