/**
 * The float32 sums of the bias gradients of conv2d and linear in WebAssembly SIMD
 * (wasm/assembly/reduce.ts). Precondition: `wasmModule()` is not null (else they throw).
 *
 * Perf: one copy in, one pass of f32x4 (or float64-widening) adds, b floats out.
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

/**
 * out[j] += Σ_{i < a} x[i·b + j] for j < b (x viewed as [a, b]), as sumToShape sums [a, b] into
 * [1, b]: row by row in float32, bit-identical to its TypeScript loop.
 */
export function sumRowsWasm(x: Float32Array, a: number, b: number, out: Float32Array): void {
  const w = requireWasm('sumRowsWasm');
  const n = a * b;
  const xPtr = w.heapBase;
  const outPtr = alignUp(xPtr + 4 * n);
  const heap = reserveF32(w, outPtr + 4 * b);
  heap.set(x.length === n ? x : x.subarray(0, n), xPtr >> 2);
  heap.set(out.length === b ? out : out.subarray(0, b), outPtr >> 2);
  w.exports.sumRows(xPtr, a, b, outPtr);
  out.set(heap.subarray(outPtr >> 2, (outPtr >> 2) + b));
}
