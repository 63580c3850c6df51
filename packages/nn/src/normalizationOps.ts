/**
 * Fused batch normalization and layer normalization: forward in one kernel pass, backward in
 * closed form. Both normalize over a set of "reduced" positions with N elements:
 *
 *   μ = (1/N) Σ x      σ² = (1/N) Σ (x − μ)²  (biased)      s = 1/√(σ² + ε)
 *   x̂ = (x − μ)·s      y = γ·x̂ + β
 *
 * Backward. With ĝ = ∂L/∂x̂ = γ·∂L/∂y, and ∂x̂ⱼ/∂xᵢ = s·(δᵢⱼ − 1/N) − s·x̂ᵢ·x̂ⱼ/N
 * (μ and σ² both depend on every xᵢ of the group):
 *   ∂L/∂x = s·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))        means over the same N positions
 *   ∂L/∂γ = Σ ∂L/∂y·x̂        ∂L/∂β = Σ ∂L/∂y      sums over everything but γ's own dims
 * Ref: Ioffe & Szegedy 2015, "Batch Normalization", §3 (Algorithm 1 and the chain rule below it);
 *      Ba, Kiros & Hinton 2016, "Layer Normalization", §3.
 *
 * The backward is written with tensor ops. For a plain backward, LayerNorm uses x̂ and s saved by
 * the forward kernel (constants) and BatchNorm one fused kernel over x and the saved μ and s (x̂ is
 * rebuilt on the fly, as PyTorch does). Under `createGraph` both rebuild x̂ and s from x with
 * tensor ops, so the gradient is itself differentiable in x and γ (double backward works).
 */
import {
  ArgumentError,
  channelMeanVar,
  channelNormalize,
  channelNormBackward,
  formatShape,
  isGradEnabled,
  record,
  type Shape,
  ShapeError,
  sizeOf,
  Tensor,
} from '@tsgrad/autograd';
import { rowMeanVar, rowNormalize } from './kernels.js';

export interface BatchNormOptions {
  /** Use batch statistics (and update the running ones, if given). Default false, as PyTorch. */
  training?: boolean;
  /** Running estimate ← (1 − momentum)·running + momentum·batch statistic. Default 0.1. */
  momentum?: number;
  eps?: number;
}

function checkVector(op: string, name: string, t: Tensor | null, c: number, x: Tensor): void {
  if (t !== null && (t.ndim !== 1 || t.shape[0] !== c)) {
    throw new ShapeError(
      op,
      `${name} must have shape [${c}] for input ${formatShape(x.shape)}, got ${formatShape(t.shape)}`,
      [t.shape, x.shape],
    );
  }
}

/** Normalization's input gradient s·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), the means over `dims` (N each). */
function normGradInput(gHat: Tensor, xHat: Tensor, s: Tensor, dims: number[], n: number): Tensor {
  const meanG = gHat.sum(dims, true).div(n);
  const meanGX = gHat.mul(xHat).sum(dims, true).div(n);
  return gHat.sub(meanG).sub(xHat.mul(meanGX)).mul(s);
}

/** x̂ and s rebuilt from x with tensor ops (differentiable), statistics over `dims`. */
function differentiableStats(x: Tensor, dims: number[], n: number, eps: number): { xHat: Tensor; s: Tensor } {
  const centred = x.sub(x.sum(dims, true).div(n));
  const s = centred.mul(centred).sum(dims, true).div(n).add(eps).pow(-0.5);
  return { xHat: centred.mul(s), s };
}

