/**
 * Activations: relu, leakyRelu, elu, gelu, silu, softplus, sigmoid, tanh.
 *
 * Each is fused into one kernel where that buys speed or accuracy (sigmoid's overflow-free
 * form, softplus's log1p, gelu's erf) and composed from other ops where the composition is
 * already clear and exact (silu). Every backward is written with tensor ops, so gradients of
 * gradients work. At kinks we follow PyTorch: relu'(0) = 0, leakyRelu'(0) = slope, elu'(0) = α.
 */
import { record } from '../engine.js';
import { ArgumentError } from '../errors.js';
import * as kernels from '../kernels/activation.js';
import { unary } from '../kernels/elementwise.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { erf, exp } from './unary.js';

/** A fresh output of x's shape and dtype, filled by `kernel`. */
function map(x: Tensor, kernel: (x: Tensor['data'], out: Tensor['data']) => void): Tensor {
  const out = Tensor.empty(x.shape, x.dtype);
  kernel(x.data, out.data);
  return out;
}

/**
 * Rectified linear unit.
 *   forward:  y = max(x, 0)
 *   backward: ∂L/∂x = ∂L/∂y · [y > 0]       (saves the output; relu'(0) = 0 as PyTorch)
 */
export function relu(x: Tensor): Tensor {
  const y = map(x, kernels.relu);
  return record('relu', [x], y, (g) => [reluBackward(g, y)]);
}

/**
 * relu's backward as one fused op: g · [y > 0]. With the mask fixed (it is piecewise constant,
 * so y gets no gradient, as with g.mul(y.gt(0))) it is linear in g, so its backward is itself:
 *   forward:  out = g · [y > 0]
 *   backward: ∂L/∂g = ∂L/∂out · [y > 0]
 */
function reluBackward(g: Tensor, y: Tensor): Tensor {
  if (!shapesEqual(g.shape, y.shape) || g.dtype !== y.dtype) return g.mul(y.gt(0));
  const out = Tensor.empty(g.shape, g.dtype);
  kernels.reluBackward(g.data, y.data, out.data);
  return record('reluBackward', [g], out, (u) => [reluBackward(u, y)]);
}

