import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../../shared/formats/csv/delimiter.js';

const complete = { complete: true };

describe('detectDelimiter', () => {
  it('picks each candidate when it is the only one in use', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n', complete)).toBe(',');
    expect(detectDelimiter('a;b;c\n1;2;3\n', complete)).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n', complete)).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2|3\n', complete)).toBe('|');
  });

  it('picks the semicolon of a file with decimal commas, where the comma count varies by line', () => {
    expect(detectDelimiter('name;price\nbread;1,5\nmilk;2\ncheese;12,75\n', complete)).toBe(';');
  });

  it('does not count a delimiter inside quotes, even across a quoted line break', () => {
    expect(detectDelimiter('"a,b";"c,d"\n"1,\n2";x\n"3";y\n', complete)).toBe(';');
  });

  it('prefers the more consistent candidate over the more frequent one', () => {
    // Three commas on one line only, one pipe on every line.
    expect(detectDelimiter('id|note\n1|a, b, c, d\n2|e\n3|f\n', complete)).toBe('|');
  });

  it('breaks a tie in consistency by the higher count, so the finer split wins', () => {
    expect(detectDelimiter('a;b;c,d\n1;2;3,4\n', complete)).toBe(';');
  });

  it('breaks a full tie by the order , ; tab |', () => {
    expect(detectDelimiter('a,b;c\n1,2;3\n', complete)).toBe(',');
    expect(detectDelimiter('a|b\tc\n1|2\t3\n', complete)).toBe('\t');
  });

  it('keeps the real delimiter when a title line sits above the header', () => {
    expect(detectDelimiter('Sales report; Q3\na,b,c\n1,2,3\n4,5,6\n', complete)).toBe(',');
  });

  it('falls back to a comma for a one-column file', () => {
    expect(detectDelimiter('name\nalpha\nbeta\n', complete)).toBe(',');
    expect(detectDelimiter('', complete)).toBe(',');
  });

  it('ignores blank lines and CRLF line ends', () => {
    expect(detectDelimiter('a;b\r\n\r\n1;2\r\n\r\n3;4\r\n', complete)).toBe(';');
  });

  it('leaves out the cut-off last line of a partial sample, but uses it when it is the only line', () => {
    // `;` and `|` tie on the whole lines; the cut line, counted, would tip it to `|`.
    const sample = 'a;b|c\n1;2|3\n4|';
    expect(detectDelimiter(sample)).toBe(';');
    expect(detectDelimiter(sample, complete)).toBe('|');
    expect(detectDelimiter('a;b;c')).toBe(';');
  });

  it('looks at no more than maxLines lines', () => {
    const text = `a;b\n1;2\n${'x,y,z\n'.repeat(10)}`;
    expect(detectDelimiter(text, { complete: true, maxLines: 2 })).toBe(';');
    expect(detectDelimiter(text, complete)).toBe(',');
  });
});
