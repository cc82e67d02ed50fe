/** Files with planted invalid values and malformed rows, and what the rejected-rows report must list for them. */

export interface PlantedRow {
  kind: 'invalid' | 'rejected';
  line: number;
  field: string;
  value: string;
}

/**
 * A CSV of `count` people with planted bad values, blank lines, multi-line quoted names and
 * CRLF rows, and the invalid fields it holds with the line each row starts on.
 */
export function plantedCsv(count: number) {
  let text = 'id,name,age\n';
  let line = 2;
  const planted: PlantedRow[] = [];
  for (let i = 1; i <= count; i++) {
    if (i % 37 === 0) {
      text += '\n';
      line++;
    }
    let id = String(i);
    let name = `Person ${i}`;
    let age = String(20 + (i % 50));
    let breaks = 0;
    if (i % 25 === 0) {
      name = `"Multi\nline ${i}"`;
      breaks = 1;
    }
    if (i === 10) age = 'old';
    if (i === 50) [id, age] = ['x', 'y'];
    if (i === 130) age = '"1,5"';
    if (i === 10) planted.push({ kind: 'invalid', line, field: 'age', value: 'old' });
    if (i === 50)
      planted.push(
        { kind: 'invalid', line, field: 'id', value: 'x' },
        { kind: 'invalid', line, field: 'age', value: 'y' },
      );
    if (i === 130) planted.push({ kind: 'invalid', line, field: 'age', value: '1,5' });
    if (i === 75) {
      text += `${id},${name}\r\n`;
      planted.push({ kind: 'invalid', line, field: 'age', value: '' });
    } else {
      text += `${id},${name},${age}${i % 3 === 0 ? '\r\n' : '\n'}`;
    }
    line += 1 + breaks;
  }
  return { text, planted };
}

/**
 * NDJSON of people (`count` lines, blank ones among them) with lines that are no JSON object
 * and ages that are no number, and the report rows they make.
 */
export function plantedNdjson(count: number) {
  const lines: string[] = [];
  const expected: PlantedRow[] = [];
  for (let i = 1; i <= count; i++) {
    if (i % 30 === 0) {
      lines.push('');
      continue;
    }
    if (i % 17 === 0) {
      const bad = i % 2 === 0 ? `{"id": ${i}, "name": oops}` : `[${i}]`;
      lines.push(bad);
      expected.push({ kind: 'rejected', line: lines.length, field: '', value: bad });
      continue;
    }
    const age = i % 23 === 0 ? '"many"' : String(i);
    lines.push(`{"id":${i},"name":"P ${i}","age":${age}}`);
    if (i % 23 === 0) expected.push({ kind: 'invalid', line: lines.length, field: 'age', value: 'many' });
  }
  return { text: `${lines.join('\n')}\n`, expected };
}
