/**
 * A CSV of people whose cells come in the forms a typed sheet must read (grouped numbers,
 * yes/no, dates in several spellings, enum values in any case), some that it must refuse,
 * and the hard CSV cases (quoted commas, quotes, line breaks). Each cell's expected typed
 * value is decided here, when the cell is made, not by the code under test.
 */
import type { FieldInput } from '../helpers/client.js';
import { prng } from '../helpers/csv.js';

export const TYPED_FIELDS: FieldInput[] = [
  { key: 'id', type: 'number', required: true },
  { key: 'name', label: 'Full name', type: 'string', required: true },
  { key: 'amount', label: 'Amount (EUR)', type: 'number' },
  { key: 'active', type: 'boolean' },
  { key: 'joined', label: 'Joined on', type: 'date' },
  { key: 'status', type: 'enum', options: ['Active', 'Pending', 'Closed'] },
];

export type Value = string | number | boolean | null;

export interface ExpectedRecord {
  values: Record<string, Value>;
  /** Fields whose value does not fit. */
  invalid: string[];
}

export interface TypedFixture {
  header: string[];
  /** The cells as text, as the file holds them. */
  rows: string[][];
  expected: ExpectedRecord[];
  text: string;
}

const NAMES = ['Ada', 'Grace', 'Zoë', 'Ōkubo', "O'Brien", 'Lin', 'Chidi', 'Anaïs'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

type Cell = [text: string, value: Value, fits: boolean];

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function generateTypedCsv(rowCount: number, seed = 3): TypedFixture {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const header = TYPED_FIELDS.map((f) => f.key);
  const rows: string[][] = [];
  const expected: ExpectedRecord[] = [];

  const name = (r: number): Cell => {
    const base = `${pick(NAMES)} ${r}`;
    const roll = random();
    if (roll < 0.02) return ['', '', false]; // required, missing
    if (roll < 0.1) return [`${base}, Jr.`, `${base}, Jr.`, true];
    if (roll < 0.15) return [`${base} "the" second`, `${base} "the" second`, true];
    if (roll < 0.2) return [`${base}\nline two`, `${base}\nline two`, true];
    return [base, base, true];
  };
  const amount = (): Cell => {
    const n = Math.round(random() * 400_000 - 100_000) / 100;
    const roll = random();
    if (roll < 0.03) return [`${n.toFixed(2)} EUR`, `${n.toFixed(2)} EUR`, false];
    if (roll < 0.08) return ['', null, true];
    if (roll < 0.3) {
      const text = n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return [text, n, true];
    }
    return [n.toFixed(2), n, true];
  };
  const active = (): Cell =>
    pick<Cell>([
      ['yes', true, true],
      ['No', false, true],
      ['TRUE', true, true],
      ['false', false, true],
      ['1', true, true],
      ['0', false, true],
      ['', null, true],
      ['maybe', 'maybe', false],
    ]);
  const joined = (): Cell => {
    const [y, m, d] = [
      1990 + Math.floor(random() * 40),
      1 + Math.floor(random() * 12),
      1 + Math.floor(random() * 28),
    ];
    const iso = `${y}-${pad(m)}-${pad(d)}`;
    const roll = random();
    if (roll < 0.03) return [`${pad(m)}/${pad(d)}/${y}`, `${pad(m)}/${pad(d)}/${y}`, false]; // ambiguous
    if (roll < 0.06) return ['', null, true];
    if (roll < 0.25) return [`${y}/${m}/${d}`, iso, true];
    if (roll < 0.4) return [`${d} ${MONTHS[m - 1]} ${y}`, iso, true];
    return [iso, iso, true];
  };
  const status = (): Cell => {
    const option = pick(['Active', 'Pending', 'Closed']);
    const roll = random();
    if (roll < 0.03) return ['archived', 'archived', false];
    if (roll < 0.3) return [option.toUpperCase(), option, true];
    if (roll < 0.5) return [` ${option.toLowerCase()}`, option, true];
    return [option, option, true];
  };

  for (let r = 0; r < rowCount; r++) {
    const cells: Cell[] = [[String(r), r, true], name(r), amount(), active(), joined(), status()];
    rows.push(cells.map(([text]) => text));
    expected.push({
      values: Object.fromEntries(header.map((key, i) => [key, (cells[i] as Cell)[1]])),
      invalid: header.filter((_, i) => !(cells[i] as Cell)[2]),
    });
  }
  const lines = [header.join(','), ...rows.map((row) => row.map(quote).join(','))];
  return { header, rows, expected, text: `${lines.join('\n')}\n` };
}
