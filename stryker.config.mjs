// Mutation testing of the modules the product's promises rest on (issue 21): `npm run mutate`
// (scripts/mutate.mjs runs this, then mutmut on the Python client's writer). Not part of `npm test`:
// it runs the covering tests once per mutant and takes tens of minutes.
// Surviving mutants are killed with tests or listed in docs/testing.md with why they are equivalent.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  plugins: ['@stryker-mutator/mocha-runner'],
  mutate: [
    'src/core/ingest/runIngestor.ts',
    'src/core/ingest/chunkCommit.ts',
    'src/core/ingest/chunkParser.ts',
    'src/core/ingest/metricLine.ts',
    'src/core/query/compile.ts',
    'src/core/snapshots/diff.ts',
    'src/shared/downsample.ts',
  ],
  // The tests run as compiled JavaScript (out/), so each sandbox compiles the instrumented sources once.
  buildCommand: 'tsc -p .',
  mochaOptions: {
    spec: [
      'out/test/unit/core/ingest/*.test.js',
      // One path per entry: the runner's glob does not expand {a,b} braces.
      'out/test/unit/faults/ingestFaults.test.js',
      'out/test/unit/faults/catchUp.test.js',
      'out/test/unit/faults/rebuild.test.js',
      'out/test/integration/proof/*.test.js',
      'out/test/unit/core/query/*.test.js',
      'out/test/unit/cli/runsQuery.test.js',
      'out/test/unit/backend/compareRequests.test.js',
      'out/test/unit/core/snapshots/diff.test.js',
      'out/test/unit/core/snapshots/diffContract.test.js',
      'out/test/unit/shared/downsample.test.js',
      'out/test/unit/shared/series.test.js',
      'out/test/unit/shared/downsampleReference.test.js',
    ],
    'no-config': true,
    'no-package': true,
    'no-opts': true,
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process at a time.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['/dist', '/out', '/.e2e-artifacts', '/.bench', '/.package', '/reports', '/python', '/.ci'],
  cleanTempDir: 'always',
};
