/** A map's plan, reviewed over HTTP before it runs (docs/plan.md, "Map"). */
import { describe, expect, it } from 'vitest';
import { bodyOf, hasEnded, sheetOf } from '../helpers/client.js';
import { useTarget } from '../helpers/stack.js';
import { byId, expectProblem, peopleCsv, peopleSheet } from './plan-review.steps.js';

const t = useTarget();

describe('reviewing a map’s plan before execute', () => {
  it('shows which source field fills each destination field, and the first records mapped and typed', async () => {
    // Prepare: a sheet of 3 people, and a workbook to map them into.
    const { api } = t.client;
    const sourceSheet = await peopleSheet(t.client);
    const file = await t.client.uploadByUrl('people.csv', peopleCsv(3));
    const extract = await api.POST('/jobs', {
      body: {
        type: 'file',
        operation: 'extract',
        source: file.id,
        destination: sourceSheet,
        config: { mapping: { Mail: 'email' } },
        trigger: 'immediate',
      },
    });
    expect((await t.client.pollJob(bodyOf(extract, 201).data.id, hasEnded)).status).toBe('COMPLETED');
    const copy = await api.POST('/workbooks', {
      body: {
        name: 'Copy',
        sheets: [
          {
            name: 'Copy',
            fields: [
              { key: 'full', type: 'string', required: true },
              { key: 'years', type: 'number' },
              { key: 'extra', type: 'string' },
            ],
          },
        ],
      },
    });
    const destination = bodyOf(copy, 201).data;
    const created = await api.POST('/jobs', {
      body: {
        type: 'sheet',
        operation: 'map',
        source: sourceSheet,
        destination: destination.id,
        config: {
          mappings: [{ sourceSheet, destinationSheet: 'Copy', fields: { full: 'name', years: 'age' } }],
        },
      },
    });
    const job = await t.client.pollJob(bodyOf(created, 201).data.id, (j) => j.status !== 'PLANNING');
    expect(job.status).toBe('READY');

    // Act
    const plan = bodyOf(await api.GET('/jobs/{id}/plan', byId(job.id)), 200).data;

    // Assess
    if (plan.operation !== 'map') throw new Error(`a ${plan.operation} plan`);
    expect(plan).toMatchObject({ jobId: job.id, status: 'READY', parts: { count: job.parts } });
    expect(plan.mappings).toHaveLength(1);
    expect(plan.mappings[0]).toMatchObject({
      sourceSheet: { id: sourceSheet, name: 'People' },
      destinationSheet: { id: sheetOf(destination).id, name: 'Copy', workbookId: destination.id },
      fields: [
        { field: 'full', type: 'string', required: true, from: 'name' },
        { field: 'years', type: 'number', required: false, from: 'age' },
        { field: 'extra', type: 'string', required: false, from: null },
      ],
      unmappedDestinationFields: ['extra'],
      missingRequiredFields: [],
      unusedSourceFields: ['email', 'joined'],
      replacesEarlierMap: false,
      sample: { more: false },
    });
    expect(
      plan.mappings[0]?.sample.rows.map((row) => [row.row, row.values.full, row.values.years, row.valid]),
    ).toEqual([
      [1, 'Person 1', 21, true],
      [2, 'Person 2', 22, true],
      [3, 'Person 3', 'old', false],
    ]);
    expectProblem(
      await api.PATCH('/jobs/{id}/plan', { ...byId(job.id), body: { mapping: {} } }),
      400,
      /A map's field mapping is set when the job is created/,
    );
  });
});
