/**
 * Fidelity on the way out: a typed sheet exported in each format and extracted back into a
 * sheet of the same fields gives back the same values, valid and invalid alike — and JSON
 * and NDJSON exports write numbers and booleans as JSON numbers and booleans.
 */
import { describe, expect, it } from 'vitest';
import { useTarget } from '../helpers/stack.js';
import { TYPED_FIELDS } from './data-plane.fixture.js';
import { dataPlaneSteps } from './data-plane.steps.js';

const context = useTarget();
const { runJob, typedWorkbook, download, smallTypedSheet } = dataPlaneSteps(() => context.api);
const KEYS = TYPED_FIELDS.map((f) => f.key);

describe('export, then extract the export', () => {
  it('gives back every value of the typed sheet, in CSV, TSV, NDJSON, JSON and XLSX', async () => {
    // Prepare: a typed sheet of 300 people, a few of them invalid (kept as given, with messages)
    const { sheetId } = await smallTypedSheet(300);
    const original = await context.api.allRecords(sheetId);
    expect(original.some((r) => !r.valid)).toBe(true);
    const valuesOf = (records: { values: Record<string, unknown>; valid: boolean }[]) =>
      records.map((r) => [KEYS.map((k) => r.values[k] ?? null), r.valid]);

    for (const format of ['csv', 'tsv', 'ndjson', 'json', 'xlsx']) {
      // Act
      const exported = await runJob({
        type: 'sheet',
        operation: 'export',
        source: sheetId,
        config: { format },
      });
      const back = await typedWorkbook(`Back from ${format}`);
      const extracted = await runJob({
        type: 'file',
        operation: 'extract',
        source: exported.destination,
        destination: back.id,
      });
      // Assess
      expect(extracted.outcome, format).toMatchObject({
        records: 300,
        unmatchedColumns: [],
        missingFields: [],
        ledger: { rowsRead: 300, rowsRejected: 0 },
      });
      expect(valuesOf(await context.api.allRecords(back.sheets[0].id)), format).toEqual(valuesOf(original));
    }
  }, 180_000);

  it('writes typed values with their JSON types in JSON and NDJSON', async () => {
    const { sheetId } = await smallTypedSheet(50);
    const original = await context.api.allRecords(sheetId);
    const valid = original.filter((r) => r.valid);
    for (const format of ['json', 'ndjson']) {
      const exported = await runJob({
        type: 'sheet',
        operation: 'export',
        source: sheetId,
        config: { format },
      });
      const text = await download(exported.destination);
      const objects: Record<string, unknown>[] =
        format === 'json'
          ? JSON.parse(text)
          : text
              .trimEnd()
              .split('\n')
              .map((line) => JSON.parse(line));
      const byId = new Map(objects.map((o) => [o.id, o]));
      for (const record of valid) {
        const object = byId.get(record.values.id);
        expect(typeof object?.amount === 'number' || object?.amount === null, format).toBe(true);
        expect(typeof object?.active === 'boolean' || object?.active === null, format).toBe(true);
        expect(object, format).toEqual(Object.fromEntries(KEYS.map((k) => [k, record.values[k] ?? null])));
      }
    }
  }, 120_000);
});
