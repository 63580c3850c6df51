/**
 * The float32 sum of conv2d's bias gradient in WebAssembly SIMD (wasm/assembly/reduce.ts).
 * Precondition: `wasmModule()` is not null (else it throws).
 *
 * Perf: one copy in, a pass that widens four floats at a time into float64 sums, b floats out.
 */
import { alignUp, requireWasm, reserveF32 } from './module.js';

/**
 * out[j] += Σ_{i < a} Σ_{k < c} x[(i·b + j)·c + k] for j < b (x viewed as [a, b, c]), as sumToShape
 * in kernels/reduce.ts sums [a, b, c] into [1, b, 1]; the sums are float64, rounded once.
 */
export function sumOuterInnerWasm(x: Float32Array, a: number, b: number, c: number, out: Float32Array): void {
  const w = requireWasm('sumOuterInnerWasm');
  const n = a * b * c;
  const xPtr = w.heapBase;
  const outPtr = alignUp(xPtr + 4 * n);
  const heap = reserveF32(w, outPtr + 4 * b);
  heap.set(x.length === n ? x : x.subarray(0, n), xPtr >> 2);
  w.exports.sumOuterInner(xPtr, a, b, c, outPtr);
  const sums = outPtr >> 2;
  for (let j = 0; j < b; j++) out[j] = out[j]! + heap[sums + j]!;
}
