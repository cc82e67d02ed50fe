import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTarget } from '../helpers/stack.js';

const t = useTarget();

/** A workbook blueprint as Flatfile's API takes it (docs/blueprints.md). */
const FLATFILE = JSON.parse(readFileSync(join(import.meta.dirname, 'flatfile-blueprint.json'), 'utf8'));

describe('a Flatfile-shaped blueprint', () => {
  it('creates a workbook that reads back in partwise’s shape', async () => {
    // Act
    const created = await t.api.call('POST', '/workbooks', FLATFILE);

    // Assess
    expect(created.status).toBe(201);
    const read = await t.api.call('GET', String(created.headers.get('location')));
    expect(read.status).toBe(200);
    const workbook = read.body.data;
    expect(workbook).toMatchObject({ id: created.body.data.id, name: 'Contacts workbook' });
    const [contacts] = workbook.sheets;
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
    expect(contacts.actions).toEqual([FLATFILE.sheets[0].actions[0]]);
    expect(workbook.actions[0].inputForm).toEqual({
      fields: [
        { key: 'priority', label: 'Priority', type: 'enum', required: true, options: ['high', 'low'] },
        { key: 'note', label: 'Note', type: 'string' },
      ],
    });
    expect(JSON.stringify(workbook)).not.toMatch(/"constraints"|"config"/);

    // The action's form is what a job's input is checked against.
    const missing = await t.api.call('POST', '/jobs', {
      type: 'workbook',
      operation: 'submitActionFg',
      source: workbook.id,
      input: { note: 'no priority' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toContainEqual({ pointer: '/input/priority', detail: 'is required' });
  });

  it('refuses a unique constraint with a 400 that says partwise does not enforce uniqueness', async () => {
    const response = await t.api.call('POST', '/workbooks', {
      name: 'Unique',
      sheets: [
        { name: 'People', fields: [{ key: 'email', type: 'string', constraints: [{ type: 'unique' }] }] },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/does not enforce uniqueness/);
    expect(response.body.errors).toEqual([
      { pointer: '/sheets/0/fields/0/constraints/0/type', detail: expect.stringMatching(/uniqueness/) },
    ]);
  });
});
