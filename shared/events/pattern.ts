/**
 * Event patterns, the subset of EventBridge's matching that the local stack's webhooks
 * use: each pattern field is an array of allowed values or a nested pattern. A field
 * matches when the event's value there is one of the values (or, when the event holds
 * an array, any element is); every field must match; an empty pattern matches all.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */

export type PatternValue = string | number | boolean | null;
export interface EventPattern {
  [field: string]: PatternValue[] | EventPattern;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    if (!(field in event)) return false;
    const actual = event[field];
    if (!Array.isArray(expected)) return matchesPattern(expected, actual);
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => expected.includes(value as PatternValue));
  });
}

/**
 * What is wrong with a pattern, as `<path>: <problem>` lines; none when it is usable.
 * EventBridge's content filters (prefix, numeric, anything-but, …) are refused by name
 * rather than silently matching nothing.
 */
export function patternProblems(pattern: unknown, path = 'pattern'): string[] {
  if (!isObject(pattern)) return [`${path}: must be an object of fields`];
  return Object.entries(pattern).flatMap(([field, expected]) => {
    const at = `${path}.${field}`;
    if (isObject(expected)) return patternProblems(expected, at);
    if (!Array.isArray(expected)) return [`${at}: must be an array of allowed values or a nested pattern`];
    if (expected.length === 0) return [`${at}: an empty array matches nothing`];
    return expected.flatMap((value, i) =>
      value === null || ['string', 'number', 'boolean'].includes(typeof value)
        ? []
        : [`${at}[${i}]: only exact values are supported here (no content filters such as prefix)`],
    );
  });
}
