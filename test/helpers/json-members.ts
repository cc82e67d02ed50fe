/**
 * Members of JSON the OpenAPI document leaves open (a job's `outcome` is the operation's, or
 * the executor's, own), read by path and narrowed by checking them, not by a cast.
 */
type Path = (string | number)[];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The member at `path` (object keys, array indexes); undefined where the path leads nowhere. */
export function memberAt(value: unknown, ...path: Path): unknown {
  let here = value;
  for (const key of path) {
    if (!isObject(here)) return undefined;
    here = here[String(key)];
  }
  return here;
}

function describe(value: unknown, path: Path): string {
  return `${path.join('.')} is ${JSON.stringify(memberAt(value, ...path)) ?? 'undefined'}`;
}

/** The string at `path`; throws, naming the path and what is there, when it is no string. */
export function stringAt(value: unknown, ...path: Path): string {
  const member = memberAt(value, ...path);
  if (typeof member !== 'string') throw new Error(`expected a string: ${describe(value, path)}`);
  return member;
}

/** The number at `path`; throws, naming the path and what is there, when it is no number. */
export function numberAt(value: unknown, ...path: Path): number {
  const member = memberAt(value, ...path);
  if (typeof member !== 'number') throw new Error(`expected a number: ${describe(value, path)}`);
  return member;
}

/** The array at `path`; throws, naming the path and what is there, when it is no array. */
export function arrayAt(value: unknown, ...path: Path): unknown[] {
  const member = memberAt(value, ...path);
  if (!Array.isArray(member)) throw new Error(`expected an array: ${describe(value, path)}`);
  return member;
}
