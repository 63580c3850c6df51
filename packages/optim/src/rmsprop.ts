import type { Tensor, TypedArray } from '@tsgrad/autograd';
import {
  checkNonNegative,
  checkUnitInterval,
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type Params,
  zerosLikeData,
} from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  /** α, the decay rate of the running mean of g². Default 0.99. */
  alpha: number;
  /** ε, added to the root mean square so the step stays finite. Default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** μ: momentum on the normalized step. Default 0. */
  momentum: number;
  /** Normalize by an estimate of the variance of g (subtract the running mean's square). Default false. */
  centered: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

export type RMSpropState = {
  step: number;
  squareAvg: TypedArray;
  /** Null unless momentum > 0. */
  momentumBuffer: TypedArray | null;
  /** Running mean of g; null unless centered. */
  gradAvg: TypedArray | null;
};

/**
 * RMSprop: divide the gradient by a running root mean square of its recent values.
 *   g ← ∇θ + λ·θ
 *   v ← α·v + (1−α)·g²
 *   centered: ḡ ← α·ḡ + (1−α)·g,  s = √(v − ḡ²) + ε      otherwise s = √v + ε
 *   momentum μ > 0: b ← μ·b + g/s,  θ ← θ − lr·b          otherwise θ ← θ − lr·g/s
 * As PyTorch, ε goes outside the square root (Graves adds it inside).
 * Ref: Hinton, Srivastava & Swersky 2012, Neural Networks for Machine Learning, lecture 6e;
 * centered form: Graves 2013, "Generating Sequences With Recurrent Neural Networks", eq. 38–45.
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(o: RMSpropOptions): void {
    checkNonNegative('RMSprop', 'lr', o.lr);
    checkNonNegative('RMSprop', 'eps', o.eps);
    checkUnitInterval('RMSprop', 'momentum', o.momentum);
    checkNonNegative('RMSprop', 'weightDecay', o.weightDecay);
    checkNonNegative('RMSprop', 'alpha', o.alpha);
  }

  protected initState(param: Tensor, group: ParamGroup<RMSpropOptions>): RMSpropState {
    return {
      step: 0,
      squareAvg: zerosLikeData(param.data),
      momentumBuffer: group.momentum > 0 ? zerosLikeData(param.data) : null,
      gradAvg: group.centered ? zerosLikeData(param.data) : null,
    };
  }

  protected update(
    p: TypedArray,
    g: TypedArray,
    state: RMSpropState,
    group: ParamGroup<RMSpropOptions>,
  ): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    state.step++;
    const v = state.squareAvg;
    if (centered && state.gradAvg === null) state.gradAvg = zerosLikeData(p);
    if (momentum > 0 && state.momentumBuffer === null) state.momentumBuffer = zerosLikeData(p);
    const gAvg = centered ? state.gradAvg : null;
    const buf = momentum > 0 ? state.momentumBuffer : null;
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!;
      v[i] = v[i]! * alpha + (1 - alpha) * d * d;
      let s: number;
      if (gAvg !== null) {
        gAvg[i] = gAvg[i]! * alpha + (1 - alpha) * d;
        s = Math.sqrt(v[i]! - gAvg[i]! * gAvg[i]!) + eps;
      } else {
        s = Math.sqrt(v[i]!) + eps;
      }
      if (buf !== null) {
        buf[i] = buf[i]! * momentum + d / s;
        p[i] = p[i]! - lr * buf[i]!;
      } else {
        p[i] = p[i]! + (-lr * d) / s;
      }
    }
  }
}
