/**
 * Activation backward kernels in WebAssembly SIMD (wasm/assembly/activationBackward.ts), each with
 * the contract of its TypeScript reference in kernels/activation.ts, for float32 arrays.
 * Precondition: `wasmModule()` is not null (else they throw).
 *
 * Perf: two copies in, one branch-free f32x4 pass, one copy out.
 */
import { alignUp, requireWasm, reserveF32 } from './module.js';

/** out[i] = gradOut[i] · [y[i] > 0], bit for bit as `reluBackward` in kernels/activation.ts. */
export function reluBackwardWasm(gradOut: Float32Array, y: Float32Array, out: Float32Array): void {
  const w = requireWasm('reluBackwardWasm');
  const n = out.length;
  const gPtr = w.heapBase;
  const yPtr = alignUp(gPtr + 4 * n);
  const heap = reserveF32(w, yPtr + 4 * n);
  heap.set(gradOut.length === n ? gradOut : gradOut.subarray(0, n), gPtr >> 2);
  heap.set(y.length === n ? y : y.subarray(0, n), yPtr >> 2);
  w.exports.reluBackward(gPtr, yPtr, gPtr, n);
  out.set(heap.subarray(gPtr >> 2, (gPtr >> 2) + n));
}
