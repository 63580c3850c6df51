/**
 * The hot loops of @tsgrad/nn, on typed arrays: no Tensor, no graph, no validation (the op that
 * calls a kernel has already checked its arguments), caller-allocated outputs.
 *
 * Layouts. BatchNorm sees x as [n, c, inner] (inner = h·w, l, or 1) and reduces per channel over
 * n and inner. LayerNorm sees x as [rows, d] and reduces per row. Cross-entropy sees logits as
 * [outer, classes, inner] (the class dim is dim 1, as in PyTorch).
 */
import type { TypedArray } from '@tsgrad/autograd';

/**
 * Per-channel mean and biased variance of x viewed as [n, c, inner]:
 *   μ_c = (1/N) Σ x,   σ²_c = (1/N) Σ (x − μ_c)²,   N = n·inner.
 * Two passes (mean, then centred squares) avoid the cancellation of E[x²] − E[x]².
 * Perf: accumulates in a float64 local; inner loop is unit-stride.
 */
export function channelMeanVar(
  x: TypedArray,
  n: number,
  c: number,
  inner: number,
  mean: Float64Array,
  variance: Float64Array,
): void {
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) s += x[base + j]!;
    }
    const mu = s / count;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) {
        const d = x[base + j]! - mu;
        q += d * d;
      }
    }
    mean[ch] = mu;
    variance[ch] = q / count;
  }
}

/**
 * x̂ = (x − μ_c)·s_c and y = γ_c·x̂ + β_c for x viewed as [n, c, inner] (γ, β may be null: 1, 0).
 * Perf: per-channel constants hoisted out of the unit-stride inner loop.
 */
export function channelNormalize(
  x: TypedArray,
  n: number,
  c: number,
  inner: number,
  mean: Float64Array,
  invStd: Float64Array,
  gamma: TypedArray | null,
  beta: TypedArray | null,
  xHat: TypedArray,
  y: TypedArray,
): void {
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const mu = mean[ch]!;
      const s = invStd[ch]!;
      const g = gamma === null ? 1 : gamma[ch]!;
      const b = beta === null ? 0 : beta[ch]!;
      const base = (i * c + ch) * inner;
      for (let j = 0; j < inner; j++) {
        const h = (x[base + j]! - mu) * s;
        xHat[base + j] = h;
        y[base + j] = g * h + b;
      }
    }
  }
}

/**
 * BatchNorm's first-order backward for x viewed as [n, c, inner], with N = n·inner per channel:
 *   ∂L/∂β_c = Σ g      ∂L/∂γ_c = Σ g·x̂
 *   ∂L/∂x = s_c·γ_c·(g − Σg/N − x̂·Σg·x̂/N)     (γ = 1 when null)
 * Writes the two sums per channel into sumG, sumGX and ∂L/∂x into gradX.
 * Perf: two unit-stride passes per channel plane; float64 accumulators; no temporaries.
 */
export function channelNormBackward(
  g: TypedArray,
  xHat: TypedArray,
  n: number,
  c: number,
  inner: number,
  invStd: ArrayLike<number>,
  gamma: TypedArray | null,
  sumG: Float64Array,
  sumGX: Float64Array,
  gradX: TypedArray | null,
): void {
  sumG.fill(0);
  sumGX.fill(0);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * inner;
      let a = 0;
      let b = 0;
      for (let j = 0; j < inner; j++) {
        const gj = g[base + j]!;
        a += gj;
        b += gj * xHat[base + j]!;
      }
      sumG[ch] = sumG[ch]! + a;
      sumGX[ch] = sumGX[ch]! + b;
    }
  }
  if (gradX === null) return;
  const count = n * inner;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * inner;
      const k = invStd[ch]! * (gamma === null ? 1 : gamma[ch]!);
      const meanG = sumG[ch]! / count;
      const meanGX = sumGX[ch]! / count;
      for (let j = 0; j < inner; j++) gradX[base + j] = k * (g[base + j]! - meanG - xHat[base + j]! * meanGX);
    }
  }
}

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
