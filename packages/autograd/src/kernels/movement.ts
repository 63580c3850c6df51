/**
 * Layout-changing copies on typed arrays: permute (and so transpose), and the slab copy that
 * narrow, its backward (zero padding) and cat share. No Tensor, no graph, no validation.
 */
import type { Shape } from '../shape.js';
import type { Float } from './elementwise.js';

/**
 * out = x with its dims reordered: out[i₀, …, iᵣ₋₁] = x[j] where j[dims[k]] = iₖ.
 * Preconditions: `dims` is a permutation of 0..r−1; out has x's size; outShape[k] = shape[dims[k]].
 * Perf: the output is written in order; the input offset of each output row comes from an
 * odometer with hoisted strides (no index arrays per element). When the last dim stays last,
 * each row is a contiguous run (long runs copied with one `set`); otherwise the inner loop
 * strides through x.
 */
export function permute(x: Float, shape: Shape, dims: readonly number[], out: Float): void {
  const rank = shape.length;
  if (rank === 0 || out.length === 0) {
    if (out.length > 0) out[0] = x[0]!;
    return;
  }
  // strides[k]: how far x's offset moves when output index k grows by one.
  const xStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    xStrides[d] = s;
    s *= shape[d]!;
  }
  const outShape = dims.map((d) => shape[d]!);
  const strides = dims.map((d) => xStrides[d]!);
  const inner = outShape[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const rows = out.length / inner;
  const counter = new Array<number>(rank - 1).fill(0);
  let base = 0;
  for (let row = 0; row < rows; row++) {
    const o = row * inner;
    if (innerStride === 1 && inner >= 64) out.set(x.subarray(base, base + inner), o);
    else for (let j = 0, xi = base; j < inner; j++, xi += innerStride) out[o + j] = x[xi]!;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      base -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}

/**
 * Copies a slab between two tensors seen as [outer, size, inner] (size is the dim being cut):
 *   dst[o, dstStart + k, i] = src[o, srcStart + k, i]   for k < length.
 * narrow reads a slab (srcStart = start), its backward writes one into zeros (dstStart = start),
 * and cat writes each input at its offset. Elements of dst outside the slab are left alone.
 * Perf: the slab is `outer` contiguous runs of length·inner; each run is one loop (or one `set`
 * when it is long enough to repay the subarray view).
 */
export function copySlab(
  src: Float,
  srcSize: number,
  srcStart: number,
  dst: Float,
  dstSize: number,
  dstStart: number,
  outer: number,
  length: number,
  inner: number,
): void {
  const run = length * inner;
  if (run === 0) return;
  for (let o = 0; o < outer; o++) {
    const s = (o * srcSize + srcStart) * inner;
    const d = (o * dstSize + dstStart) * inner;
    if (run >= 64) dst.set(src.subarray(s, s + run), d);
    else for (let j = 0; j < run; j++) dst[d + j] = src[s + j]!;
  }
}
