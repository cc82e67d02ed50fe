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

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('The `next` cursor is not one this API returned.', {
    errors: [{ pointer: 'query.next', detail: 'unknown cursor' }],
  });
}

/** Which shard of a sparse index an id belongs to. */
export function shardOf(id: string, shards: number): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return String(Math.abs(hash) % shards);
}
