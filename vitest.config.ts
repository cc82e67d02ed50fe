import { defineConfig } from 'vitest/config';

export default defineConfig({
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
