import type { TypedArray } from '@tsgrad/autograd';
import {
  checkNonNegative,
  checkUnitInterval,
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type Params,
  zerosLikeData,
} from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** μ, the momentum factor; 0 turns momentum off. Default 0. */
  momentum: number;
  /** Scales the new gradient into the buffer by (1 − dampening). Default 0. */
  dampening: number;
  /** L2 penalty λ added to the gradient: g ← g + λ·θ. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening = 0). Default false. */
  nesterov: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

export type SGDState = { momentumBuffer: TypedArray | null };

/**
 * Stochastic gradient descent, with momentum and Nesterov momentum, in PyTorch's form:
 *   g ← ∇θ + λ·θ                       (weightDecay λ; g ← −∇θ + λ·θ when maximize)
 *   b ← μ·b + (1 − dampening)·g        (the first step sets b ← g)
 *   g ← g + μ·b  (Nesterov)   or   g ← b
 *   θ ← θ − lr·g
 * PyTorch (and so this) scales the gradient, not the velocity, by lr: Sutskever et al. write
 * v ← μ·v − lr·g, θ ← θ + v. The two agree while lr is constant and differ once it changes.
 * Ref: Sutskever, Martens, Dahl & Hinton 2013, "On the importance of initialization and
 * momentum in deep learning", eq. 1–3 (momentum and Nesterov's accelerated gradient).
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super('SGD', params, {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(o: SGDOptions): void {
    checkNonNegative('SGD', 'lr', o.lr);
    checkUnitInterval('SGD', 'momentum', o.momentum);
    if (!Number.isFinite(o.dampening))
      throw new RangeError(`SGD: dampening must be a finite number, got ${o.dampening}`);
    checkNonNegative('SGD', 'weightDecay', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(
        `SGD: nesterov needs momentum > 0 and dampening = 0, got momentum ${o.momentum}, dampening ${o.dampening}`,
      );
    }
  }

  protected initState(): SGDState {
    return { momentumBuffer: null }; // created on the first step that uses momentum
  }

  protected update(p: TypedArray, g: TypedArray, state: SGDState, group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    let buf = state.momentumBuffer;
    const firstStep = buf === null;
    if (momentum !== 0 && buf === null) buf = state.momentumBuffer = zerosLikeData(p);
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!;
      if (momentum !== 0 && buf !== null) {
        // Stored first, then read back, so float32 state rounds exactly as PyTorch's does.
        buf[i] = firstStep ? d : buf[i]! * momentum + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf[i]! : buf[i]!;
      }
      p[i] = p[i]! - lr * d;
    }
  }
}
