/**
 * Element-wise float32 kernels in WebAssembly SIMD, each with the contract of its TypeScript
 * reference in kernels/ (same arguments, caller-allocated output, no validation).
 * Precondition: `wasmModule()` is not null (else they throw).
 *
 * Perf: one copy in, a branch-free f32x4 loop in place, one copy out (see wasm/assembly/elementwise.ts
 * for why that beats the JavaScript loop).
 */
import { reserveF32, wasmModule } from './module.js';

/** out[i] = max(x[i], 0); NaN stays NaN. Same contract as `relu` in kernels/activation.ts. */
export function reluWasm(x: Float32Array, out: Float32Array): void {
  const w = wasmModule();
  if (w === null) throw new Error('reluWasm: WebAssembly SIMD is not available in this engine');
  const n = out.length;
  const ptr = w.heapBase;
  const heap = reserveF32(w, ptr + 4 * n);
  heap.set(x.length === n ? x : x.subarray(0, n), ptr >> 2);
  w.exports.relu(ptr, ptr, n);
  out.set(heap.subarray(ptr >> 2, (ptr >> 2) + n));
}
