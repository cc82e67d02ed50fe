import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyOf, type CreateWorkbookBody, problemOf, sheetOf } from '../helpers/client.js';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();

/** A workbook blueprint as Flatfile's API takes it (docs/blueprints.md). */
const FLATFILE: CreateWorkbookBody = JSON.parse(
  readFileSync(join(import.meta.dirname, 'flatfile-blueprint.json'), 'utf8'),
);

describe('a Flatfile-shaped blueprint', () => {
  it('creates a workbook that reads back in partwise’s shape', async () => {
    // Act
    const { api } = t.client;
    const created = await api.POST('/workbooks', { body: FLATFILE });

    // Assess
    const id = bodyOf(created, 201).data.id;
    expect(created.response.headers.get('location')).toBe(`/workbooks/${id}`);
    const workbook = bodyOf(await api.GET('/workbooks/{id}', { params: { path: { id } } }), 200).data;
    expect(workbook).toMatchObject({ id, name: 'Contacts workbook' });
    const contacts = sheetOf(workbook);
    expect(contacts).toMatchObject({ name: 'Contacts', slug: 'contacts' });
    expect(contacts.fields).toHaveLength(7);
    expect(contacts.fields).toContainEqual({
      key: 'email',
      type: 'string',
      label: 'Email',
      description: "The contact's work email",
      required: true,
    });
    expect(contacts.fields).toContainEqual({
      key: 'status',
      type: 'enum',
      label: 'Status',
      required: true,
      options: ['active', 'inactive'],
    });
    expect(contacts.actions).toEqual([FLATFILE.sheets[0]?.actions?.[0]]);
    expect(workbook.actions?.[0]?.inputForm).toEqual({
      fields: [
        { key: 'priority', label: 'Priority', type: 'enum', required: true, options: ['high', 'low'] },
        { key: 'note', label: 'Note', type: 'string' },
      ],
    });
    expect(JSON.stringify(workbook)).not.toMatch(/"constraints"|"config"/);

    // The action's form is what a job's input is checked against.
    const missing = await api.POST('/jobs', {
      body: {
        type: 'workbook',
        operation: 'submitActionFg',
        source: workbook.id,
        input: { note: 'no priority' },
      },
    });
    expect(problemOf(missing, 400).errors).toContainEqual({
      pointer: '/input/priority',
      detail: 'is required',
    });
  });

  it('refuses a unique constraint with a 400 that says partwise does not enforce uniqueness', async () => {
    const response = await t.client.api.POST('/workbooks', {
      body: {
        name: 'Unique',
        sheets: [
          { name: 'People', fields: [{ key: 'email', type: 'string', constraints: [{ type: 'unique' }] }] },
        ],
      },
    });
    const problem = problemOf(response, 400);
    expect(problem.detail).toMatch(/does not enforce uniqueness/);
    expect(problem.errors).toEqual([
      { pointer: '/sheets/0/fields/0/constraints/0/type', detail: expect.stringMatching(/uniqueness/) },
    ]);
  });
});
