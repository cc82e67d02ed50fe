/**
 * Flatfile-shaped blueprints, turned into partwise's own at the edge (docs/blueprints.md).
 * The request schemas (schemas.ts) accept both shapes, so that a problem is pointed at
 * where it lies in what the caller sent; what comes out of here is partwise's shape only:
 *
 * - a field's `constraints: [{type: "required"}]` → `required: true` (`unique` and others
 *   are refused by the schema: partwise does not enforce them);
 * - an enum field's `config.options: [{value, label}]` → `options: [value]` (as text);
 * - an action's `inputForm.type: "simple"` → the form without it (partwise has one kind);
 * - a sheet's `slug` is kept as it is.
 */
import type { z } from 'zod';
import type { Action } from '../domain/actions.js';
import type { Field } from '../domain/resources.js';
import type { CreateWorkbookBody, PatchWorkbookBody } from './schemas.js';

type WorkbookBody = z.infer<typeof CreateWorkbookBody>;
type PatchBody = z.infer<typeof PatchWorkbookBody>;
type ActionBody = NonNullable<WorkbookBody['actions']>[number];
type FieldBody = WorkbookBody['sheets'][number]['fields'][number];

/** A new workbook as partwise takes it: sheets without their ids yet. */
export interface WorkbookBlueprint {
  name: string;
  sheets: { name: string; slug?: string; fields: Field[]; actions?: Action[] }[];
  actions?: Action[];
}

/** A change of a workbook: its name, its actions, its sheets' actions (by sheet id). */
export interface WorkbookChange {
  name?: string;
  actions?: Action[];
  sheets?: { id: string; actions: Action[] }[];
}

/** A field in partwise's shape. */
export function fieldOf(body: FieldBody): Field {
  const { constraints, config, options, required, ...field } = body;
  const requiredByConstraint = constraints?.some((constraint) => constraint.type === 'required') ?? false;
  const values = options ?? config?.options.map((option) => String(option.value));
  return {
    ...field,
    ...(required !== undefined || requiredByConstraint
      ? { required: required === true || requiredByConstraint }
      : {}),
    ...(values ? { options: values } : {}),
  };
}

/** An action in partwise's shape. */
export function actionOf(body: ActionBody): Action {
  const { inputForm, ...action } = body;
  return { ...action, ...(inputForm ? { inputForm: { fields: inputForm.fields.map(fieldOf) } } : {}) };
}

/** A `POST /workbooks` body in partwise's shape. */
export function workbookBlueprint(body: WorkbookBody): WorkbookBlueprint {
  return {
    name: body.name,
    sheets: body.sheets.map((sheet) => ({
      name: sheet.name,
      ...(sheet.slug ? { slug: sheet.slug } : {}),
      fields: sheet.fields.map(fieldOf),
      ...(sheet.actions ? { actions: sheet.actions.map(actionOf) } : {}),
    })),
    ...(body.actions ? { actions: body.actions.map(actionOf) } : {}),
  };
}

/** A `PATCH /workbooks/:id` body in partwise's shape. */
export function workbookPatch(body: PatchBody): WorkbookChange {
  return {
    ...(body.name ? { name: body.name } : {}),
    ...(body.actions ? { actions: body.actions.map(actionOf) } : {}),
    ...(body.sheets
      ? { sheets: body.sheets.map((sheet) => ({ id: sheet.id, actions: sheet.actions.map(actionOf) })) }
      : {}),
  };
}
