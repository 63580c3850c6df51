/**
 * Cross-entropy and negative log-likelihood, the classification losses.
 *
 * Both are written as one weighted sum. For logits z (class dim 1) and a coefficient table A
 * built from the targets, class weights and label smoothing (a constant: no gradient flows to
 * targets or weights), each position i has the loss
 *   ℓᵢ = −Σ_c A_ic · log p_ic,     log p_ic = z_ic − log Σ_k e^(z_ik)      (crossEntropy)
 *   ℓᵢ = −Σ_c A_ic · x_ic          x = log-probabilities given by the caller  (nllLoss)
 * Class labels yᵢ (label smoothing ε, C classes, class weights w, default 1):
 *   A_ic = w_c·((1 − ε)·[c = yᵢ] + ε/C)    and A_i· = 0 where yᵢ = ignoreIndex
 *   'mean' divides Σᵢ ℓᵢ by Σᵢ w_yᵢ over the non-ignored i (PyTorch's weighted mean).
 * Class probabilities t (same shape as the input):
 *   A_ic = w_c·((1 − ε)·t_ic + ε/C);     'mean' divides by the number of positions.
 *
 * crossEntropy is fused (PyTorch's log_softmax + nll_loss) so it is stable for any logits:
 * log-sum-exp subtracts the max first, so every exponent is ≤ 0 and logits of ±1000 stay finite.
 * Its backward, from ∂ log p_ik/∂z_ic = [k = c] − p_ic:
 *   ∂ℓᵢ/∂z_ic = −A_ic + p_ic · Σ_k A_ik          (for one-hot A: p − onehot, the classic result)
 */
import {
  ArgumentError,
  formatShape,
  type IndexLike,
  isGradEnabled,
  record,
  ShapeError,
  Tensor,
} from '@tsgrad/autograd';
import { logSoftmaxClassDim } from './kernels.js';
import { applyReduction, type Reduction } from './reduction.js';

export interface NllLossOptions {
  /** Per-class weights, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and are left out of the mean). Default −100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mix the target with the uniform distribution: (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/** Input viewed as [outer, classes, inner]; the per-position loss has the input's shape without dim 1. */
interface Layout {
  outer: number;
  classes: number;
  inner: number;
  lossShape: number[];
}

function layoutOf(op: string, input: Tensor): Layout {
  if (input.ndim < 2) {
    throw new ShapeError(op, `expects input [n, C], [n, C, d₁, …] or [C], got ${formatShape(input.shape)}`, [
      input.shape,
    ]);
  }
  const [outer, classes] = input.shape as [number, number];
  const rest = input.shape.slice(2);
  const inner = rest.reduce((p, d) => p * d, 1);
  return { outer, classes, inner, lossShape: [outer, ...rest] };
}

/** Class labels as Int32Array, checked: whole numbers in [0, C) or equal to ignoreIndex. */
function readLabels(op: string, target: IndexLike, layout: Layout, ignoreIndex: number): Int32Array {
  const shape = target instanceof Tensor ? target.shape : [target.length];
  if (formatShape(shape) !== formatShape(layout.lossShape)) {
    throw new ShapeError(
      op,
      `class-label target must have shape ${formatShape(layout.lossShape)}, got ${formatShape(shape)}`,
      [shape, layout.lossShape],
    );
  }
  const values = target instanceof Tensor ? target.data : target;
  const labels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || ((v < 0 || v >= layout.classes) && v !== ignoreIndex)) {
      throw new ArgumentError(
        op,
        `target ${v} at position ${i} is not a class index in [0, ${layout.classes}) or ignoreIndex ${ignoreIndex}`,
      );
    }
    labels[i] = v;
  }
  return labels;
}

function readWeight(op: string, weight: Tensor | null | undefined, classes: number): Float64Array | null {
  if (weight === null || weight === undefined) return null;
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(op, `weight must have shape [${classes}], got ${formatShape(weight.shape)}`, [
      weight.shape,
    ]);
  }
  return Float64Array.from(weight.data);
}

/** The coefficient table A (as a tensor shaped like the input) and the 'mean' denominator. */
function coefficients(
  op: string,
  input: Tensor,
  target: IndexLike,
  options: CrossEntropyOptions,
): { a: Tensor; denominator: number } {
  const layout = layoutOf(op, input);
  const { outer, classes: k, inner } = layout;
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  const w = readWeight(op, options.weight, k);
  const a = Tensor.empty(input.shape, input.dtype);
  const isProbabilities = target instanceof Tensor && formatShape(target.shape) === formatShape(input.shape);
  if (isProbabilities) {
    if (options.ignoreIndex !== undefined)
      throw new ArgumentError(op, 'ignoreIndex applies to class-label targets, not to class probabilities');
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < k; c++) {
        const wc = w === null ? 1 : w[c]!;
        for (let j = 0; j < inner; j++) {
          const at = (o * k + c) * inner + j;
          a.data[at] = wc * ((1 - eps) * target.data[at]! + eps / k);
        }
      }
    }
    return { a, denominator: outer * inner };
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  const labels = readLabels(op, target, layout, ignoreIndex);
  let denominator = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const y = labels[o * inner + j]!;
      if (y === ignoreIndex) continue; // this position's A stays 0
      denominator += w === null ? 1 : w[y]!;
      for (let c = 0; c < k; c++) {
        const wc = w === null ? 1 : w[c]!;
        a.data[(o * k + c) * inner + j] = wc * ((c === y ? 1 - eps : 0) + eps / k);
      }
    }
  }
  return { a, denominator };
}

