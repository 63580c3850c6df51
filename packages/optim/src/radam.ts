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

export interface RAdamOptions extends OptimizerOptions {
  /** (β₁, β₂), as Adam. Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, as Adam. Default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
}

export type RAdamState = { step: number; expAvg: TypedArray; expAvgSq: TypedArray };

/**
 * RAdam: Adam whose adaptive step is switched on only once the variance of v̂ is tractable,
 * and then scaled by a rectification term r.
 *   m ← β₁·m + (1−β₁)·g    v ← β₂·v + (1−β₂)·g²    m̂ = m / (1−β₁ᵗ)
 *   ρ∞ = 2/(1−β₂) − 1      ρₜ = ρ∞ − 2t·β₂ᵗ / (1−β₂ᵗ)
 *   ρₜ > 5: r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)),  θ ← θ − lr·m̂·r·√(1−β₂ᵗ)/(√v + ε)
 *   else:   θ ← θ − lr·m̂                                 (plain momentum SGD)
 * Ref: Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond", Algorithm 2.
 */
export class RAdam extends Optimizer<RAdamOptions, RAdamState> {
  constructor(params: Params<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super('RAdam', params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
    });
  }

  protected validate(o: RAdamOptions): void {
    checkNonNegative('RAdam', 'lr', o.lr);
    checkNonNegative('RAdam', 'eps', o.eps);
    checkBetas('RAdam', o.betas);
    checkNonNegative('RAdam', 'weightDecay', o.weightDecay);
  }

  protected initState(param: Tensor): RAdamState {
    return { step: 0, expAvg: zerosLikeData(param.data), expAvgSq: zerosLikeData(param.data) };
  }

  protected update(p: TypedArray, g: TypedArray, state: RAdamState, group: ParamGroup<RAdamOptions>): void {
    const { lr, betas, eps, weightDecay } = group;
    const [beta1, beta2] = betas;
    const step = ++state.step;
    const bc1 = 1 - beta1 ** step;
    const bc2 = 1 - beta2 ** step;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
    const rect =
      rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    const bc2Sqrt = Math.sqrt(bc2);
    const { expAvg: m, expAvgSq: v } = state;
    for (let i = 0; i < p.length; i++) {
      let d = g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!;
      m[i] = m[i]! * beta1 + (1 - beta1) * d;
      v[i] = v[i]! * beta2 + (1 - beta2) * d * d;
      const mHat = m[i]! / bc1;
      if (rhoT > 5) p[i] = p[i]! - mHat * lr * (bc2Sqrt / (Math.sqrt(v[i]!) + eps)) * rect;
      else p[i] = p[i]! - mHat * lr;
    }
  }
}
