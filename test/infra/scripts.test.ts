/**
 * The npm scripts run from a fresh clone, where no `dist/` was built: a script that runs the
 * sources through tsx must resolve the package's own exports (`partwise/client`, which the
 * benches and the chaos suite import through test/helpers) to their sources.
 */
import { describe, expect, it } from 'vitest';
import manifest from '../../package.json' with { type: 'json' };

describe('the npm scripts', () => {
  it('resolve partwise/* to the sources in every script that runs TypeScript through tsx', () => {
    const throughTsx = Object.entries(manifest.scripts).filter(([, command]) =>
      command.includes('--import tsx'),
    );

    expect(throughTsx.map(([name]) => name)).toEqual(expect.arrayContaining(['bench', 'chaos', 'start']));
    for (const [name, command] of throughTsx)
      expect({ name, command }).toEqual({
        name,
        command: expect.stringContaining('--conditions=partwise-source'),
      });
  });
});
