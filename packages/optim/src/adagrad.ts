import type { Tensor, TypedArray } from '@tsgrad/autograd';
import {
  checkNonNegative,
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type Params,
} from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  /** η's decay: step t uses lr / (1 + (t − 1)·lrDecay). Default 0. */
  lrDecay: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** The starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue: number;
  /** ε, added to the root so the step stays finite. Default 1e-10. */
  eps: number;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

export type AdagradState = { step: number; sum: TypedArray };

/**
 * Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far.
 *   g ← ∇θ + λ·θ          lrₜ = lr / (1 + (t−1)·lrDecay)
 *   G ← G + g²            θ ← θ − lrₜ · g / (√G + ε)
 * Ref: Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, the diagonal update of Figure 1.
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(o: AdagradOptions): void {
    checkNonNegative('Adagrad', 'lr', o.lr);
    checkNonNegative('Adagrad', 'lrDecay', o.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', o.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', o.eps);
  }

  protected initState(param: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    const sum =
      param.data instanceof Float64Array ? new Float64Array(param.size) : new Float32Array(param.size);
    return { step: 0, sum: sum.fill(group.initialAccumulatorValue) };
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    state: AdagradState,
    group: ParamGroup<AdagradOptions>,
  ): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    const step = ++state.step;
    const clr = lr / (1 + (step - 1) * lrDecay);
    const sum = state.sum;
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!;
      sum[i] = sum[i]! + d * d;
      p[i] = p[i]! + (-clr * d) / (Math.sqrt(sum[i]!) + eps);
    }
  }
}
