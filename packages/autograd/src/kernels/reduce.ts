/**
 * Reductions on typed arrays. `x` has shape `shape`; `keptShape` is `shape` with 1 on every
 * reduced dim; `out` has sizeOf(keptShape) elements and must start zeroed.
 */
import type { Shape } from '../shape.js';
import { broadcastStrides, type Float } from './elementwise.js';

/**
 * out[j] = Σ x[i] over every i that maps to j (the reduced dims collapse to index 0).
 * Perf: rows of the last dim are walked contiguously; if the last dim is reduced, each row
 * sums into a local before one store, otherwise the row adds into a contiguous slice of out.
 * The outer dims advance an odometer instead of dividing indices.
 */
export function sumToShape(x: Float, shape: Shape, out: Float, keptShape: Shape): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const outStrides = broadcastStrides(keptShape, shape);
  const inner = shape[rank - 1]!;
  const innerReduced = outStrides[rank - 1] === 0;
  const rows = inner === 0 ? 0 : x.length / inner;
  const counter = new Array<number>(rank - 1).fill(0);
  let o = 0;
  for (let row = 0; row < rows; row++) {
    const base = row * inner;
    if (innerReduced) {
      let acc = 0;
      for (let j = 0; j < inner; j++) acc += x[base + j]!;
      out[o] = out[o]! + acc;
    } else {
      for (let j = 0; j < inner; j++) out[o + j] = out[o + j]! + x[base + j]!;
    }
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      o += outStrides[d]!;
      if (counter[d]! < shape[d]!) break;
      o -= outStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}
