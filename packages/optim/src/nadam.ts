import type { Tensor, TypedArray } from '@tsgrad/autograd';
import {
  checkBetas,
  checkNonNegative,
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type Params,
  zerosLikeData,
} from './optimizer.js';

export interface NAdamOptions extends OptimizerOptions {
  /** (β₁, β₂), as Adam. Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, as Adam. Default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** ψ, the momentum schedule's decay: μₜ = β₁·(1 − ½·0.96^(t·ψ)). Default 4e-3. */
  momentumDecay: number;
}

export type NAdamState = { step: number; muProduct: number; expAvg: TypedArray; expAvgSq: TypedArray };

/**
 * NAdam: Adam with Nesterov momentum, looking one step ahead with the next μ.
 *   μₜ = β₁·(1 − ½·0.96^(t·ψ))       Πₜ = μ₁·…·μₜ
 *   m ← β₁·m + (1−β₁)·g     v ← β₂·v + (1−β₂)·g²     s = √(v / (1−β₂ᵗ)) + ε
 *   θ ← θ − lr·(1−μₜ)/(1−Πₜ) · g/s − lr·μₜ₊₁/(1−Πₜ·μₜ₊₁) · m/s
 * Πₜ is kept as a number (PyTorch 1.13 keeps it as a tensor of the default dtype, float32
 * unless changed, so float32 runs of the two differ slightly).
 * Ref: Dozat 2016, "Incorporating Nesterov Momentum into Adam", Algorithm 2.
 */
export class NAdam extends Optimizer<NAdamOptions, NAdamState> {
  constructor(params: Params<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super('NAdam', params, {
      lr: options.lr ?? 2e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentumDecay: options.momentumDecay ?? 4e-3,
    });
  }

  protected validate(o: NAdamOptions): void {
    checkNonNegative('NAdam', 'lr', o.lr);
    checkNonNegative('NAdam', 'eps', o.eps);
    checkBetas('NAdam', o.betas);
    checkNonNegative('NAdam', 'weightDecay', o.weightDecay);
    checkNonNegative('NAdam', 'momentumDecay', o.momentumDecay);
  }

  protected initState(param: Tensor): NAdamState {
    return { step: 0, muProduct: 1, expAvg: zerosLikeData(param.data), expAvgSq: zerosLikeData(param.data) };
  }

  protected update(p: TypedArray, g: TypedArray, state: NAdamState, group: ParamGroup<NAdamOptions>): void {
    const { lr, betas, eps, weightDecay, momentumDecay } = group;
    const [beta1, beta2] = betas;
    const step = ++state.step;
    const bc2 = 1 - beta2 ** step;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
    state.muProduct *= mu;
    const muProduct = state.muProduct;
    const muProductNext = muProduct * mu * muNext; // PyTorch's expression, kept for identical rounding
    const gradScale = (-lr * (1 - mu)) / (1 - muProduct);
    const avgScale = (-lr * muNext) / (1 - muProductNext);
    const { expAvg: m, expAvgSq: v } = state;
    for (let i = 0; i < p.length; i++) {
      let d = g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!;
      m[i] = m[i]! * beta1 + (1 - beta1) * d;
      v[i] = v[i]! * beta2 + (1 - beta2) * d * d;
      const denom = Math.sqrt(v[i]! / bc2) + eps;
      p[i] = p[i]! + (gradScale * d) / denom;
      p[i] = p[i]! + (avgScale * m[i]!) / denom;
    }
  }
}
