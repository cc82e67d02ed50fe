import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOBS_SERVICE_DEFAULTS } from '../../infra/props.js';

/** docs/deploy.md's props table: prop name → its default as written. */
function documentedDefaults(): Map<string, string> {
  const page = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
  const table = page.slice(page.indexOf('### Props'), page.indexOf('### What it creates'));
  const rows = new Map<string, string>();
  for (const [, name = '', defaultCell = ''] of table.matchAll(/^\| `(\w+)`\s*\| ([^|]*)\|/gm)) {
    rows.set(name, defaultCell.trim());
  }
  return rows;
}

describe("docs/deploy.md's props table", () => {
  const documented = documentedDefaults();

  it('lists every prop that has a default', () => {
    const missing = Object.keys(JOBS_SERVICE_DEFAULTS).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('states the default of every number, boolean and string prop as the construct sets it', () => {
    const wrong: string[] = [];
    for (const [name, value] of Object.entries(JOBS_SERVICE_DEFAULTS)) {
      const written = documented.get(name) ?? '';
      // Enum members read by their names: RemovalPolicy's by its constant; RetentionDays's
      // (a number of days) in words, which this test does not check.
      if (name === 'logRetention') continue;
      const expected =
        name === 'removalPolicy'
          ? `\`${String(value).toUpperCase()}\``
          : typeof value === 'number'
            ? String(value)
            : typeof value === 'boolean'
              ? `\`${value}\``
              : typeof value === 'string'
                ? `\`'${value}'\``
                : undefined;
      // Numbers may be written in a unit (32 MiB for 33554432): those read as the unit says.
      if (expected === undefined || (typeof value === 'number' && value >= 1024 * 1024)) continue;
      if (!written.startsWith(expected))
        wrong.push(`${name}: the docs say "${written}", the construct ${expected}`);
    }
    expect(wrong).toEqual([]);
  });
});
