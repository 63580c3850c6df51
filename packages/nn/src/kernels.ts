/**
 * The hot loops of @tsgrad/nn, on typed arrays: no Tensor, no graph, no validation (the op that
 * calls a kernel has already checked its arguments), caller-allocated outputs. BatchNorm's kernels
 * live in @tsgrad/autograd (kernels/normalization.ts), beside their WebAssembly SIMD variants.
 *
 * Layouts. LayerNorm sees x as [rows, d] and reduces per row. Cross-entropy sees logits as
 * [outer, classes, inner] (the class dim is dim 1, as in PyTorch).
 */
import type { TypedArray } from '@tsgrad/autograd';

/**
 * Per-row mean and biased variance of x viewed as [rows, d] (two passes, as channelMeanVar).
 * Perf: unit-stride, float64 accumulators.
 */
export function rowMeanVar(
  x: TypedArray,
  rows: number,
  d: number,
  mean: Float64Array,
  variance: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += x[base + j]!;
    const mu = s / d;
    let q = 0;
    for (let j = 0; j < d; j++) {
      const e = x[base + j]! - mu;
      q += e * e;
    }
    mean[r] = mu;
    variance[r] = q / d;
  }
}

/**
 * x̂ = (x − μ_r)·s_r and y = γ_j·x̂ + β_j for x viewed as [rows, d] (γ, β of length d, or null).
 * Perf: unit-stride inner loop; the null checks are hoisted into separate loops.
 */
export function rowNormalize(
  x: TypedArray,
  rows: number,
  d: number,
  mean: Float64Array,
  invStd: Float64Array,
  gamma: TypedArray | null,
  beta: TypedArray | null,
  xHat: TypedArray,
  y: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    const mu = mean[r]!;
    const s = invStd[r]!;
    for (let j = 0; j < d; j++) xHat[base + j] = (x[base + j]! - mu) * s;
    if (gamma === null || beta === null) {
      for (let j = 0; j < d; j++) {
        const g = gamma === null ? 1 : gamma[j]!;
        const b = beta === null ? 0 : beta[j]!;
        y[base + j] = g * xHat[base + j]! + b;
      }
    } else {
      for (let j = 0; j < d; j++) y[base + j] = gamma[j]! * xHat[base + j]! + beta[j]!;
    }
  }
}

/**
 * Log-softmax along the class dim of logits viewed as [outer, k, inner], stable:
 *   log p_c = z_c − m − log Σ_j e^(z_j − m),   m = max_j z_j   (every exponent ≤ 0)
 * Also writes p = softmax(z) (for the backward).
 * Perf: three passes over each class column; strides hoisted; no allocation.
 */
export function logSoftmaxClassDim(
  z: TypedArray,
  outer: number,
  k: number,
  inner: number,
  logP: TypedArray,
  p: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * k * inner + j;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) m = Math.max(m, z[base + c * inner]!);
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(z[base + c * inner]! - m);
      const lse = m + Math.log(s);
      for (let c = 0; c < k; c++) {
        const lp = z[base + c * inner]! - lse;
        logP[base + c * inner] = lp;
        p[base + c * inner] = Math.exp(lp);
      }
    }
  }
}

/**
 * out[i, :] = weight[index[i], :] for a [v, d] table (an embedding lookup), leaving rows whose
 * index is `skip` untouched (zero, for a zeroed `out`; pass −1 to skip nothing).
 * Perf: one `set` of a subarray per row.
 */
export function gatherRows(
  weight: TypedArray,
  d: number,
  index: Int32Array,
  skip: number,
  out: TypedArray,
): void {
  for (let i = 0; i < index.length; i++) {
    const row = index[i]!;
    if (row === skip) continue;
    out.set(weight.subarray(row * d, row * d + d), i * d);
  }
}

/**
 * table[index[i], :] += rows[i, :], skipping rows whose index is `skip` (the scatter-add that
 * is gatherRows' adjoint). `table` must start zeroed.
 * Perf: unit-stride inner loop.
 */
export function scatterAddRows(
  rows: TypedArray,
  d: number,
  index: Int32Array,
  skip: number,
  table: TypedArray,
): void {
  for (let i = 0; i < index.length; i++) {
    const row = index[i]!;
    if (row === skip) continue;
    const to = row * d;
    const from = i * d;
    for (let j = 0; j < d; j++) table[to + j] += rows[from + j]!;
  }
}