/**
 * Leaky ReLU (Maas et al. 2013, "Rectifier Nonlinearities Improve Neural Network Acoustic Models").
 *   forward:  y = x if x > 0, else slope · x
 *   backward: ∂L/∂x = ∂L/∂y · (x > 0 ? 1 : slope)
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  const y = map(x, (a, out) => kernels.leakyRelu(a, negativeSlope, out));
  return record('leakyRelu', [x], y, (g) => {
    const positive = x.gt(0);
    // slope + (1 − slope)·[x > 0]: 1 on the positive side, slope elsewhere.
    return [g.mul(positive.mul(1 - negativeSlope).add(negativeSlope))];
  });
}

/**
 * Exponential linear unit (Clevert et al. 2016, "Fast and Accurate Deep Network Learning by
 * Exponential Linear Units", eq. 15).
 *   forward:  y = x if x > 0, else α(eˣ − 1)
 *   backward: ∂L/∂x = ∂L/∂y · (x > 0 ? 1 : y + α)      (α·eˣ = y + α on the negative side)
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkFinite('elu', 'alpha', alpha);
  const y = map(x, (a, out) => kernels.elu(a, alpha, out));
  return record('elu', [x], y, (g) => {
    const positive = x.gt(0);
    // clamp keeps y + α finite and flat on the positive side, so 0·(…) there stays 0.
    const negativeSlope = y.clamp(null, 0).add(alpha).mul(x.le(0));
    return [g.mul(negativeSlope.add(positive))];
  });
}

/**
 * Gaussian error linear unit (Hendrycks & Gimpel 2016, "Gaussian Error Linear Units", §2).
 * approximate 'none' (exact):
 *   forward:  y = x · Φ(x),  Φ(x) = ½(1 + erf(x/√2)),  φ(x) = e^(−x²/2) / √(2π)
 *   backward: ∂L/∂x = ∂L/∂y · (Φ(x) + x · φ(x))
 * approximate 'tanh':
 *   forward:  y = ½x(1 + tanh u),  u = √(2/π)(x + 0.044715x³)
 *   backward: ∂L/∂x = ∂L/∂y · (½(1 + tanh u) + ½x(1 − tanh²u) · √(2/π)(1 + 3·0.044715x²))
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new ArgumentError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  if (approximate === 'tanh') {
    const y = map(x, kernels.geluTanh);
    return record('gelu', [x], y, (g) => {
      const x2 = x.mul(x);
      const u = x.add(x2.mul(x).mul(kernels.GELU_TANH_CUBIC)).mul(kernels.GELU_TANH_SCALE);
      const t = tanh(u);
      const du = x2
        .mul(3 * kernels.GELU_TANH_CUBIC)
        .add(1)
        .mul(kernels.GELU_TANH_SCALE);
      const left = t.add(1).mul(0.5);
      const right = x.mul(0.5).mul(t.mul(t).neg().add(1)).mul(du);
      return [g.mul(left.add(right))];
    });
  }
  const y = map(x, kernels.gelu);
  return record('gelu', [x], y, (g) => {
    const cdf = erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
    const pdf = exp(x.mul(x).mul(-0.5)).mul(1 / Math.sqrt(2 * Math.PI));
    return [g.mul(cdf.add(x.mul(pdf)))];
  });
}

/**
 * SiLU / swish (Elfwing et al. 2018; Ramachandran et al. 2017), composed: y = x · σ(x).
 * Its backward follows from mul and sigmoid: ∂L/∂x = ∂L/∂y · σ(x)(1 + x(1 − σ(x))).
 */
export function silu(x: Tensor): Tensor {
  return x.mul(sigmoid(x));
}

/**
 * Softplus, a smooth relu (PyTorch's beta and threshold).
 *   forward:  y = log(1 + e^(βx)) / β,  or y = x where βx > threshold (linear regime)
 *   backward: ∂L/∂x = ∂L/∂y · σ(βx),     or ∂L/∂y where βx > threshold
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFinite('softplus', 'beta', beta);
  if (beta === 0) throw new ArgumentError('softplus', 'beta must be nonzero, got 0');
  if (Number.isNaN(threshold)) throw new ArgumentError('softplus', 'threshold must not be NaN');
  const y = map(x, (a, out) => kernels.softplus(a, beta, threshold, out));
  return record('softplus', [x], y, (g) => {
    const bx = x.mul(beta);
    const linear = bx.gt(threshold);
    // σ(βx) where βx ≤ threshold, 1 where βx > threshold.
    const slope = sigmoid(bx).mul(bx.le(threshold)).add(linear);
    return [g.mul(slope)];
  });
}

/**
 * Logistic sigmoid.
 *   forward:  y = σ(x) = 1 / (1 + e^(−x))   (overflow-free kernel)
 *   backward: ∂L/∂x = ∂L/∂y · y · (1 − y)    (saves the output y)
 */
export function sigmoid(x: Tensor): Tensor {
  const y = map(x, kernels.sigmoid);
  return record('sigmoid', [x], y, (g) => [g.mul(y.mul(y.neg().add(1)))]);
}

/**
 * Hyperbolic tangent.
 *   forward:  y = tanh x
 *   backward: ∂L/∂x = ∂L/∂y · (1 − y²)       (saves the output y)
 */
export function tanh(x: Tensor): Tensor {
  const y = map(x, (a, out) => unary('tanh', a, out));
  return record('tanh', [x], y, (g) => [g.mul(y.mul(y).neg().add(1))]);
}

function checkFinite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ArgumentError(op, `${name} must be a finite number, got ${String(value)}`);
}
