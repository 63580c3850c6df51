import { defineConfig } from 'vitest/config';

// The `source` export condition points each @tsgrad package at its TypeScript sources,
// so tests and examples run without a build step.
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
  },
});