/**
 * Batch normalization over dim 1 (channels) of x: [n, c, …] → [n, c, …].
 * Training: batch statistics over n and the trailing dims; the running estimates, when given,
 * are updated in place with the unbiased variance σ²·N/(N − 1) (PyTorch's convention).
 * Evaluation: y = (x − runningMean)/√(runningVar + ε)·γ + β: one fused kernel when no gradient is
 * needed, else a composition of tensor ops (differentiable in x, γ and β).
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  const op = 'batchNorm';
  const { training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (x.ndim < 2) throw new ShapeError(op, `expects input [n, c, …], got ${formatShape(x.shape)}`, [x.shape]);
  const [n, c] = x.shape as [number, number];
  const inner = sizeOf(x.shape.slice(2));
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
    ['runningMean', runningMean],
    ['runningVar', runningVar],
  ] as const)
    checkVector(op, name, t, c, x);
  const statShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);

  if (!training) {
    if (runningMean === null || runningVar === null)
      throw new ArgumentError(
        op,
        'evaluation mode needs runningMean and runningVar (or pass training: true)',
      );
    const needsGrad =
      isGradEnabled() && (x.requiresGrad || weight?.requiresGrad === true || bias?.requiresGrad === true);
    if (!needsGrad) {
      // Nothing to differentiate: one fused pass with the running statistics.
      const mean = Float64Array.from(runningMean.data);
      const invStd = new Float64Array(c);
      for (let ch = 0; ch < c; ch++) invStd[ch] = 1 / Math.sqrt(runningVar.data[ch]! + eps);
      const y = Tensor.empty(x.shape, x.dtype);
      channelNormalize(x.data, n, c, inner, mean, invStd, weight?.data ?? null, bias?.data ?? null, y.data);
      return y;
    }
    const mu = runningMean.detach().reshape(statShape);
    const s = runningVar.detach().add(eps).pow(-0.5).reshape(statShape);
    let y = x.sub(mu).mul(s);
    if (weight !== null) y = y.mul(weight.reshape(statShape));
    if (bias !== null) y = y.add(bias.reshape(statShape));
    return y;
  }

  const count = n * inner;
  if (count <= 1) {
    throw new ArgumentError(
      op,
      `expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`,
    );
  }
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  channelMeanVar(x.data, n, c, inner, mean, variance);
  const invStd = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) invStd[ch] = 1 / Math.sqrt(variance[ch]! + eps);
  const y = Tensor.empty(x.shape, x.dtype);
  channelNormalize(x.data, n, c, inner, mean, invStd, weight?.data ?? null, bias?.data ?? null, y.data);

  // Running estimates are state, not part of the graph: updated in place.
  if (runningMean !== null && runningVar !== null) {
    const unbias = count / (count - 1);
    for (let ch = 0; ch < c; ch++) {
      runningMean.data[ch] = (1 - momentum) * runningMean.data[ch]! + momentum * mean[ch]!;
      runningVar.data[ch] = (1 - momentum) * runningVar.data[ch]! + momentum * variance[ch]! * unbias;
    }
  }

  // First-order backward (no createGraph): one fused kernel over x and the saved μ and 1/σ.
  const fusedBackward = (gradOut: Tensor): Array<Tensor | null> => {
    const sumG = new Float64Array(c);
    const sumGX = new Float64Array(c);
    const gradX = x.requiresGrad ? Tensor.empty(x.shape, x.dtype) : null;
    const gamma = weight?.data ?? null;
    channelNormBackward(
      gradOut.data,
      x.data,
      n,
      c,
      inner,
      mean,
      invStd,
      gamma,
      sumG,
      sumGX,
      gradX?.data ?? null,
    );
    const perChannel = (sums: Float64Array) => {
      const t = Tensor.empty([c], x.dtype);
      t.data.set(sums);
      return t;
    };
    const grads: Array<Tensor | null> = [gradX];
    if (weight !== null) grads.push(weight.requiresGrad ? perChannel(sumGX) : null);
    if (bias !== null) grads.push(bias.requiresGrad ? perChannel(sumG) : null);
    return grads;
  };
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return record(op, inputs, y, (gradOut) => {
    if (!isGradEnabled()) return fusedBackward(gradOut);
    const { xHat: xh, s } = differentiableStats(x, dims, count, eps);
    const gHat = weight === null ? gradOut : gradOut.mul(weight.reshape(statShape));
    const grads: Array<Tensor | null> = [x.requiresGrad ? normGradInput(gHat, xh, s, dims, count) : null];
    if (weight !== null) grads.push(weight.requiresGrad ? gradOut.mul(xh).sum(dims) : null);
    if (bias !== null) grads.push(bias.requiresGrad ? gradOut.sum(dims) : null);
    return grads;
  });
}

export interface LayerNormOptions {
  eps?: number;
}

/**
 * Layer normalization over the trailing dims given by `normalizedShape`:
 * x: [… , *normalizedShape] → same shape; weight and bias (optional) have `normalizedShape`.
 * Each leading index (each sample, each token) is normalized on its own, in training and eval alike.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: Shape,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: LayerNormOptions = {},
): Tensor {
  const op = 'layerNorm';
  const eps = options.eps ?? 1e-5;
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || formatShape(tail) !== formatShape(normalizedShape)) {
    throw new ShapeError(
      op,
      `input ${formatShape(x.shape)} does not end with normalizedShape ${formatShape(normalizedShape)}`,
      [x.shape, normalizedShape],
    );
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && formatShape(t.shape) !== formatShape(normalizedShape)) {
      throw new ShapeError(
        op,
        `${name} must have shape ${formatShape(normalizedShape)}, got ${formatShape(t.shape)}`,
        [t.shape, normalizedShape],
      );
    }
  }
  const d = sizeOf(normalizedShape);
  const rows = x.size / Math.max(d, 1);
  const mean = new Float64Array(rows);
  const variance = new Float64Array(rows);
  rowMeanVar(x.data, rows, d, mean, variance);
  const invStd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) invStd[r] = 1 / Math.sqrt(variance[r]! + eps);
  const xHat = Tensor.empty(x.shape, x.dtype);
  const y = Tensor.empty(x.shape, x.dtype);
  rowNormalize(x.data, rows, d, mean, invStd, weight?.data ?? null, bias?.data ?? null, xHat.data, y.data);

  const lead = x.ndim - k;
  const statShape = x.shape.map((s, i) => (i < lead ? s : 1));
  const normDims = x.shape.map((_, i) => i).filter((i) => i >= lead);
  const leadDims = x.shape.map((_, i) => i).filter((i) => i < lead);
  const sumLead = (t: Tensor): Tensor => (leadDims.length === 0 ? t : t.sum(leadDims));
  const sSaved = new Tensor(x.dtype === 'float64' ? invStd : Float32Array.from(invStd), statShape);
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return record(op, inputs, y, (gradOut) => {
    const { xHat: xh, s } = isGradEnabled() ? differentiableStats(x, normDims, d, eps) : { xHat, s: sSaved };
    const gHat = weight === null ? gradOut : gradOut.mul(weight);
    const grads: Array<Tensor | null> = [x.requiresGrad ? normGradInput(gHat, xh, s, normDims, d) : null];
    if (weight !== null) grads.push(weight.requiresGrad ? sumLead(gradOut.mul(xh)) : null);
    if (bias !== null) grads.push(bias.requiresGrad ? sumLead(gradOut) : null);
    return grads;
  });
}