/** log p and p of z along dim 1, with tensor ops (differentiable), max-shifted for stability. */
function differentiableSoftmax(z: Tensor, maxShift: Tensor): Tensor {
  const lse = z.sub(maxShift).exp().sum(1, true).log().add(maxShift);
  return z.sub(lse).exp();
}

/** ℓᵢ = −Σ_c A_ic · log softmax(z)_ic, fused; see the file comment for the backward. */
function softmaxCrossEntropy(z: Tensor, a: Tensor, layout: Layout): Tensor {
  const { outer, classes: k, inner, lossShape } = layout;
  const logP = Tensor.empty(z.shape, z.dtype);
  const p = Tensor.empty(z.shape, z.dtype);
  logSoftmaxClassDim(z.data, outer, k, inner, logP.data, p.data);
  const loss = Tensor.empty(lossShape, z.dtype);
  const rowSumA = Tensor.empty([outer, 1, ...lossShape.slice(1)], z.dtype);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let l = 0;
      let s = 0;
      for (let c = 0; c < k; c++) {
        const at = (o * k + c) * inner + j;
        const coef = a.data[at]!;
        // 0·(−∞) would be NaN; a zero coefficient contributes nothing, as in PyTorch.
        if (coef !== 0) l -= coef * logP.data[at]!;
        s += coef;
      }
      loss.data[o * inner + j] = l;
      rowSumA.data[o * inner + j] = s;
    }
  }
  return record('crossEntropy', [z], loss, (gradOut) => {
    let probs = p;
    if (isGradEnabled()) {
      // createGraph: rebuild p from z with tensor ops so the gradient is differentiable in z.
      const m = Tensor.empty(rowSumA.shape, z.dtype);
      for (let i = 0; i < m.size; i++) m.data[i] = maxOfColumn(z.data, i, k, inner);
      probs = differentiableSoftmax(z, m);
    }
    return [probs.mul(rowSumA).sub(a).mul(gradOut.reshape(rowSumA.shape))];
  });
}

function maxOfColumn(z: Tensor['data'], position: number, k: number, inner: number): number {
  const o = Math.floor(position / inner);
  const j = position % inner;
  let m = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) m = Math.max(m, z[(o * k + c) * inner + j]!);
  return m;
}

/**
 * One unbatched sample, as PyTorch: input [C] with a class label (a 0-d tensor, or a one-element
 * array) or class probabilities [C], computed as a batch of one; reduction 'none' gives a 0-d loss.
 */
function asBatchOfOne(
  input: Tensor,
  target: IndexLike,
  options: NllLossOptions,
  loss: (input: Tensor, target: IndexLike) => Tensor,
): Tensor {
  const batchTarget = target instanceof Tensor ? target.unsqueeze(0) : target;
  const out = loss(input.unsqueeze(0), batchTarget);
  return options.reduction === 'none' ? out.squeeze(0) : out;
}

/**
 * Cross-entropy between logits [n, C] (or [n, C, d₁, …]) and class labels [n] ([n, d₁, …]) or
 * class probabilities shaped like the input; or one unbatched sample: logits [C] and a 0-d label
 * or probabilities [C]. Options: weight, ignoreIndex, labelSmoothing, reduction ('mean'
 * default). Equals nllLoss(logSoftmax(input, 1), target) without smoothing.
 */
export function crossEntropy(input: Tensor, target: IndexLike, options: CrossEntropyOptions = {}): Tensor {
  if (input.ndim === 1) return asBatchOfOne(input, target, options, (x, t) => crossEntropy(x, t, options));
  const { a, denominator } = coefficients('crossEntropy', input, target, options);
  const perPosition = softmaxCrossEntropy(input, a, layoutOf('crossEntropy', input));
  return applyReduction('crossEntropy', perPosition, options.reduction, denominator);
}

/**
 * Negative log-likelihood of class labels under log-probabilities `input` [n, C] ([n, C, d₁, …];
 * or [C] with a 0-d label, one unbatched sample):
 *   ℓᵢ = −w_yᵢ · input[i, yᵢ]   (0 where yᵢ = ignoreIndex); 'mean' divides by Σ w_yᵢ.
 * A linear function of the input, so it is a composition: −Σ_c A·input.
 */
export function nllLoss(input: Tensor, target: IndexLike, options: NllLossOptions = {}): Tensor {
  if (input.ndim === 1) return asBatchOfOne(input, target, options, (x, t) => nllLoss(x, t, options));
  if (target instanceof Tensor && formatShape(target.shape) === formatShape(input.shape))
    throw new ShapeError('nllLoss', `target must hold class labels, not probabilities shaped like the input`);
  const { a, denominator } = coefficients('nllLoss', input, target, options);
  const perPosition = input.mul(a).sum(1).neg();
  return applyReduction('nllLoss', perPosition, options.reduction, denominator);
}
