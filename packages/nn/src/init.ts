/**
 * Weight initialization. Each function fills a tensor **in place** (writing its storage
 * directly, so nothing is recorded — the no-grad of PyTorch's `init.*_`) and returns it.
 * Random ones draw from the global generator (`manualSeed`) or from `options.generator`.
 *
 * Why it matters: with n inputs of variance 1, a weight of variance σ² gives pre-activations of
 * variance n·σ². Keeping that near 1 (times a gain that undoes the activation's shrinkage)
 * stops signals from vanishing or exploding with depth.
 * Refs: Glorot & Bengio 2010 (Xavier), §4.2 eq. 16; He et al. 2015 (Kaiming), §2.2 eq. 10.
 */
import {
  defaultGenerator,
  formatShape,
  type Generator,
  type Shape,
  ShapeError,
  type Tensor,
} from '@tsgrad/autograd';

export interface RandomInitOptions {
  generator?: Generator;
}

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';

/**
 * The factor by which an activation's output std should be scaled back up (PyTorch's table):
 * linear/conv/sigmoid 1, tanh 5/3, relu √2, leakyRelu √(2 / (1 + a²)) (a defaults to 0.01), selu 3/4.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const a = param ?? 0.01;
      return Math.sqrt(2 / (1 + a * a));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * Fan-in and fan-out of a weight, as PyTorch: for `[out, in, k₁, k₂, …]` (Linear `[out, in]`,
 * Conv2d `[out, in/groups, kh, kw]`) the receptive field r = k₁·k₂·…, fanIn = in·r, fanOut = out·r.
 */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ShapeError(
      'computeFans',
      `fan in and fan out need a tensor with at least 2 dims, got shape ${formatShape(shape)}`,
      [shape],
    );
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Fills `w` with N(mean, std²). */
export function normal(w: Tensor, mean = 0, std = 1, options: RandomInitOptions = {}): Tensor {
  if (!(std >= 0)) throw new RangeError(`init.normal: std must be >= 0, got ${std}`);
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < w.size; i++) w.data[i] = mean + std * g.normal();
  return w;
}

/** Fills `w` with U[a, b). */
export function uniform(w: Tensor, a = 0, b = 1, options: RandomInitOptions = {}): Tensor {
  if (!(a <= b)) throw new RangeError(`init.uniform: need a <= b, got a ${a}, b ${b}`);
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < w.size; i++) w.data[i] = g.uniform(a, b);
  return w;
}

/** Fills `w` with `value`. */
export function constant(w: Tensor, value: number): Tensor {
  w.data.fill(value);
  return w;
}

export function zeros(w: Tensor): Tensor {
  return constant(w, 0);
}

export function ones(w: Tensor): Tensor {
  return constant(w, 1);
}

export interface XavierOptions extends RandomInitOptions {
  gain?: number;
}

/** Xavier/Glorot uniform: U[−b, b] with b = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(w: Tensor, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = computeFans(w.shape);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(w, -bound, bound, options);
}

/** Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(w: Tensor, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = computeFans(w.shape);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return normal(w, 0, std, options);
}

export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the leaky ReLU that follows (0: plain ReLU). Default 0. */
  a?: number;
  /** 'fanIn' keeps the forward variance, 'fanOut' the backward one. Default 'fanIn'. */
  mode?: 'fanIn' | 'fanOut';
  /** Default 'leakyRelu' (with `a`), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

/** σ = gain / √fan for Kaiming init. */
function kaimingStd(w: Tensor, options: KaimingOptions): number {
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new RangeError(`init.kaiming: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  }
  const fans = computeFans(w.shape);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** Kaiming/He uniform: U[−b, b] with b = √3·gain/√fan (a uniform of that std). */
export function kaimingUniform(w: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(w, options);
  return uniform(w, -bound, bound, options);
}

/** Kaiming/He normal: N(0, σ²) with σ = gain/√fan. */
export function kaimingNormal(w: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(w, 0, kaimingStd(w, options), options);
}
