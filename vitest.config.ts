import { defineConfig } from 'vitest/config';

// The `source` export condition points each @tsgrad package at its TypeScript sources,
// so tests and examples run without a build step.
// With VITEST_JSON=<file> set (as .ci/run does) the results are also written there as JSON,
// from which CI prints its "N passed, N failed" line.
const jsonOutput = process.env.VITEST_JSON;

export default defineConfig({
  resolve: { conditions: ['source', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'default'] } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    pool: 'threads',
    testTimeout: 60_000,
    reporters: jsonOutput ? ['default', ['json', { outputFile: jsonOutput }]] : ['default'],
  },
});
