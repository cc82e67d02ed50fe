/** Deterministic CSV fixtures with the hard cases: quoted commas, doubled quotes, newlines, CRLF, UTF-8. */

import { seededRandom } from '../../infra/local/faults.js';

/** A seeded pseudo-random source (the local stack's, for fault injection): the same seed, the same draws. */
export const prng = seededRandom;

const WORDS = [
  'alpha',
  'beta',
  'gamma',
  'café',
  'naïve',
  '漢字',
  'emoji 🎉',
  'x',
  'long text here',
  "O'Brien",
];

function cell(random: () => number, row: number, column: number): string {
  const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'w';
  switch (Math.floor(random() * 8)) {
    case 0:
      return `${word}, with a comma`;
    case 1:
      return `she said "${word}"`;
    case 2:
      return `line one\nline two ${row}`;
    case 3:
      return `crlf\r\ninside ${column}`;
    case 4:
      return '';
    default:
      return `${word} ${row}-${column}`;
  }
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface CsvFixture {
  header: string[];
  rows: string[][];
  text: string;
}

export function generateCsv(
  rowCount: number,
  seed = 1,
  options: { crlf?: boolean; bom?: boolean } = {},
): CsvFixture {
  const random = prng(seed);
  const header = ['id', 'Full Name', 'note', 'amount'];
  const newline = options.crlf ? '\r\n' : '\n';
  const rows: string[][] = [];
  const lines: string[] = [header.join(',')];
  for (let r = 0; r < rowCount; r++) {
    const row = [String(r), cell(random, r, 1), cell(random, r, 2), (random() * 1000).toFixed(2)];
    rows.push(row);
    lines.push(row.map(quote).join(','));
  }
  return { header, rows, text: `${options.bom ? '\uFEFF' : ''}${lines.join(newline)}${newline}` };
}

/**
 * `generateCsv`'s rows with a fifth column, `size`, that holds a `"` in an unquoted cell
 * (`3" x 5"`), and every 5,000 rows (from row 17) a quoted note of 150 KB of line breaks:
 * large enough to run across the start of a range or a part of 256 KiB. The same seed gives
 * the same first rows whatever `rowCount`.
 */
export function generateCsvWithLongCells(rowCount: number, seed = 7): CsvFixture {
  const base = generateCsv(rowCount, seed);
  const header = [...base.header, 'size'];
  const rows = base.rows.map((row, r) => {
    const note = r % 5000 === 17 ? 'para\n'.repeat(30_000) : (row[2] ?? '');
    return [row[0] ?? '', row[1] ?? '', note, row[3] ?? '', `${r % 13}" x ${r % 7}"`];
  });
  const lines = [header.join(','), ...rows.map((row) => [...row.slice(0, 4).map(quote), row[4]].join(','))];
  return { header, rows, text: `${lines.join('\n')}\n` };
}
