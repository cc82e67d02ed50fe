/** What the plan-review suites share: a sheet of people, a CSV of them, and a problem's detail. */
import type { Problem } from 'partwise/client';
import { expect } from 'vitest';
import { bodyOf, type FieldInput, problemOf, sheetOf, type TestClient } from '../helpers/client.js';

export const byId = (id: string) => ({ params: { path: { id } } });

const FIELDS: FieldInput[] = [
  { key: 'name', label: 'Full name', type: 'string', required: true },
  { key: 'email', type: 'string', required: true },
  { key: 'age', type: 'number' },
  { key: 'joined', type: 'date' },
];

/** `Mail` matches no field by name, `Notes` none at all; row 3 has a bad age, row 5 an ambiguous date. */
export function peopleCsv(rows: number, delimiter = ',') {
  const lines = [['Full name', 'Mail', 'Age', 'Joined', 'Notes'].join(delimiter)];
  for (let i = 1; i <= rows; i++) {
    const age = i === 3 ? 'old' : String(20 + i);
    const joined = i === 5 ? '11/28/2026' : `2026-01-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push([`Person ${i}`, `p${i}@example.com`, age, joined, `note ${i}`].join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}

export function expectProblem(
  answer: { error?: Problem; response: Response },
  status: number,
  detail: RegExp,
) {
  expect(problemOf(answer, status).detail).toMatch(detail);
}

export async function peopleSheet(client: TestClient) {
  const workbook = await client.api.POST('/workbooks', {
    body: { name: 'Contacts', sheets: [{ name: 'People', fields: FIELDS }] },
  });
  return sheetOf(bodyOf(workbook, 201).data).id;
}
