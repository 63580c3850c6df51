/**
 * Indexing loops on typed arrays: gather/scatterAdd along a dim, indexSelect/indexAdd of whole
 * slices, and where. No Tensor, no graph, no validation: indices are whole numbers already
 * checked to be in range (ops/indexing.ts does that once).
 */
import type { Shape } from '../shape.js';
import { broadcastStrides, type Float } from './elementwise.js';

/** Row-major strides of `shape`, with the stride of `dim` replaced by 0. */
function stridesWithout(shape: Shape, dim: number): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = d === dim ? 0 : s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * out[p] = x[p with its `dim` coordinate replaced by index[p]], for every position p of the
 * index; out has the index's shape (index.shape[d] ≤ xShape[d] for d ≠ dim).
 * Perf: one pass over the index in row-major order; x's offset without the dim coordinate is
 * kept by an odometer with hoisted strides, so each element costs one multiply-add and a load.
 */
export function gather(
  x: Float,
  xShape: Shape,
  dim: number,
  index: Int32Array,
  indexShape: Shape,
  out: Float,
): void {
  const rank = indexShape.length;
  const strides = stridesWithout(xShape, dim);
  const dimStride = rank === 0 ? 0 : stridesWithout(xShape, -1)[dim]!;
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let p = 0; p < index.length; p++) {
    out[p] = x[base + index[p]! * dimStride]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < indexShape[d]!) break;
      base -= strides[d]! * indexShape[d]!;
      counter[d] = 0;
    }
  }
}

/**
 * out[p with its `dim` coordinate replaced by index[p]] += src[p], for every position p of the
 * index (src may be larger than the index; only its leading corner is read). Repeated indices
 * accumulate. out holds the tensor being added into (the caller copies the input there first).
 * Perf: as gather, with a second odometer offset for src.
 */
export function scatterAdd(
  out: Float,
  outShape: Shape,
  dim: number,
  index: Int32Array,
  indexShape: Shape,
  src: Float,
  srcShape: Shape,
): void {
  const rank = indexShape.length;
  const outStrides = stridesWithout(outShape, dim);
  const dimStride = rank === 0 ? 0 : stridesWithout(outShape, -1)[dim]!;
  const srcStrides = stridesWithout(srcShape, -1);
  const counter = new Array<number>(rank).fill(0);
  let o = 0;
  let s = 0;
  for (let p = 0; p < index.length; p++) {
    out[o + index[p]! * dimStride]! += src[s]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      o += outStrides[d]!;
      s += srcStrides[d]!;
      if (counter[d]! < indexShape[d]!) break;
      o -= outStrides[d]! * indexShape[d]!;
      s -= srcStrides[d]! * indexShape[d]!;
      counter[d] = 0;
    }
  }
}

/**
 * With x seen as [outer, size, inner] and out as [outer, k, inner] (k = index.length):
 *   out[o, j, i] = x[o, index[j], i].
 * Perf: each selected slice is a contiguous run of `inner` elements.
 */
export function indexSelect(
  x: Float,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: Float,
): void {
  const k = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * size + index[j]!) * inner;
      const to = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = x[from + i]!;
    }
  }
}

/**
 * The adjoint of indexSelect: out[o, index[j], i] += src[o, j, i]; repeated indices accumulate.
 * out is [outer, size, inner] and already holds the tensor being added into.
 */
export function indexAdd(
  out: Float,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  src: Float,
): void {
  const k = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const to = (o * size + index[j]!) * inner;
      const from = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i]! += src[from + i]!;
    }
  }
}

/**
 * out = cond ≠ 0 ? a : b, each operand broadcast to outShape (NaN counts as true, as in PyTorch).
 * Perf: a flat loop when all three already have outShape; otherwise one odometer with three
 * hoisted stride sets (0 on broadcast dims).
 */
export function where(
  cond: Float,
  condShape: Shape,
  a: Float,
  aShape: Shape,
  b: Float,
  bShape: Shape,
  out: Float,
  outShape: Shape,
): void {
  const n = out.length;
  if (cond.length === n && a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i]! : b[i]!;
    return;
  }
  const rank = outShape.length;
  const sc = broadcastStrides(condShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const counter = new Array<number>(rank).fill(0);
  let c = 0;
  let ia = 0;
  let ib = 0;
  for (let p = 0; p < n; p++) {
    out[p] = cond[c] !== 0 ? a[ia]! : b[ib]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      c += sc[d]!;
      ia += sa[d]!;
      ib += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      c -= sc[d]! * outShape[d]!;
      ia -= sa[d]! * outShape[d]!;
      ib -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}
