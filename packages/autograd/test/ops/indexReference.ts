/**
 * Helpers shared by the movement and indexing reference tests: flat ↔ multi-index arithmetic
 * and deterministic test tensors.
 */
import { type Shape, Tensor } from '@tsgrad/autograd';

export function sizeOfShape(shape: Shape): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Row-major multi-index of flat position p in `shape`. */
export function unravel(p: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = p % shape[d]!;
    p = Math.floor(p / shape[d]!);
  }
  return idx;
}

/** Flat position of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  let p = 0;
  for (let d = 0; d < shape.length; d++) p = p * shape[d]! + idx[d]!;
  return p;
}

/** n values in [−2, 2) from a small seeded hash (mulberry32), independent of the library's RNG. */
export function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4 - 2;
  }
  return out;
}

/** A float64 tensor of `values`, requiring grad by default. */
export function leaf(shape: Shape, seed: number, requiresGrad = true): Tensor {
  return new Tensor(values(sizeOfShape(shape), seed), shape, requiresGrad);
}
