import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import manifest from './package.json' with { type: 'json' };

/**
 * The package's own exports (`partwise/client`…) resolve to their sources, their
 * `partwise-source` condition, as tsconfig.json's customConditions do: no build needed. As
 * aliases, so that no other package resolves differently.
 */
const sources = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === 'string'
    ? []
    : [[`partwise${subpath.slice(1)}`, fileURLToPath(new URL(target['partwise-source'], import.meta.url))]],
);

export default defineConfig({
  resolve: { alias: Object.fromEntries(sources) },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: the e2e files each run a whole local stack, so files run two at a time at most.
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // EMF lines are for CloudWatch; the tests of their shape turn them on (test/unit/observability).
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
