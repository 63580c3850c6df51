/**
 * Losses, as functions and as modules, and the L1/L2 weight penalties.
 * Every loss takes `reduction: 'mean' | 'sum' | 'none'` (default 'mean'), as in PyTorch.
 * These are compositions of differentiable tensor ops (so they need no hand-written backward);
 * the classification losses, fused for stability, are in crossEntropy.ts.
 */
import { ArgumentError, formatShape, type IndexLike, ShapeError, type Tensor } from '@tsgrad/autograd';
import { type CrossEntropyOptions, crossEntropy, type NllLossOptions, nllLoss } from './crossEntropy.js';
import { Module } from './module.js';
import { applyReduction, type Reduction } from './reduction.js';

export interface ReductionOptions {
  reduction?: Reduction;
}

function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (formatShape(input.shape) !== formatShape(target.shape)) {
    throw new ShapeError(
      op,
      `input and target shapes differ: ${formatShape(input.shape)} and ${formatShape(target.shape)}`,
      [input.shape, target.shape],
    );
  }
}

/** Mean squared error: ℓ = (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameShape('mseLoss', input, target);
  const d = input.sub(target);
  return applyReduction('mseLoss', d.mul(d), options.reduction);
}

/** Mean absolute error: ℓ = |x − y| (gradient sign(x − y), 0 at 0). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameShape('l1Loss', input, target);
  return applyReduction('l1Loss', input.sub(target).abs(), options.reduction);
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * Huber loss, d = x − y:  ℓ = ½d² if |d| < δ, else δ·(|d| − ½δ).
 * Written as ½q² + δ·(|d| − q) with q = min(|d|, δ): one formula, no branches, same gradient
 * (d inside, δ·sign(d) outside). Ref: Huber 1964.
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be > 0, got ${delta}`);
  checkSameShape('huberLoss', input, target);
  const absD = input.sub(target).abs();
  const q = absD.clamp(null, delta);
  return applyReduction('huberLoss', q.mul(q).mul(0.5).add(absD.sub(q).mul(delta)), options.reduction);
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear. Default 1; 0 gives l1Loss. */
  beta?: number;
}

/** Smooth L1: ℓ = ½d²/β if |d| < β, else |d| − ½β; that is huberLoss(δ = β)/β. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  if (beta === 0) return l1Loss(input, target, options);
  checkSameShape('smoothL1Loss', input, target);
  const perElement = huberLoss(input, target, { delta: beta, reduction: 'none' }).div(beta);
  return applyReduction('smoothL1Loss', perElement, options.reduction);
}

export interface BceOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy on probabilities p ∈ [0, 1]:
 *   ℓ = −w·(y·log p + (1 − y)·log(1 − p)),  each log clamped to ≥ −100 as PyTorch does,
 * so p = 0 or 1 gives a finite loss. Prefer binaryCrossEntropyWithLogits (more stable).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  checkSameShape('binaryCrossEntropy', input, target);
  for (let i = 0; i < input.size; i++) {
    const v = input.data[i]!;
    if (!(v >= 0 && v <= 1))
      throw new ArgumentError(
        'binaryCrossEntropy',
        `input must hold probabilities in [0, 1], got ${v} at ${i}`,
      );
  }
  const logP = input.log().clamp(-100, null);
  const log1mP = input.neg().add(1).log().clamp(-100, null);
  let loss = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return applyReduction('binaryCrossEntropy', loss, options.reduction);
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive term, broadcast along the last dim (one per class). */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits x (sigmoid fused in), with pos_weight w₊:
 *   ℓ = w·((1 − y)·x + (1 + (w₊ − 1)·y)·softplus(−x))
 * which equals −w·(w₊·y·log σ(x) + (1 − y)·log(1 − σ(x))). softplus(−x) is computed as
 * m + log(e^(−m) + e^(−x−m)) with m = max(−x, 0) held constant (as PyTorch does): no exponent is
 * positive, so x = ±1000 is finite, and since m cancels exactly its gradient is exactly −σ(−x),
 * at x = 0 too (a formula with |x| would get the subgradient of the kink wrong there).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BceWithLogitsOptions = {},
): Tensor {
  checkSameShape('binaryCrossEntropyWithLogits', input, target);
  const m = input.detach().neg().clamp(0, null);
  const softplusNegX = m.neg().exp().add(input.neg().sub(m).exp()).log().add(m);
  const logWeight = options.posWeight ? target.mul(options.posWeight.sub(1)).add(1) : null;
  let loss = target
    .neg()
    .add(1)
    .mul(input)
    .add(logWeight ? logWeight.mul(softplusNegX) : softplusNegX);
  if (options.weight) loss = loss.mul(options.weight);
  return applyReduction('binaryCrossEntropyWithLogits', loss, options.reduction);
}

/** L1 penalty Σ_p Σ |p|: add λ·l1Penalty(params) to a loss to push weights to exactly 0 (sparsity). */
export function l1Penalty(params: readonly Tensor[]): Tensor {
  if (params.length === 0) throw new ArgumentError('l1Penalty', 'needs at least one parameter');
  let total = params[0]!.abs().sum();
  for (let i = 1; i < params.length; i++) total = total.add(params[i]!.abs().sum());
  return total;
}

/**
 * L2 penalty Σ_p Σ p²: add λ·l2Penalty(params) to a loss to shrink weights. Its gradient is 2λ·p,
 * so it equals SGD's weightDecay = 2λ (for Adam, weightDecay is not the same thing; see AdamW).
 */
export function l2Penalty(params: readonly Tensor[]): Tensor {
  if (params.length === 0) throw new ArgumentError('l2Penalty', 'needs at least one parameter');
  let total = params[0]!.mul(params[0]!).sum();
  for (let i = 1; i < params.length; i++) total = total.add(params[i]!.mul(params[i]!).sum());
  return total;
}

// ---- loss modules: the same functions holding their options -------------------------------------
// Options (including a class-weight tensor) sit in a plain `options` object, so they are not
// mistaken for parameters.

export class MSELoss extends Module {
  constructor(readonly options: ReductionOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

export class L1Loss extends Module {
  constructor(readonly options: ReductionOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

export class HuberLoss extends Module {
  constructor(readonly options: HuberOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

export class SmoothL1Loss extends Module {
  constructor(readonly options: SmoothL1Options = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

export class BCELoss extends Module {
  constructor(readonly options: BceOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: BceWithLogitsOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}

export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
  }
  forward(input: Tensor, target: IndexLike): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

export class NLLLoss extends Module {
  constructor(readonly options: NllLossOptions = {}) {
    super();
  }
  forward(input: Tensor, target: IndexLike): Tensor {
    return nllLoss(input, target, this.options);
  }
}
