import { configDefaults, defineConfig } from 'vitest/config';

// The `source` export condition points each @tsgrad package at its TypeScript sources,
// so tests and examples run without a build step.
// With VITEST_JSON=<file> set (as .ci/run does) the results are also written there as JSON,
// from which CI prints its "N passed, N failed" line.
const jsonOutput = process.env.VITEST_JSON;

// The WebAssembly gemm, convolution and thread tests run each case on both builds of the kernels
// (plain SIMD, and relaxed SIMD with fused multiply-add). Node 20 validates the relaxed build only
// with --experimental-wasm-relaxed-simd, a process-wide V8 flag, so these files run in their own
// processes started with it; every other file runs as a user's program does (plain build on Node 20).
const BOTH_WASM_BUILDS = [
  'packages/autograd/test/kernels/wasmGemm.test.ts',
  'packages/autograd/test/kernels/wasmConv.test.ts',
  'packages/autograd/test/kernels/wasmThreads.test.ts',
];

export default defineConfig({
  resolve: { conditions: ['source', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'default'] } },
  test: {
    testTimeout: 60_000,
    reporters: jsonOutput ? ['default', ['json', { outputFile: jsonOutput }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/test/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'bench/test/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, ...BOTH_WASM_BUILDS],
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: {
          name: 'wasm-builds',
          include: BOTH_WASM_BUILDS,
          pool: 'forks',
          execArgv: ['--experimental-wasm-relaxed-simd'],
        },
      },
    ],
  },
});
