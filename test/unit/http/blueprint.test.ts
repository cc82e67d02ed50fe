import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workbookBlueprint, workbookPatch } from '../../../shared/http/blueprint.js';
import { publicFieldError, zodErrors } from '../../../shared/http/problem.js';
import { CreateWorkbookBody, PatchWorkbookBody } from '../../../shared/http/schemas.js';

const FLATFILE = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'e2e', 'flatfile-blueprint.json'), 'utf8'),
);

/** What a refused body answers: the pointers and details of its problem. */
function refusal(body: unknown) {
  const parsed = CreateWorkbookBody.safeParse(body);
  if (parsed.success) throw new Error('expected the body to be refused');
  return zodErrors(parsed.error, 'body').map(publicFieldError);
}

const sheet = (fields: unknown[]) => ({ name: 'Book', sheets: [{ name: 'People', fields }] });

describe('a Flatfile-shaped blueprint', () => {
  it('becomes partwise’s own shape: required, enum options, simple forms, slugs', () => {
    const blueprint = workbookBlueprint(CreateWorkbookBody.parse(FLATFILE));

    const [contacts] = blueprint.sheets;
    expect(contacts?.slug).toBe('contacts');
    expect(contacts?.fields.find((f) => f.key === 'email')).toEqual({
      key: 'email',
      type: 'string',
      label: 'Email',
      description: "The contact's work email",
      required: true,
    });
    expect(contacts?.fields.find((f) => f.key === 'status')).toEqual({
      key: 'status',
      type: 'enum',
      label: 'Status',
      required: true,
      options: ['active', 'inactive'],
    });
    expect(contacts?.fields.find((f) => f.key === 'firstName')).toEqual({
      key: 'firstName',
      type: 'string',
      label: 'First Name',
    });
    expect(blueprint.actions?.[0]?.inputForm).toEqual({
      fields: [
        { key: 'priority', label: 'Priority', type: 'enum', required: true, options: ['high', 'low'] },
        { key: 'note', label: 'Note', type: 'string' },
      ],
    });
    expect(JSON.stringify(blueprint)).not.toMatch(/"constraints"|"config"|"simple"/);
  });

  it('keeps a blueprint in partwise’s own shape as it is', () => {
    const ours = {
      name: 'Book',
      sheets: [
        {
          name: 'People',
          fields: [
            { key: 'name', type: 'string', required: true },
            { key: 'size', type: 'enum', options: ['S', 'M'], required: false },
          ],
          actions: [
            { operation: 'submit', label: 'Submit', inputForm: { fields: [{ key: 'n', type: 'number' }] } },
          ],
        },
      ],
    };
    expect(workbookBlueprint(CreateWorkbookBody.parse(ours))).toEqual(ours);
  });

  it('takes option values that are numbers or booleans as text', () => {
    const blueprint = workbookBlueprint(
      CreateWorkbookBody.parse(
        sheet([
          { key: 'n', type: 'enum', config: { options: [{ value: 1 }, { value: true, label: 'Yes' }] } },
        ]),
      ),
    );
    expect(blueprint.sheets[0]?.fields[0]?.options).toEqual(['1', 'true']);
  });

  it('refuses a unique constraint, saying partwise does not enforce uniqueness, where it lies', () => {
    expect(refusal(sheet([{ key: 'email', type: 'string', constraints: [{ type: 'unique' }] }]))).toEqual([
      {
        pointer: '/sheets/0/fields/0/constraints/0/type',
        detail: expect.stringMatching(/^partwise does not enforce uniqueness/),
      },
    ]);
    expect(refusal(sheet([{ key: 'x', type: 'string', constraints: [{ type: 'computed' }] }]))).toEqual([
      { pointer: '/sheets/0/fields/0/constraints/0/type', detail: expect.stringMatching(/only "required"/) },
    ]);
  });

  it('refuses options given twice, an enum without any, a form of another type and repeated slugs', () => {
    expect(
      refusal(sheet([{ key: 's', type: 'enum', options: ['a'], config: { options: [{ value: 'a' }] } }])),
    ).toEqual([{ pointer: '/sheets/0/fields/0/config', detail: expect.stringMatching(/once/) }]);
    expect(refusal(sheet([{ key: 's', type: 'enum', config: { options: [] } }]))).toContainEqual({
      pointer: '/sheets/0/fields/0/config/options',
      detail: expect.any(String),
    });
    expect(
      refusal({
        ...sheet([{ key: 'a', type: 'string' }]),
        actions: [{ operation: 'go', label: 'Go', inputForm: { type: 'modal', fields: [] } }],
      }),
    ).toEqual([{ pointer: '/actions/0/inputForm/type', detail: expect.stringMatching(/"simple"/) }]);
    const fields = [{ key: 'a', type: 'string' }];
    expect(
      refusal({
        name: 'Book',
        sheets: [
          { name: 'A', slug: 'same', fields },
          { name: 'B', slug: 'same', fields },
        ],
      }),
    ).toEqual([{ pointer: '/sheets', detail: 'sheet slugs must be unique within a workbook' }]);
  });

  it('turns the actions of a PATCH into partwise’s shape too', () => {
    const patch = workbookPatch(
      PatchWorkbookBody.parse({
        sheets: [
          {
            id: 'sh_1',
            actions: [
              {
                operation: 'go',
                label: 'Go',
                inputForm: {
                  type: 'simple',
                  fields: [{ key: 'why', type: 'string', constraints: [{ type: 'required' }] }],
                },
              },
            ],
          },
        ],
      }),
    );
    expect(patch).toEqual({
      sheets: [
        {
          id: 'sh_1',
          actions: [
            {
              operation: 'go',
              label: 'Go',
              inputForm: { fields: [{ key: 'why', type: 'string', required: true }] },
            },
          ],
        },
      ],
    });
  });
});

describe('field keys', () => {
  it('refuses __proto__, which JavaScript objects take as their prototype, and takes _proto_', () => {
    expect(refusal(sheet([{ key: '__proto__', type: 'string' }]))).toEqual([
      expect.objectContaining({
        pointer: '/sheets/0/fields/0/key',
        detail: expect.stringMatching(/cannot be __proto__/),
      }),
    ]);
    expect(CreateWorkbookBody.safeParse(sheet([{ key: '_proto_', type: 'string' }])).success).toBe(true);
  });
});
