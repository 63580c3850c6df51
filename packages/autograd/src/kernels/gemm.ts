/**
 * General matrix multiply on contiguous row-major matrices:
 *   C[m×n] = op(A)[m×k] · op(B)[k×n]   (+ C when `accumulate`)
 * op(A) = A when !transA (A stored [m, k]) and Aᵀ when transA (A stored [k, m]); likewise B.
 * Offsets select one matrix of a batch inside a larger array.
 */
import type { Float } from './elementwise.js';

/**
 * Reference gemm: the plain triple loop in i-k-j order (the inner loop runs along contiguous
 * rows of B and C when B is not transposed). Perf: ~1 GFLOPS; the readable baseline that the
 * fast variants are tested against.
 */
export function gemmReference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float,
  aOffset: number,
  b: Float,
  bOffset: number,
  c: Float,
  cOffset: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[aOffset + p * m + i]! : a[aOffset + i * k + p]!;
      if (aip === 0) continue;
      const cRow = cOffset + i * n;
      if (transB) for (let j = 0; j < n; j++) c[cRow + j] = c[cRow + j]! + aip * b[bOffset + j * k + p]!;
      else for (let j = 0; j < n; j++) c[cRow + j] = c[cRow + j]! + aip * b[bOffset + p * n + j]!;
    }
  }
}

/** The gemm that ops call. */
export const gemm = gemmReference;
