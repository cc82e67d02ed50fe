import { ValidationError } from '../../domain/errors.js';

/** Builds DynamoDB update expressions with every name and value behind a placeholder (no reserved-word surprises). */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private counter = 0;

  /** A placeholder for an attribute path such as `outbox.<id>` (each segment named separately). */
  name(path: string): string {
    return path
      .split('.')
      .map((segment) => {
        const placeholder = `#n${this.counter++}`;
        this.names[placeholder] = segment;
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${this.counter++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(path: string, value: unknown): this {
    if (value === undefined) return this.remove(path);
    this.sets.push(`${this.name(path)} = ${this.value(value)}`);
    return this;
  }

  setIfNotExists(path: string, value: unknown): this {
    const name = this.name(path);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
    return this;
  }

  remove(path: string): this {
    this.removes.push(this.name(path));
    return this;
  }

  add(path: string, value: unknown): this {
    this.adds.push(`${this.name(path)} ${this.value(value)}`);
    return this;
  }

  expression(): string {
    return [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  /** The parameters of an UpdateCommand (values omitted when there are none). */
  params(condition?: string) {
    return {
      UpdateExpression: this.expression(),
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** Opaque list cursors: the last returned item's key, base64url JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * The key a list's cursor must hold: each attribute of the list's key (the table's and its
 * index's), with the value it must have (`equals`: the partition of the caller's own
 * environment or job), or start with (`prefix`: an item of the listed kind), or any string.
 */
export type CursorShape = Record<string, { equals: string } | { prefix: string } | 'any'>;

/** Longest attribute value a cursor may hold: real keys hold ids and timestamps. */
const MAX_CURSOR_VALUE = 256;

function fits(value: unknown, rule: CursorShape[string]): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CURSOR_VALUE) return false;
  if (rule === 'any') return true;
  return 'equals' in rule ? value === rule.equals : value.startsWith(rule.prefix);
}

/**
 * The start key a cursor names, checked against the key shape of the list it is passed
 * to: DynamoDB refuses a start key of another shape (a 5xx), and one of the right shape
 * but another partition would read another environment's list. Anything else is a 400.
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: CursorShape,
): Record<string, string> | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const names = Object.keys(shape);
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === names.length
  ) {
    const key = Object.fromEntries(Object.entries(value));
    if (names.every((name) => fits(key[name], shape[name] ?? 'any'))) {
      return Object.fromEntries(names.map((name) => [name, String(key[name])]));
    }
  }
  throw new ValidationError('The `next` cursor is not one this list returned.', {
    errors: [{ path: ['query', 'next'], detail: 'unknown cursor' }],
  });
}

/** Which shard of a sparse index an id belongs to. */
export function shardOf(id: string, shards: number): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return String(Math.abs(hash) % shards);
}
