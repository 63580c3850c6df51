/**
 * Element-wise math: exp, log, sqrt, abs, sin, cos, square, reciprocal, sign, erf, clamp.
 * Each backward is written with tensor ops, so it can be differentiated again.
 */
import { record } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { erf as erfKernel } from '../kernels/activation.js';
import { clamp as clampKernel, type UnaryOp, unary } from '../kernels/elementwise.js';
import { Tensor } from '../tensor.js';

function forward(op: UnaryOp, x: Tensor): Tensor {
  const out = Tensor.empty(x.shape, x.dtype);
  unary(op, x.data, out.data);
  return out;
}

/**
 * Exponential.
 *   forward:  y = eˣ
 *   backward: ∂L/∂x = ∂L/∂y · y        (saves the output y)
 */
export function exp(x: Tensor): Tensor {
  const y = forward('exp', x);
  return record('exp', [x], y, (g) => [g.mul(y)]);
}

/**
 * Natural logarithm.
 *   forward:  y = ln x
 *   backward: ∂L/∂x = ∂L/∂y / x        (saves the input x)
 */
export function log(x: Tensor): Tensor {
  const y = forward('log', x);
  return record('log', [x], y, (g) => [g.div(x)]);
}

/**
 * Square root.
 *   forward:  y = √x
 *   backward: ∂L/∂x = ∂L/∂y / (2y)     (saves the output y)
 */
export function sqrt(x: Tensor): Tensor {
  const y = forward('sqrt', x);
  return record('sqrt', [x], y, (g) => [g.div(y.mul(2))]);
}

/**
 * Absolute value.
 *   forward:  y = |x|
 *   backward: ∂L/∂x = ∂L/∂y · sign(x)  (sign(0) = 0: the subgradient PyTorch picks)
 */
export function abs(x: Tensor): Tensor {
  const y = forward('abs', x);
  return record('abs', [x], y, (g) => [g.mul(sign(x))]);
}

/**
 * Sine.
 *   forward:  y = sin x
 *   backward: ∂L/∂x = ∂L/∂y · cos x
 */
export function sin(x: Tensor): Tensor {
  const y = forward('sin', x);
  return record('sin', [x], y, (g) => [g.mul(cos(x))]);
}

/**
 * Cosine.
 *   forward:  y = cos x
 *   backward: ∂L/∂x = −∂L/∂y · sin x
 */
export function cos(x: Tensor): Tensor {
  const y = forward('cos', x);
  return record('cos', [x], y, (g) => [g.mul(sin(x)).neg()]);
}

/**
 * Square.
 *   forward:  y = x²
 *   backward: ∂L/∂x = ∂L/∂y · 2x
 */
export function square(x: Tensor): Tensor {
  const y = forward('square', x);
  return record('square', [x], y, (g) => [g.mul(x.mul(2))]);
}

/**
 * Reciprocal.
 *   forward:  y = 1/x
 *   backward: ∂L/∂x = −∂L/∂y · y²      (saves the output y)
 */
export function reciprocal(x: Tensor): Tensor {
  const y = forward('reciprocal', x);
  return record('reciprocal', [x], y, (g) => [g.mul(y.mul(y)).neg()]);
}

/** Sign: −1, 0 or 1 (NaN stays NaN). Piecewise constant, so it records nothing. */
export function sign(x: Tensor): Tensor {
  return forward('sign', x);
}

/**
 * Error function (the kernel follows fdlibm, about 1 ulp in float64).
 *   forward:  y = erf x = 2/√π ∫₀ˣ e^(−t²) dt
 *   backward: ∂L/∂x = ∂L/∂y · 2/√π · e^(−x²)
 */
export function erf(x: Tensor): Tensor {
  const y = Tensor.empty(x.shape, x.dtype);
  erfKernel(x.data, y.data);
  return record('erf', [x], y, (g) => [g.mul(exp(x.mul(x).neg()).mul(2 / Math.sqrt(Math.PI)))]);
}

/**
 * Clamp to [min, max] (either bound may be null).
 *   forward:  y = min(max(x, lo), hi)
 *   backward: ∂L/∂x = ∂L/∂y where lo ≤ x ≤ hi, else 0   (PyTorch passes the gradient at the bounds)
 * With min > max every element becomes max, as in PyTorch (min is applied first).
 */
export function clamp(x: Tensor, min: number | null, max: number | null = null): Tensor {
  if (min === null && max === null)
    throw new ArgumentError('clamp', 'at least one of min and max must be given');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi))
    throw new ArgumentError('clamp', `bounds must not be NaN, got min ${min}, max ${max}`);
  const y = Tensor.empty(x.shape, x.dtype);
  clampKernel(x.data, lo, hi, y.data);
  return record('clamp', [x], y, (g) => [g.mul(x.ge(lo).mul(x.le(hi)))]);
}
