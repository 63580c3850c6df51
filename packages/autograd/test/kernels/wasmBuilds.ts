/**
 * The two builds of the WebAssembly kernels, for tests that run every case on both: plain SIMD,
 * and relaxed SIMD (fused multiply-add in the gemm and the direct conv loops; selected with
 * setWasmFma). The files that use this run in processes started with
 * --experimental-wasm-relaxed-simd (the 'wasm-builds' project in vitest.config.ts), so Node 20 has both.
 */
export const WASM_BUILDS = [
  { build: 'plain SIMD', fma: false },
  { build: 'relaxed SIMD', fma: true },
];
