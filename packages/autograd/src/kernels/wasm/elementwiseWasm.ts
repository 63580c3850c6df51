/**
 * Element-wise float32 kernels in WebAssembly SIMD, each with the contract of its TypeScript
 * reference in kernels/ (same arguments, caller-allocated output, no validation).
 * Precondition: `wasmModule()` is not null (else they throw).
 *
 * Perf: one copy in, a branch-free f32x4 loop in place, one copy out (see wasm/assembly/elementwise.ts
 * for why that beats the JavaScript loop).
 */
import { requireWasm, reserveF32 } from './module.js';

/** out[i] = max(x[i], 0); NaN stays NaN. Same contract as `relu` in kernels/activation.ts. */
export function reluWasm(x: Float32Array, out: Float32Array): void {
  const w = requireWasm('reluWasm');
  const n = out.length;
  const ptr = w.heapBase;
  const heap = reserveF32(w, ptr + 4 * n);
  heap.set(x.length === n ? x : x.subarray(0, n), ptr >> 2);
  w.exports.relu(ptr, ptr, n);
  out.set(heap.subarray(ptr >> 2, (ptr >> 2) + n));
}

/** The comparisons `compareScalarWasm` runs, in the order of their codes in the module. */
const COMPARISONS = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/**
 * out[i] = 1 if (x[i] op s) else 0, op one of > ≥ < ≤ = ≠ (IEEE: NaN compares false, except ≠).
 * Same contract as `binaryScalar(op, x, s, true, out)` in kernels/elementwise.ts, provided s is a
 * float32 value (Math.fround(s) === s): the module compares in float32.
 */
export function compareScalarWasm(op: Comparison, x: Float32Array, s: number, out: Float32Array): void {
  const w = requireWasm('compareScalarWasm');
  const n = out.length;
  const ptr = w.heapBase;
  const heap = reserveF32(w, ptr + 4 * n);
  heap.set(x.length === n ? x : x.subarray(0, n), ptr >> 2);
  w.exports.compareScalar(COMPARISONS.indexOf(op), ptr, s, ptr, n);
  out.set(heap.subarray(ptr >> 2, (ptr >> 2) + n));
}

/** True for the ops `compareScalarWasm` runs. */
export function isComparison(op: string): op is Comparison {
  return (COMPARISONS as readonly string[]).includes(op);
}
