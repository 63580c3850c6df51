/**
 * Reductions on typed arrays. `x` has shape `shape`; `keptShape` is `shape` with 1 on every
 * reduced dim; `out` has sizeOf(keptShape) elements and must start zeroed.
 */
import type { Shape } from '../shape.js';
import { broadcastStrides, type Float } from './elementwise.js';
import { useWasmKernels } from './wasm/module.js';
import { sumOuterInnerWasm, sumRowsWasm } from './wasm/reduceWasm.js';

/**
 * float32 sums of at least this many elements, whose merged shape is [a, b, c] summed to [b] with
 * rows of c ≥ 16, run on `sumOuterInnerWasm` on the 'wasm' backend (float64 sums, as here); those
 * of [a, b] summed to [b] on `sumRowsWasm` (float32 row by row, as here).
 * Measured on conv2d's bias gradients, best of 40, copy included: [64, 8, 28, 28] → [8] 0.88 →
 * 0.39 ms, [64, 16, 14, 14] → [16] 0.41 → 0.13 ms.
 */
const SUM_WASM_MIN = 4096;

/**
 * out[j] = Σ x[i] over every i that maps to j (the reduced dims collapse to index 0).
 * Perf: neighbouring dims that are both reduced or both kept are walked as one (conv2d's bias
 * gradient, [n, c, h, w] → [1, c, 1, 1], becomes [n, c, h·w] with rows of h·w); rows of the
 * last dim are walked contiguously; if the last dim is reduced, each row sums into four locals
 * (independent additions, so the adds do not wait on each other) before one store, otherwise
 * the row adds into a contiguous slice of out. The outer dims advance an odometer instead of
 * dividing indices. Measured on that bias gradient ([64, 8, 28, 28], float32, best of 30):
 * 1.0 ms → 0.5 ms. Rows of h·w also round to float32 once per row instead of once per image row.
 */
export function sumToShape(x: Float, shape: Shape, out: Float, keptShape: Shape): void {
  [shape, keptShape] = mergeDims(shape, keptShape);
  const rank = shape.length;
  if (x.length >= SUM_WASM_MIN && x instanceof Float32Array && out instanceof Float32Array) {
    // [a, b, c] → [b] with a and c summed: [R, K, R], [K, R] or [R] after merging.
    const last = keptShape[rank - 1] === 1 && shape[rank - 1]! >= 16;
    const pattern = rank === 3 ? keptShape[0] === 1 : rank <= 2;
    if (last && pattern && useWasmKernels()) {
      const a = rank === 3 ? shape[0]! : 1;
      const b = rank >= 2 ? shape[rank - 2]! : 1;
      sumOuterInnerWasm(x, a, b, shape[rank - 1]!, out);
      return;
    }
    // [a, b] → [b]: the rows summed (a linear layer's bias gradient), bit-identical to the loop below.
    if (rank === 2 && keptShape[0] === 1 && keptShape[1] === shape[1] && useWasmKernels()) {
      sumRowsWasm(x, shape[0]!, shape[1]!, out);
      return;
    }
  }
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
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let j = base;
      for (const end = base + inner - 3; j < end; j += 4) {
        a0 += x[j]!;
        a1 += x[j + 1]!;
        a2 += x[j + 2]!;
        a3 += x[j + 3]!;
      }
      for (const end = base + inner; j < end; j++) a0 += x[j]!;
      out[o] = out[o]! + (a0 + a1 + (a2 + a3));
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

/**
 * The same reduction on fewer dims: size-1 dims dropped, and runs of neighbouring dims that are
 * all reduced (1 in keptShape) or all kept multiplied into one, which the row-major walk visits
 * in the same order.
 */
function mergeDims(shape: Shape, keptShape: Shape): [number[], number[]] {
  const merged: number[] = [];
  const kept: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const reduced = keptShape[d] === 1;
    const last = merged.length - 1;
    if (last >= 0 && (kept[last] === 1) === reduced) {
      merged[last]! *= size;
      if (!reduced) kept[last]! *= size;
    } else {
      merged.push(size);
      kept.push(reduced ? 1 : size);
    }
  }
  return [merged, kept];
}

/**
 * out[j] = max (or min) of x[i] over every i that maps to j, as sumToShape; NaN wins (as
 * PyTorch's max/amax propagate NaN). Fills `out` itself, so it need not start zeroed.
 * Perf: the same row walk as sumToShape; max and min have their own loops.
 */
export function extremeToShape(
  x: Float,
  shape: Shape,
  out: Float,
  keptShape: Shape,
  mode: 'max' | 'min',
): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  out.fill(mode === 'max' ? -Infinity : Infinity);
  const outStrides = broadcastStrides(keptShape, shape);
  const inner = shape[rank - 1]!;
  const so = outStrides[rank - 1]!;
  const rows = inner === 0 ? 0 : x.length / inner;
  const counter = new Array<number>(rank - 1).fill(0);
  let o = 0;
  for (let row = 0; row < rows; row++) {
    const base = row * inner;
    if (mode === 'max') {
      for (let j = 0; j < inner; j++) {
        const v = x[base + j]!;
        const k = o + j * so;
        const cur = out[k]!;
        if (v > cur || Number.isNaN(v)) out[k] = Number.isNaN(cur) ? cur : v;
      }
    } else {
      for (let j = 0; j < inner; j++) {
        const v = x[base + j]!;
        const k = o + j * so;
        const cur = out[k]!;
        if (v < cur || Number.isNaN(v)) out[k] = Number.isNaN(cur) ? cur : v;
      }
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

/**
 * Max (or min) along the middle axis of x viewed as [outer, n, inner], with its index: the
 * first occurrence, and the first NaN if there is one (PyTorch's max(dim)/argmax rule).
 * values and indices have outer·inner elements; n ≥ 1.
 * Perf: for inner = 1 each row is scanned contiguously; otherwise the scan strides by inner.
 */
export function argExtremeAlongDim(
  x: Float,
  outer: number,
  n: number,
  inner: number,
  values: Float,
  indices: Float,
  mode: 'max' | 'min',
): void {
  const sign = mode === 'max' ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let bestIndex = 0;
      // Comparing sign·v keeps one loop for both modes; NaN stops the scan (it always wins).
      for (let k = 1; k < n && !Number.isNaN(best); k++) {
        const v = x[base + k * inner]!;
        if (sign * v > sign * best || Number.isNaN(v)) {
          best = v;
          bestIndex = k;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestIndex;
    }
  }
}
