/**
 * Helpers for the kernel tests that check a pair of kernels are adjoint, ⟨A x, y⟩ = ⟨x, Aᵀ y⟩.
 */

/** Deterministic pseudo-random values in [−1, 1) from a seed (a small LCG). */
export function filled(size: number, seed: number): Float64Array {
  const a = new Float64Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The same products summed in different orders, in float64: rounding ≈ 1e-16·Σ|terms|. */
export const relClose = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-12 * (1 + Math.abs(a) + Math.abs(b));
