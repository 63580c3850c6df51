import { type AdamCoefficients, adamUpdate, type Tensor, type TypedArray } from '@tsgrad/autograd';
import {
  checkBetas,
  checkNonNegative,
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type Params,
  zerosLikeData,
} from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  /** (β₁, β₂): decay rates of the running mean of g and of g². Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, added to √v̂ so the step stays finite. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay of θ. Defaults 0 and 1e-2. */
  weightDecay: number;
  /** AMSGrad: normalize by the largest v̂ seen so far. Default false. */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

export type AdamState = {
  step: number;
  expAvg: TypedArray;
  expAvgSq: TypedArray;
  /** AMSGrad's running maximum of expAvgSq; null unless amsgrad. */
  maxExpAvgSq: TypedArray | null;
};

function adamDefaults(options: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  return {
    lr: options.lr ?? 1e-3,
    betas: options.betas ?? [0.9, 0.999],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

function validateAdam(name: string, o: AdamOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkNonNegative(name, 'eps', o.eps);
  checkBetas(name, o.betas);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
}

function initAdamState(param: Tensor, group: AdamOptions): AdamState {
  return {
    step: 0,
    expAvg: zerosLikeData(param.data),
    expAvgSq: zerosLikeData(param.data),
    maxExpAvgSq: group.amsgrad ? zerosLikeData(param.data) : null,
  };
}

/**
 * Adam: per-parameter step sizes from running moments of the gradient.
 *   g ← ∇θ + λ·θ                                 (weightDecay λ: an L2 penalty)
 *   m ← β₁·m + (1−β₁)·g          v ← β₂·v + (1−β₂)·g²
 *   m̂ = m / (1−β₁ᵗ)   v̂ = v / (1−β₂ᵗ)   (AMSGrad: v̂ uses max(v) over all steps so far)
 *   θ ← θ − lr · m̂ / (√v̂ + ε)
 * As PyTorch, ε is added to √v / √(1−β₂ᵗ), i.e. after the bias correction of v.
 * Ref: Kingma & Ba 2015, "Adam", Algorithm 1 (arXiv:1412.6980); AMSGrad: Reddi, Kale & Kumar
 * 2018, "On the Convergence of Adam and Beyond", Algorithm 2.
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, adamDefaults(options, 0));
  }

  protected validate(o: AdamOptions): void {
    validateAdam('Adam', o);
  }

  protected initState(param: Tensor, group: ParamGroup<AdamOptions>): AdamState {
    return initAdamState(param, group);
  }

  protected update(p: TypedArray, g: TypedArray, state: AdamState, group: ParamGroup<AdamOptions>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    const step = ++state.step;
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const { expAvg: m, expAvgSq: v } = state;
    if (!amsgrad && !maximize && weightDecay === 0) {
      // The common case: the same update as the loop below, on autograd's kernel (WebAssembly
      // SIMD for float32, one rounding per operation as PyTorch; it flushes moments below 2⁻¹²⁶
      // to zero, as subnormals are ~60× slower there; kernels/optimizer.ts).
      adamUpdate(p, g, m, v, coefficients(beta1, beta2, stepSize, bc2Sqrt, eps, 1));
      return;
    }
    if (amsgrad && state.maxExpAvgSq === null) state.maxExpAvgSq = zerosLikeData(p);
    const vMax = amsgrad ? state.maxExpAvgSq! : v;
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) d = d + weightDecay * p[i]!; // L2 penalty: decay goes through m and v
      // Each buffer is stored, then read back, so float32 state rounds as PyTorch's does.
      m[i] = m[i]! * beta1 + (1 - beta1) * d;
      v[i] = v[i]! * beta2 + (1 - beta2) * d * d;
      if (amsgrad && v[i]! > vMax[i]!) vMax[i] = v[i]!;
      const denom = Math.sqrt(vMax[i]!) / bc2Sqrt + eps;
      p[i] = p[i]! + (-stepSize * m[i]!) / denom;
    }
  }
}

/**
 * AdamW: Adam with decoupled weight decay. The update is Adam's, except that θ shrinks by
 * lr·λ directly instead of λ·θ joining the gradient (where Adam's 1/√v̂ would rescale it):
 *   θ ← θ·(1 − lr·λ)     then Adam's step with g = ∇θ
 * The one differing line is marked below. Default weightDecay 1e-2, as PyTorch.
 * Ref: Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2.
 */
export class AdamW extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, adamDefaults(options, 1e-2));
  }

  protected validate(o: AdamOptions): void {
    validateAdam('AdamW', o);
  }

  protected initState(param: Tensor, group: ParamGroup<AdamOptions>): AdamState {
    return initAdamState(param, group);
  }

  protected update(p: TypedArray, g: TypedArray, state: AdamState, group: ParamGroup<AdamOptions>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    const step = ++state.step;
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const decay = 1 - lr * weightDecay;
    const { expAvg: m, expAvgSq: v } = state;
    if (!amsgrad && !maximize) {
      // The common case on autograd's kernel (see Adam.update).
      adamUpdate(p, g, m, v, coefficients(beta1, beta2, stepSize, bc2Sqrt, eps, decay));
      return;
    }
    if (amsgrad && state.maxExpAvgSq === null) state.maxExpAvgSq = zerosLikeData(p);
    const vMax = amsgrad ? state.maxExpAvgSq! : v;
    for (let i = 0; i < p.length; i++) {
      const d = maximize ? -g[i]! : g[i]!;
      p[i] = p[i]! * decay; // ← the AdamW line: decay θ itself (Adam adds λ·θ to g instead)
      m[i] = m[i]! * beta1 + (1 - beta1) * d;
      v[i] = v[i]! * beta2 + (1 - beta2) * d * d;
      if (amsgrad && v[i]! > vMax[i]!) vMax[i] = v[i]!;
      const denom = Math.sqrt(vMax[i]!) / bc2Sqrt + eps;
      p[i] = p[i]! + (-stepSize * m[i]!) / denom;
    }
  }
}

/** One object reused for every step's coefficients, so an update allocates nothing. */
const stepCoefficients: AdamCoefficients = { beta1: 0, beta2: 0, stepSize: 0, bc2Sqrt: 1, eps: 0, decay: 1 };

function coefficients(
  beta1: number,
  beta2: number,
  stepSize: number,
  bc2Sqrt: number,
  eps: number,
  decay: number,
): AdamCoefficients {
  const c = stepCoefficients;
  c.beta1 = beta1;
  c.beta2 = beta2;
  c.stepSize = stepSize;
  c.bc2Sqrt = bc2Sqrt;
  c.eps = eps;
  c.decay = decay;
  return c;
}
