// Mutation testing of the code that decides what happens to a job: the domain, the engine
// and the DynamoDB adapters. `npm run mutate` (reports in reports/mutation/; a rerun tests
// only mutants whose code or tests changed, `npm run mutate -- --force` tests them all).
//
// Which tests take part: those that run this code in the test's own process. The e2e suites
// run a local stack in a child process and the infra suites synthesize CDK templates, so a
// mutant is never active there; the format suites (seconds each) reach these folders only
// through error classes. Each mutant runs only the tests whose coverage reached it
// (`perTest`), among the test files that import its file (`vitest.related`).
//
// Static mutants — code run once, when a module loads (a table, a regex literal) — would
// need every related test file reloaded for each of them: hours on two cores. They are
// ignored unless a test also reaches them: the unit tests of the status table, the values
// and the dates load their module inside each test, so those tables are mutated and
// tested like any other code (see test/helpers/fresh-module.ts).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  mutate: ['shared/domain/**/*.ts', 'shared/engine/**/*.ts', 'shared/adapters/dynamodb/**/*.ts'],
  testFiles: [
    'test/unit/domain/**/*.test.ts',
    'test/unit/engine/**/*.test.ts',
    'test/unit/operations/**/*.test.ts',
    'test/adapters/**/*.test.ts',
    'test/unit/adapters/**/*.test.ts',
    'test/unit/http/**/*.test.ts',
    'test/events/bounded-snapshot.test.ts',
    'test/events/schemas.test.ts',
    'test/events/subscriber.test.ts',
    'test/local/relay-poller.test.ts',
  ],
  // Two cores, shared with the rest of the machine.
  concurrency: 2,
  // Tests against the emulators on a busy machine: patience before calling a mutant a timeout.
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 20,
  ignorePatterns: ['bench/data', 'cdk.out', '.partwise', 'reports'],
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
};
