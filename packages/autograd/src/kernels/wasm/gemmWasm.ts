/**
 * float32 gemm in WebAssembly SIMD, same contract as `gemmReference` (kernels/gemm.ts):
 *   C[m×n] = op(A)[m×k] · op(B)[k×n]   (+ C when `accumulate`)
 * op(A) = A when !transA (A stored [m, k]) and Aᵀ when transA (A stored [k, m]); likewise B.
 * Precondition: a, b, c are Float32Array; `wasmModule()` is not null (else this throws).
 *
 * Perf: copies A and B (and C when accumulating) into the module's memory, runs the packed,
 * 4×8 f32x4 register-blocked kernel of wasm/assembly/sgemm.ts (split across worker threads when
 * `setKernelThreads` started some: threads.ts), copies C back; the copies are
 * O(mk + kn + mn) against the O(mnk) product. Sums are float32 (like tfjs and PyTorch on CPU),
 * unlike gemmBlocked, which sums float32 inputs in double within each depth slice.
 */
import { alignUp, requireWasm, reserveF32 } from './module.js';
import { sgemmOnThreads } from './threads.js';

export function gemmWasm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  c: Float32Array,
  cOffset: number,
  accumulate: boolean,
): void {
  const w = requireWasm('gemmWasm');
  if (m === 0 || n === 0) return;
  const aLength = m * k;
  const bLength = k * n;
  const cLength = m * n;
  const aPtr = w.heapBase;
  const bPtr = alignUp(aPtr + 4 * aLength);
  const cPtr = alignUp(bPtr + 4 * bLength);
  const heap = reserveF32(w, cPtr + 4 * cLength);
  heap.set(a.subarray(aOffset, aOffset + aLength), aPtr >> 2);
  heap.set(b.subarray(bOffset, bOffset + bLength), bPtr >> 2);
  if (accumulate) heap.set(c.subarray(cOffset, cOffset + cLength), cPtr >> 2);
  if (!sgemmOnThreads(w, transA, transB, m, n, k, aPtr, bPtr, cPtr, accumulate)) {
    w.exports.sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, aPtr, bPtr, cPtr, accumulate ? 1 : 0, w.scratch);
  }
  c.set(heap.subarray(cPtr >> 2, (cPtr >> 2) + cLength), cOffset);
}
